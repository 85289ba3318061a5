import { type ChildProcess, spawn } from "node:child_process";
import { freePort } from "@outdesk/local/errors";
import { repoRoot } from "@outdesk/local/paths";

export interface RunningStack {
  child: ChildProcess;
  output: () => string;
  url: string;
  smtpPort: number;
  /** The local SES (its viewer of sent mail at `/`). */
  sesUrl: string;
  s3Endpoint: string;
  stop(): Promise<number | null>;
}

/**
 * Starts `npm start`'s entry (packages/local/src/start.ts) as a subprocess on free ports; the
 * demo's months of history only when asked (it costs seconds per stack).
 */
export async function startStack(dataDir: string, { history = false } = {}): Promise<RunningStack> {
  const [apiPort, dynamoPort, smtpPort, sesPort, s3Port] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const child = spawn("node", ["--import", "tsx", "packages/local/src/start.ts"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      OUTDESK_PORT: String(apiPort),
      OUTDESK_DYNAMO_PORT: String(dynamoPort),
      OUTDESK_SMTP_PORT: String(smtpPort),
      OUTDESK_SES_PORT: String(sesPort),
      OUTDESK_S3_PORT: String(s3Port),
      OUTDESK_DATA_DIR: dataDir,
      OUTDESK_DEMO_HISTORY: history ? "on" : "off",
    },
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  // Seeding three months of history takes most of a minute on a loaded 2-core machine.
  const deadline = Date.now() + (history ? 180_000 : 90_000);
  while (!output.includes("Press Ctrl-C to stop.")) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`stack did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    output: () => output,
    url: `http://localhost:${apiPort}`,
    smtpPort,
    sesUrl: `http://127.0.0.1:${sesPort}`,
    s3Endpoint: `http://127.0.0.1:${s3Port}`,
    stop() {
      if (child.exitCode !== null) return Promise.resolve(child.exitCode);
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGINT");
      return exited;
    },
  };
}
