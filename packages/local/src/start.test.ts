import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startStack } from "../../../test/stack";

const dataDir = mkdtempSync(join(tmpdir(), "outdesk-start-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("npm start (the local stack)", () => {
  it("serves the API with demo logins, persists data across restarts, and stops cleanly", async () => {
    const first = await startStack(dataDir);
    expect(first.output()).toContain("demo data seeded");
    expect(first.output()).toContain("maya@northwind.example");
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
    expect(await first.stop()).toBe(0);

    const second = await startStack(dataDir);
    expect(second.output()).toContain("demo data already present");
    expect(await second.stop()).toBe(0);
  }, 120_000);
});
