import { execFile } from "node:child_process";
import { Config } from "@outdesk/core/config";
import { describe, expect, inject, it } from "vitest";
import { call, expectStatus } from "../../../test/api";
import { repoRoot } from "./paths";

function cli(...args: string[]) {
  const all = [...args, "--endpoint", inject("dynamoEndpoint"), "--table", Config.get("tableName")];
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      "node",
      ["--import", "tsx", "packages/local/src/cli.ts", ...all],
      { cwd: repoRoot },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

async function demoAdmin() {
  const login = await call(undefined, "POST", "/v1/auth/login", {
    provider: "northwind",
    email: "admin@northwind.example",
    password: "outdesk-demo",
  });
  return { name: "Nora", token: expectStatus(login, 200).body.accessToken as string };
}

describe("CLI", () => {
  it("signs up a provider whose admin can log in through the API", async () => {
    const result = await cli(
      "signup",
      "--name",
      "Contoso Support",
      "--slug",
      "contoso",
      "--admin-name",
      "Cass",
      "--email",
      "cass@contoso.example",
      "--password",
      "a long cli password",
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).providerId).toMatch(/^prv_/);
    const login = await call(undefined, "POST", "/v1/auth/login", {
      provider: "contoso",
      email: "cass@contoso.example",
      password: "a long cli password",
    });
    expect(login.status).toBe(200);
  });

  it("generates a password when none is given, and refuses a taken slug with exit code 3", async () => {
    const first = await cli("signup", "--name", "Fabrikam", "--slug", "fabrikam", "--email", "f@fabrikam.example");
    expect(first.code, first.stderr).toBe(0);
    const { login } = JSON.parse(first.stdout);
    expect(login.password.length).toBeGreaterThanOrEqual(16);
    const reply = await call(undefined, "POST", "/v1/auth/login", login);
    expect(reply.status).toBe(200);
    const again = await cli("signup", "--name", "Other", "--slug", "fabrikam", "--email", "o@other.example");
    expect(again.code).toBe(3);
    expect(again.stderr).toContain("providerSlug");
  });

  it("names invalid fields with exit code 2", async () => {
    const result = await cli("signup", "--name", "Bad", "--slug", "Bad Slug", "--email", "nope");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("providerSlug");
    expect(result.stderr).toContain("adminEmail");
  });

  it("generates a signing key for a deployed stage", async () => {
    const result = await cli("keygen");
    expect(JSON.parse(result.stdout)).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
    expect(JSON.parse(result.stdout).d).toBeTruthy();
  });

  it("seeds the demo provider once", async () => {
    expect((await cli("seed")).stdout).toContain("seeded");
    expect((await cli("seed")).stdout).toContain("already present");
    const login = await call(undefined, "POST", "/v1/auth/login", {
      provider: "northwind",
      email: "maya@northwind.example",
      password: "outdesk-demo",
    });
    expect(login.status).toBe(200);
    // Three months of demo history go through the ticket operations: seconds, not milliseconds.
  }, 120_000);

  it("seeds each demo client with its own calendar and SLA policy, and measured tickets", async () => {
    // Seeds, or finds the demo the test above seeded in this file's table.
    expect((await cli("seed")).code).toBe(0);
    const admin = await demoAdmin();
    const clients = expectStatus(await call(admin, "GET", "/v1/clients"), 200).body.items as {
      id: string;
      slug: string;
    }[];
    expect(clients.map((client) => client.slug).sort()).toEqual(["acme", "globex", "initech"]);
    const idOf = Object.fromEntries(clients.map((client) => [client.slug, client.id]));

    const calendarOf: Record<string, string> = {};
    for (const client of clients) {
      const set = expectStatus(await call(admin, "GET", `/v1/clients/${client.id}/sla-policies`), 200).body;
      expect(set.version, client.slug).toBe(1);
      expect(set.policies).toHaveLength(1);
      expect(set.calendars).toHaveLength(1);
      calendarOf[client.slug] = set.calendars[0].id;
    }
    expect(new Set(Object.values(calendarOf)).size).toBe(3);
    const schedule = async (slug: string) =>
      expectStatus(await call(admin, "GET", `/v1/calendars/${calendarOf[slug]}`), 200).body.current.schedule;
    expect(await schedule("acme")).toMatchObject({ alwaysOpen: true, hours: [] });
    expect(await schedule("globex")).toMatchObject({
      timeZone: "Europe/London",
      holidays: expect.arrayContaining([
        expect.objectContaining({ date: "2025-12-25", yearly: true }),
        expect.objectContaining({ from: "13:00", to: "18:00" }),
      ]),
    });
    expect(await schedule("initech")).toMatchObject({ timeZone: "America/Chicago", alwaysOpen: false });

    // Acme's unanswered urgent incident counts down on the 24×7 calendar: first reply due in 30 minutes.
    const fresh = expectStatus(
      await call(admin, "GET", `/v1/tickets?view=client&clientId=${idOf.acme}&status=new`),
      200,
    ).body.items.find((t: { subject: string }) => t.subject === "Order confirmation emails stopped going out");
    const sla = async (ticketId: string) =>
      expectStatus(await call(admin, "GET", `/v1/clients/${idOf.acme}/tickets/${ticketId}`), 200).body.ticket.sla;
    const cycle = (state: { cycles: { metric: string }[] }, metric: string) =>
      state.cycles.find((c) => c.metric === metric) as Record<string, string> | undefined;
    const unanswered = await sla(fresh.id);
    expect(unanswered.policy.name).toBe("Around the clock");
    const firstReply = cycle(unanswered, "first_reply")!;
    expect(firstReply).toMatchObject({ state: "running", targetMinutes: 30, calendarId: calendarOf.acme });
    expect(Date.parse(firstReply.dueAt!) - Date.parse(firstReply.startedAt!)).toBe(30 * 60_000);
    expect(cycle(unanswered, "resolution")).toMatchObject({ state: "running", targetMinutes: 1440 });
    // The checkout outage was answered (first reply met) and the customer wrote back: next reply runs.
    const outage = expectStatus(
      await call(admin, "GET", `/v1/tickets?view=client&clientId=${idOf.acme}&status=open`),
      200,
    ).body.items.find((t: { subject: string }) => t.subject.startsWith("Checkout fails"));
    const answered = await sla(outage.id);
    expect(cycle(answered, "first_reply")).toMatchObject({ state: "stopped", outcome: "met" });
    expect(cycle(answered, "next_reply")).toMatchObject({ state: "running", targetMinutes: 120 });
  });

  it("seeds months of worked history: every client's last month is measured, mostly met, a few breaches", async () => {
    expect((await cli("seed")).code).toBe(0);
    const admin = await demoAdmin();
    const now = new Date();
    const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15)).toISOString().slice(0, 7);
    const overview = expectStatus(await call(admin, "GET", `/v1/sla-report?month=${last}`), 200).body;
    expect(overview.clients).toHaveLength(3);
    for (const client of overview.clients as { name: string; metrics: Record<string, number | string>[] }[]) {
      const firstReply = client.metrics.find((m) => m.metric === "first_reply")!;
      expect(firstReply.measured, client.name).toBeGreaterThanOrEqual(4);
      expect(firstReply.compliance, client.name).toBeGreaterThan(50);
      const resolution = client.metrics.find((m) => m.metric === "resolution")!;
      expect(resolution.ended, client.name).toBeGreaterThanOrEqual(4);
    }
    const breaches = overview.clients
      .flatMap((c: { metrics: { breached: number }[] }) => c.metrics)
      .reduce((sum: number, m: { breached: number }) => sum + m.breached, 0);
    expect(breaches).toBeGreaterThan(0);
  });
});
