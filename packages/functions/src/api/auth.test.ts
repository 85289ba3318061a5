import { lockSeconds } from "@outdesk/core/auth";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { call, expectStatus } from "../../../../test/api";
import { buildWorld, inviteAndAccept, PASSWORD, type World } from "../../../../test/world";

let world: World;
let slugA: string;
beforeAll(async () => {
  world = await buildWorld();
  slugA = (await call(world.personas.adminA, "GET", "/v1/me")).body.provider.slug;
});
afterEach(() => {
  vi.useRealTimers();
});

const login = (provider: string, email: string, password = PASSWORD) =>
  call(undefined, "POST", "/v1/auth/login", { provider, email, password });

describe("POST /v1/auth/login", () => {
  it("returns tokens that work, for the right provider, email and password", async () => {
    const { body: me } = await call(world.personas.agentA1, "GET", "/v1/me");
    const reply = expectStatus(await login(slugA, me.user.email.toUpperCase()), 200);
    expect(reply.body).toMatchObject({ tokenType: "Bearer", expiresIn: 900 });
    const again = await call({ name: "x", token: reply.body.accessToken }, "GET", "/v1/me");
    expect(again.body.user.id).toBe(world.ids.agentA1);
  });

  it("answers wrong password, unknown email and unknown provider alike", async () => {
    const { body: me } = await call(world.personas.adminA, "GET", "/v1/me");
    const replies = [
      await login(slugA, me.user.email, "wrong password!"),
      await login(slugA, "nobody@nowhere.example"),
      await login("no-such-provider", me.user.email),
    ];
    for (const reply of replies) {
      expect(reply.status).toBe(401);
      expect(reply.body.message).toBe("The provider, email or password is wrong");
    }
  });

  it("does not let one provider's user log in through another provider's slug", async () => {
    const { body: b } = await call(world.personas.adminB, "GET", "/v1/me");
    expect((await login(slugA, b.user.email)).status).toBe(401);
  });

  it("locks the account after five failures, with backoff, even for the right password", async () => {
    const user = await inviteAndAccept(world.personas.adminA, {
      email: "locked@a.example",
      role: "agent",
      clientIds: [world.ids.clientA1],
    });
    for (let i = 0; i < 5; i++) expect((await login(slugA, "locked@a.example", "wrong password!")).status).toBe(401);
    const locked = await login(slugA, "locked@a.example");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(locked.headers.get("retry-after"))).toBeLessThanOrEqual(30);
    // After the lock passes, the right password works and resets the counter.
    vi.useFakeTimers({ now: Date.now() + 31_000, toFake: ["Date"] });
    expectStatus(await login(slugA, "locked@a.example"), 200);
    expect(user.userId).toBeTruthy();
  });

  it("grows the lock exponentially up to 15 minutes", () => {
    expect([4, 5, 6, 7, 20].map(lockSeconds)).toEqual([0, 30, 60, 120, 900]);
  });

  it("rejects malformed JSON, unknown fields and bad emails with the field named", async () => {
    const malformed = await call(undefined, "POST", "/v1/auth/login", "{not json");
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe("bad_request");
    const unknown = await call(undefined, "POST", "/v1/auth/login", {
      provider: slugA,
      email: "a@b.example",
      password: "x",
      admin: true,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe("validation");
    expect(JSON.stringify(unknown.body.issues)).toContain("admin");
    const email = await call(undefined, "POST", "/v1/auth/login", { provider: slugA, email: "nope", password: "x" });
    expect(email.body.issues[0].path).toEqual(["email"]);
  });

  it("refuses bodies over the size limit with 413", async () => {
    const reply = await call(undefined, "POST", "/v1/auth/login", { provider: "x".repeat(300 * 1024) });
    expect(reply.status).toBe(413);
    expect(reply.body.code).toBe("payload_too_large");
  });
});

describe("POST /v1/auth/refresh and /logout", () => {
  it("rotates the refresh token and revokes the session when an old one is replayed", async () => {
    const user = await inviteAndAccept(world.personas.adminA, {
      email: "rotate@a.example",
      role: "agent",
      clientIds: [world.ids.clientA1],
    });
    const first = expectStatus(
      await call(undefined, "POST", "/v1/auth/refresh", { refreshToken: user.refreshToken }),
      200,
    );
    expect(first.body.refreshToken).not.toBe(user.refreshToken);
    const replay = await call(undefined, "POST", "/v1/auth/refresh", { refreshToken: user.refreshToken });
    expect(replay.status).toBe(401);
    // The replay revoked the session: even the newest token is dead now.
    const after = await call(undefined, "POST", "/v1/auth/refresh", { refreshToken: first.body.refreshToken });
    expect(after.status).toBe(401);
  });

  it("applies role and client changes at the next refresh", async () => {
    const user = await inviteAndAccept(world.personas.adminA, {
      email: "moves@a.example",
      role: "agent",
      clientIds: [world.ids.clientA1],
    });
    expectStatus(
      await call(world.personas.adminA, "PATCH", `/v1/users/${user.userId}`, { clientIds: [world.ids.clientA2] }),
      200,
    );
    const refreshed = expectStatus(
      await call(undefined, "POST", "/v1/auth/refresh", { refreshToken: user.refreshToken }),
      200,
    );
    const persona = { name: "moved", token: refreshed.body.accessToken };
    expect((await call(persona, "GET", `/v1/clients/${world.ids.clientA2}`)).status).toBe(200);
    expect((await call(persona, "GET", `/v1/clients/${world.ids.clientA1}`)).status).toBe(404);
  });

  it("refuses refresh for a disabled user", async () => {
    const user = await inviteAndAccept(world.personas.adminA, {
      email: "gone@a.example",
      role: "agent",
      clientIds: [],
    });
    expectStatus(await call(world.personas.adminA, "PATCH", `/v1/users/${user.userId}`, { status: "disabled" }), 200);
    expect((await call(undefined, "POST", "/v1/auth/refresh", { refreshToken: user.refreshToken })).status).toBe(401);
    expect((await login(slugA, "gone@a.example")).status).toBe(401);
  });

  it("logout revokes the session", async () => {
    const user = await inviteAndAccept(world.personas.adminA, { email: "bye@a.example", role: "agent", clientIds: [] });
    expectStatus(await call(undefined, "POST", "/v1/auth/logout", { refreshToken: user.refreshToken }), 204);
    expect((await call(undefined, "POST", "/v1/auth/refresh", { refreshToken: user.refreshToken })).status).toBe(401);
    // Idempotent, and silent about unknown tokens.
    expectStatus(await call(undefined, "POST", "/v1/auth/logout", { refreshToken: "odr_x.y.z.w" }), 204);
  });

  it("refuses a refresh token of one provider dressed up as another's", async () => {
    const token = world.personas.adminA as { refreshToken?: string };
    const forged = token.refreshToken!.replace(world.ids.providerA, world.ids.providerB);
    expect((await call(undefined, "POST", "/v1/auth/refresh", { refreshToken: forged })).status).toBe(401);
  });
});

describe("POST /v1/auth/accept-invite", () => {
  it("works once, and not with a tampered or expired token", async () => {
    const invited = expectStatus(
      await call(world.personas.adminA, "POST", "/v1/users", {
        email: "new@a.example",
        name: "New",
        role: "agent",
        clientIds: [world.ids.clientA1],
      }),
      201,
    );
    const token: string = invited.body.inviteToken;
    const tampered = `${token.slice(0, -2)}xx`;
    expect(
      (await call(undefined, "POST", "/v1/auth/accept-invite", { token: tampered, password: PASSWORD })).status,
    ).toBe(401);
    const weak = await call(undefined, "POST", "/v1/auth/accept-invite", { token, password: "short" });
    expect(weak.status).toBe(400);
    expect(weak.body.issues[0].path).toEqual(["password"]);
    expectStatus(await call(undefined, "POST", "/v1/auth/accept-invite", { token, password: PASSWORD }), 200);
    expect((await call(undefined, "POST", "/v1/auth/accept-invite", { token, password: PASSWORD })).status).toBe(401);
  });

  it("expires invitations after seven days", async () => {
    const invited = expectStatus(
      await call(world.personas.adminA, "POST", "/v1/users", {
        email: "late@a.example",
        name: "Late",
        role: "agent",
        clientIds: [],
      }),
      201,
    );
    vi.useFakeTimers({ now: Date.now() + 8 * 24 * 3600 * 1000, toFake: ["Date"] });
    const reply = await call(undefined, "POST", "/v1/auth/accept-invite", {
      token: invited.body.inviteToken,
      password: PASSWORD,
    });
    expect(reply.status).toBe(401);
  });
});
