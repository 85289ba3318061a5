import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus } from "../../../../test/api";
import { buildWorld, PASSWORD, type World } from "../../../../test/world";

let world: World;
beforeAll(async () => {
  world = await buildWorld();
});

describe("me", () => {
  it("describes the caller", async () => {
    const reply = expectStatus(await call(world.personas.clientAdminA1, "GET", "/v1/me"), 200);
    expect(reply.body).toMatchObject({
      actor: { type: "user", role: "client_admin", clientIds: [world.ids.clientA1] },
      provider: { id: world.ids.providerA },
      user: { id: world.ids.clientAdminA1, status: "active" },
    });
    expect(JSON.stringify(reply.body)).not.toMatch(/passwordHash|inviteHash/);
  });

  it("changes the password only with the current one", async () => {
    const persona = world.personas.agentA1;
    const wrong = await call(persona, "POST", "/v1/me/password", {
      currentPassword: "not it at all",
      newPassword: "a brand new password",
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.issues[0].path).toEqual(["currentPassword"]);
    expectStatus(
      await call(persona, "POST", "/v1/me/password", {
        currentPassword: PASSWORD,
        newPassword: "a brand new password",
      }),
      204,
    );
    const { body: me } = await call(persona, "GET", "/v1/me");
    const login = await call(undefined, "POST", "/v1/auth/login", {
      provider: me.provider.slug,
      email: me.user.email,
      password: "a brand new password",
    });
    expect(login.status).toBe(200);
  });
});
