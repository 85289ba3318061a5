import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus } from "../../../../test/api";
import { buildWorld, inviteAndAccept, type World } from "../../../../test/world";

let world: World;
beforeAll(async () => {
  world = await buildWorld();
});

describe("users", () => {
  it("invites an agent with client assignments and refuses a duplicate email", async () => {
    const admin = world.personas.adminA;
    const reply = expectStatus(
      await call(admin, "POST", "/v1/users", {
        email: "Dana@A.example",
        name: "Dana",
        role: "agent",
        clientIds: [world.ids.clientA1, world.ids.clientA2],
      }),
      201,
    );
    expect(reply.body.user).toMatchObject({ email: "dana@a.example", status: "invited", role: "agent" });
    expect(reply.body.inviteToken).toMatch(/^odi_/);
    const dup = await call(admin, "POST", "/v1/users", {
      email: "dana@a.example",
      name: "Dana 2",
      role: "agent",
      clientIds: [],
    });
    expect(dup.status).toBe(409);
    expect(dup.body.issues[0].path).toEqual(["email"]);
  });

  it("checks that the assignment fits the role", async () => {
    const admin = world.personas.adminA;
    const noClient = await call(admin, "POST", "/v1/users", { email: "c@a.example", name: "C", role: "client_admin" });
    expect(noClient.status).toBe(400);
    expect(noClient.body.issues[0].path).toEqual(["clientIds"]);
    const adminWithClients = await call(admin, "POST", "/v1/users", {
      email: "d@a.example",
      name: "D",
      role: "provider_admin",
      clientIds: [world.ids.clientA1],
    });
    expect(adminWithClients.status).toBe(400);
    const unknown = await call(admin, "POST", "/v1/users", {
      email: "e@a.example",
      name: "E",
      role: "agent",
      clientIds: ["cli_nonexistent"],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain("cli_nonexistent");
  });

  it("lets a client admin invite colleagues for their own client only", async () => {
    const boss = world.personas.clientAdminA1;
    const ok = await call(boss, "POST", "/v1/users", {
      email: "peer@acme.example",
      name: "Peer",
      role: "client_admin",
      clientIds: [world.ids.clientA1],
    });
    expect(ok.status).toBe(201);
    const listed = await call(boss, "GET", "/v1/users");
    const emails = listed.body.items.map((u: { email: string }) => u.email);
    expect(emails).toContain("peer@acme.example");
    expect(listed.body.items.every((u: { role: string }) => u.role === "client_admin")).toBe(true);
  });

  it("reassigns agents, disables users, and refuses to disable yourself", async () => {
    const admin = world.personas.adminA;
    const agent = await inviteAndAccept(admin, { email: "moving@a.example", role: "agent", clientIds: [] });
    const { body: read } = await call(admin, "GET", `/v1/users/${agent.userId}`);
    const updated = expectStatus(
      await call(admin, "PATCH", `/v1/users/${agent.userId}`, {
        clientIds: [world.ids.clientA2],
        version: read.version,
      }),
      200,
    );
    expect(updated.body).toMatchObject({ clientIds: [world.ids.clientA2], version: read.version + 1 });
    const stale = await call(admin, "PATCH", `/v1/users/${agent.userId}`, { name: "x", version: read.version });
    expect(stale.status).toBe(409);
    const disabled = expectStatus(await call(admin, "PATCH", `/v1/users/${agent.userId}`, { status: "disabled" }), 200);
    expect(disabled.body.status).toBe("disabled");
    const self = await call(admin, "PATCH", `/v1/users/${world.ids.adminA}`, { status: "disabled" });
    expect(self.status).toBe(409);
  });

  it("changing an agent's role to client admin requires exactly one client", async () => {
    const admin = world.personas.adminA;
    const agent = await inviteAndAccept(admin, { email: "switch@a.example", role: "agent", clientIds: [] });
    const bad = await call(admin, "PATCH", `/v1/users/${agent.userId}`, { role: "client_admin" });
    expect(bad.status).toBe(400);
    const good = expectStatus(
      await call(admin, "PATCH", `/v1/users/${agent.userId}`, {
        role: "client_admin",
        clientIds: [world.ids.clientA2],
      }),
      200,
    );
    expect(good.body).toMatchObject({ role: "client_admin", clientIds: [world.ids.clientA2] });
  });

  it("lists users by email with paging", async () => {
    const page = expectStatus(await call(world.personas.adminA, "GET", "/v1/users?limit=3"), 200);
    expect(page.body.items).toHaveLength(3);
    const emails = page.body.items.map((u: { email: string }) => u.email);
    expect([...emails].sort()).toEqual(emails);
    const agents = await call(world.personas.adminA, "GET", "/v1/users?role=agent");
    expect(agents.body.items.every((u: { role: string }) => u.role === "agent")).toBe(true);
  });
});
