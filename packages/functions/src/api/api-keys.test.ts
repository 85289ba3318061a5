import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus } from "../../../../test/api";
import { buildWorld, type World } from "../../../../test/world";

let world: World;
beforeAll(async () => {
  world = await buildWorld();
});

describe("API keys", () => {
  it("a provider-wide key sees every client; a scoped key only its own", async () => {
    const created = expectStatus(await call(world.personas.adminA, "POST", "/v1/api-keys", { name: "sync" }), 201);
    expect(created.body.secret).toMatch(/^odk_/);
    const key = { name: "key", token: created.body.secret };
    const all = await call(key, "GET", "/v1/clients");
    expect(all.body.items.map((c: { id: string }) => c.id).sort()).toEqual(
      [world.ids.clientA1, world.ids.clientA2].sort(),
    );
    const scoped = await call(world.personas.keyA1, "GET", "/v1/clients");
    expect(scoped.body.items.map((c: { id: string }) => c.id)).toEqual([world.ids.clientA1]);
    const me = await call(world.personas.keyA1, "GET", "/v1/me");
    expect(me.body).toMatchObject({ actor: { type: "api_key", role: "client_admin" }, user: null });
  });

  it("never lists the secret, and stops working once revoked", async () => {
    const created = expectStatus(await call(world.personas.adminA, "POST", "/v1/api-keys", { name: "temp" }), 201);
    const list = await call(world.personas.adminA, "GET", "/v1/api-keys");
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);
    expect(list.body.items.find((k: { id: string }) => k.id === created.body.apiKey.id)).toMatchObject({
      name: "temp",
      last4: created.body.secret.slice(-4),
      revokedAt: null,
    });
    const key = { name: "temp", token: created.body.secret };
    expect((await call(key, "GET", "/v1/me")).status).toBe(200);
    const revoked = expectStatus(
      await call(world.personas.adminA, "DELETE", `/v1/api-keys/${created.body.apiKey.id}`),
      200,
    );
    expect(revoked.body.revokedAt).toBeTruthy();
    expect((await call(key, "GET", "/v1/me")).status).toBe(401);
  });

  it("creates tickets through a client-scoped key on the api channel", async () => {
    const reply = expectStatus(
      await call(world.personas.keyA1, "POST", "/v1/tickets", {
        clientId: world.ids.clientA1,
        subject: "From the portal",
        body: "Created by an integration",
        requester: { email: "portal@acme.example" },
      }),
      201,
    );
    expect(reply.body).toMatchObject({ channel: "api", clientId: world.ids.clientA1 });
  });

  it("lets a client admin create keys for their own client", async () => {
    const reply = await call(world.personas.clientAdminA1, "POST", "/v1/api-keys", {
      name: "acme it",
      clientId: world.ids.clientA1,
    });
    expect(reply.status).toBe(201);
    expect(reply.body.apiKey.clientId).toBe(world.ids.clientA1);
  });

  it("refuses a secret with a wrong part", async () => {
    const created = expectStatus(await call(world.personas.adminA, "POST", "/v1/api-keys", { name: "x" }), 201);
    const wrong = `${created.body.secret.slice(0, -4)}AAAA`;
    expect((await call({ name: "wrong", token: wrong }, "GET", "/v1/me")).status).toBe(401);
  });
});
