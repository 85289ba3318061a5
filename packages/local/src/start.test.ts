import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "./errors";
import { repoRoot } from "./paths";

const dataDir = mkdtempSync(join(tmpdir(), "outdesk-start-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function startStack() {
  const [apiPort, dynamoPort] = [await freePort(), await freePort()];
  const child = spawn("node", ["--import", "tsx", "packages/local/src/start.ts"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      OUTDESK_PORT: String(apiPort),
      OUTDESK_DYNAMO_PORT: String(dynamoPort),
      OUTDESK_DATA_DIR: dataDir,
    },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const deadline = Date.now() + 60_000;
  while (!output.includes("Press Ctrl-C to stop.")) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`stack did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output, url: `http://localhost:${apiPort}` };
}

async function stop(child: ChildProcess) {
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  child.kill("SIGINT");
  return exited;
}

describe("npm start (the local stack)", () => {
  it("serves the API with demo logins, persists data across restarts, and stops cleanly", async () => {
    const first = await startStack();
    expect(first.output).toContain("demo data seeded");
    expect(first.output).toContain("maya@northwind.example");
    expect(await (await fetch(`${first.url}/health`)).json()).toEqual({ status: "ok" });
    const login = await fetch(`${first.url}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ provider: "northwind", email: "ops@acme.example", password: "outdesk-demo" }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const clients = await fetch(`${first.url}/v1/clients`, { headers: { authorization: `Bearer ${accessToken}` } });
    const body = (await clients.json()) as { items: { slug: string }[] };
    expect(body.items.map((client) => client.slug)).toEqual(["acme"]);
    expect((await fetch(`${first.url}/v1/docs`)).status).toBe(200);
    expect(await stop(first.child)).toBe(0);

    const second = await startStack();
    expect(second.output).toContain("demo data already present");
    expect(await stop(second.child)).toBe(0);
  }, 120_000);
});
