import { Config } from "@outdesk/core/config";
import { Dynamo, Outdesk } from "@outdesk/core/dynamo";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus, type Persona } from "../../../../test/api";
import { buildWorld, inviteAndAccept, PASSWORD, signup, type World } from "../../../../test/world";
import { app } from "./app";

/** Sessions and credentials (issue 8, items 1–6) and what /v1/users shows (item 9). */

let ip = 0;
/** A call from its own address, so the per-address login limit does not mix tests up. */
async function from(
  address: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await app.request(
    path,
    {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
    { incoming: { socket: { remoteAddress: address } } },
  );
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}
const newAddress = () => `10.8.0.${++ip}`;

const login = (slug: string, email: string, password = PASSWORD, headers: Record<string, string> = {}) =>
  from(newAddress(), "POST", "/v1/auth/login", { provider: slug, email, password }, headers);

const as = (token: string): Persona => ({ name: "token", token });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let world: World;
let slug: string;
beforeAll(async () => {
  world = await buildWorld();
  slug = (await call(world.personas.adminA, "GET", "/v1/me")).body.provider.slug;
});
afterEach(() => Config.configure({ credentialCacheMs: 20_000 }));

async function newAgent(clientIds = [world.ids.clientA1]) {
  const email = `agent-${Math.random().toString(36).slice(2)}@a.example`;
  const agent = await inviteAndAccept(world.personas.adminA, { email, role: "agent", clientIds });
  return { ...agent, email };
}

describe("access tokens are re-checked (item 1)", () => {
  it("stops a token within the cache period when another instance disables the user", async () => {
    Config.configure({ credentialCacheMs: 200 });
    const agent = await newAgent();
    expectStatus(await call(agent, "GET", "/v1/me"), 200);
    // Written straight to the table, as another instance would: this one has nothing to forget.
    await Outdesk.entities.user
      .patch({ providerId: agent.providerId!, userId: agent.userId })
      .set({ status: "disabled" })
      .go();
    expectStatus(await call(agent, "GET", "/v1/me"), 200);
    await sleep(250);
    expectStatus(await call(agent, "GET", "/v1/me"), 401);
  });

  it("ends the token at once on the instance that disables, logs out, demotes or unassigns", async () => {
    const disabled = await newAgent();
    expectStatus(await call(disabled, "GET", "/v1/me"), 200);
    expectStatus(
      await call(world.personas.adminA, "PATCH", `/v1/users/${disabled.userId}`, { status: "disabled" }),
      200,
    );
    expectStatus(await call(disabled, "GET", "/v1/me"), 401);

    const leaving = await newAgent();
    expectStatus(await call(leaving, "GET", "/v1/me"), 200);
    expectStatus(await call(undefined, "POST", "/v1/auth/logout", { refreshToken: leaving.refreshToken }), 204);
    expectStatus(
      await call(leaving, "POST", `/v1/clients/${world.ids.clientA1}/tickets/${world.ids.ticketA1}/notes`, {
        body: "x",
      }),
      401,
    );

    const admin = await inviteAndAccept(world.personas.adminA, {
      email: `adm-${ip}@a.example`,
      role: "provider_admin",
      clientIds: [],
    });
    expectStatus(await call(admin, "POST", "/v1/api-keys", { name: "before" }), 201);
    expectStatus(
      await call(world.personas.adminA, "PATCH", `/v1/users/${admin.userId}`, {
        role: "agent",
        clientIds: [world.ids.clientA1],
      }),
      200,
    );
    expectStatus(await call(admin, "POST", "/v1/api-keys", { name: "after" }), 403);

    const moved = await newAgent([world.ids.clientA1, world.ids.clientA2]);
    const ticket = `/v1/clients/${world.ids.clientA2}/tickets/${world.ids.ticketA2}`;
    expectStatus(await call(moved, "GET", ticket), 200);
    expectStatus(
      await call(world.personas.adminA, "PATCH", `/v1/users/${moved.userId}`, { clientIds: [world.ids.clientA1] }),
      200,
    );
    expectStatus(await call(moved, "GET", ticket), 404);
  });

  it("adds no DynamoDB request to a call with a checked token", async () => {
    const agent = await newAgent();
    const path = `/v1/clients/${world.ids.clientA1}/tickets/${world.ids.ticketA1}`;
    const first = await Dynamo.measure(() => call(agent, "GET", path));
    const again = await Dynamo.measure(() => call(agent, "GET", path));
    expect(first.result.status).toBe(200);
    expect([first.requests, again.requests]).toEqual([1, 1]);
  });
});

describe("sessions end when they should (item 2)", () => {
  it("a password change ends every other session and keeps the caller's", async () => {
    const agent = await newAgent();
    const other = expectStatus(await login(slug, agent.email), 200).body;
    const password = "a brand new passphrase";
    expectStatus(
      await call(agent, "POST", "/v1/me/password", { currentPassword: PASSWORD, newPassword: password }),
      204,
    );
    expectStatus(await call(agent, "GET", "/v1/me"), 200);
    expectStatus(await call(as(other.accessToken), "GET", "/v1/me"), 401);
    expectStatus(await call(undefined, "POST", "/v1/auth/refresh", { refreshToken: other.refreshToken }), 401);
    expectStatus(await call(undefined, "POST", "/v1/auth/refresh", { refreshToken: agent.refreshToken }), 200);
  });

  it("disabling ends all sessions for good and the pending invitation", async () => {
    const agent = await newAgent();
    const admin = world.personas.adminA;
    expectStatus(await call(admin, "PATCH", `/v1/users/${agent.userId}`, { status: "disabled" }), 200);
    expectStatus(await call(admin, "PATCH", `/v1/users/${agent.userId}`, { status: "active" }), 200);
    expectStatus(await call(undefined, "POST", "/v1/auth/refresh", { refreshToken: agent.refreshToken }), 401);
    expectStatus(await call(agent, "GET", "/v1/me"), 401);
    expectStatus(await login(slug, agent.email), 200);

    const invited = expectStatus(
      await call(admin, "POST", "/v1/users", {
        email: `inv-${ip}@a.example`,
        name: "Inv",
        role: "agent",
        clientIds: [],
      }),
      201,
    ).body;
    const disabled = expectStatus(
      await call(admin, "PATCH", `/v1/users/${invited.user.id}`, { status: "disabled" }),
      200,
    );
    expect(disabled.body.status).toBe("disabled");
    const accept = { token: invited.inviteToken, password: PASSWORD };
    expectStatus(await call(undefined, "POST", "/v1/auth/accept-invite", accept), 401);
  });

  it("an invitation can be revoked", async () => {
    const admin = world.personas.adminA;
    const invited = expectStatus(
      await call(admin, "POST", "/v1/users", {
        email: `rev-${ip}@a.example`,
        name: "Rev",
        role: "agent",
        clientIds: [],
      }),
      201,
    ).body;
    const revoked = expectStatus(await call(admin, "DELETE", `/v1/users/${invited.user.id}/invitation`), 200);
    expect(revoked.body.status).toBe("disabled");
    expectStatus(await call(admin, "DELETE", `/v1/users/${invited.user.id}/invitation`), 409);
    const accept = { token: invited.inviteToken, password: PASSWORD };
    expectStatus(await call(undefined, "POST", "/v1/auth/accept-invite", accept), 401);
  });
});

describe("password guesses are limited (items 3 and 4)", () => {
  it("POST /v1/me/password locks after five wrong current passwords", async () => {
    const agent = await newAgent();
    const guess = () =>
      call(agent, "POST", "/v1/me/password", { currentPassword: "wrong guess", newPassword: `${"x".repeat(12)}yz` });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await guess()).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    const right = await call(agent, "POST", "/v1/me/password", {
      currentPassword: PASSWORD,
      newPassword: "another passphrase",
    });
    expect(right.status).toBe(429);
  });

  it("checks at most one more password once the lock threshold is reached", async () => {
    const agent = await newAgent();
    for (let i = 0; i < 4; i++) expectStatus(await login(slug, agent.email, "wrong password"), 401);
    const race = await Promise.all(Array.from({ length: 20 }, () => login(slug, agent.email, "wrong password")));
    const statuses = race.map((reply) => reply.status).sort();
    expect(statuses.filter((status) => status === 401)).toHaveLength(1);
    expect(statuses.filter((status) => status === 429)).toHaveLength(19);
  });

  it("locks unknown accounts exactly like existing ones, at the same cost", async () => {
    const agent = await newAgent();
    const sequence = async (email: string) => {
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await login(slug, email, "wrong password")).status);
      return statuses;
    };
    const known = await sequence(agent.email);
    const unknown = await sequence("nobody-here@a.example");
    const noProvider = await (async () => {
      const statuses = [];
      for (let i = 0; i < 6; i++)
        statuses.push((await login("no-such-provider", agent.email, "wrong password")).status);
      return statuses;
    })();
    expect(known).toEqual([401, 401, 401, 401, 401, 429]);
    expect(unknown).toEqual(known);
    expect(noProvider).toEqual(known);
    // The same DynamoDB requests (and the same scrypt) whether or not the account exists.
    const other = await newAgent();
    const wrong = await Dynamo.measure(() => login(slug, other.email, "wrong password"));
    const missing = await Dynamo.measure(() => login(slug, "missing-user@a.example", "wrong password"));
    expect(wrong.result.status).toBe(401);
    expect(missing.requests).toBe(wrong.requests);
  });
});

describe("API keys (item 5)", () => {
  it("a key revoked on another instance stops within the cache period", async () => {
    Config.configure({ credentialCacheMs: 200 });
    const created = expectStatus(
      await call(world.personas.adminA, "POST", "/v1/api-keys", { name: "short-lived" }),
      201,
    ).body;
    const key = as(created.secret);
    expectStatus(await call(key, "GET", "/v1/clients"), 200);
    await Outdesk.entities.apiKey
      .patch({ providerId: world.ids.providerA, keyId: created.apiKey.id })
      .set({ revokedAt: new Date().toISOString() })
      .go();
    await sleep(250);
    expectStatus(await call(key, "GET", "/v1/clients"), 401);
  });
});

describe("browser sessions keep the refresh token in a cookie (item 6)", () => {
  const cookieMode = { "x-outdesk-session": "cookie" };
  const cookieOf = (headers: Headers) => headers.get("set-cookie") ?? "";
  const cookieValue = (headers: Headers) => /outdesk_refresh=([^;]*)/.exec(cookieOf(headers))?.[1] ?? "";

  it("sets an HttpOnly, Secure, SameSite=Strict cookie on /v1/auth, rotates it and clears it on logout", async () => {
    const agent = await newAgent();
    const logged = expectStatus(await login(slug, agent.email, PASSWORD, cookieMode), 200);
    expect(logged.body.accessToken).toBeTruthy();
    expect(logged.body.refreshToken).toBeUndefined();
    const set = cookieOf(logged.headers);
    for (const attribute of ["HttpOnly", "Secure", "SameSite=Strict", "Path=/v1/auth"])
      expect(set).toContain(attribute);
    const first = cookieValue(logged.headers);

    const refresh = (cookie: string) =>
      from(newAddress(), "POST", "/v1/auth/refresh", undefined, { ...cookieMode, cookie: `outdesk_refresh=${cookie}` });
    const rotated = expectStatus(await refresh(first), 200);
    expect(rotated.body.refreshToken).toBeUndefined();
    const second = cookieValue(rotated.headers);
    expect(second).not.toBe(first);
    expectStatus(await call(as(rotated.body.accessToken), "GET", "/v1/me"), 200);
    // Without the header the cookie is not even looked at: a cross-site form cannot send it.
    expectStatus(
      await from(newAddress(), "POST", "/v1/auth/refresh", undefined, { cookie: `outdesk_refresh=${second}` }),
      400,
    );
    expectStatus(await from(newAddress(), "POST", "/v1/auth/refresh", undefined, cookieMode), 401);

    const out = await from(newAddress(), "POST", "/v1/auth/logout", undefined, {
      ...cookieMode,
      cookie: `outdesk_refresh=${second}`,
    });
    expect(out.status).toBe(204);
    expect(cookieOf(out.headers)).toMatch(/outdesk_refresh=;.*Max-Age=0/);
    expectStatus(await call(as(rotated.body.accessToken), "GET", "/v1/me"), 401);
    expectStatus(await refresh(second), 401);
  });

  it("accept-invite in cookie mode sets the cookie too; API clients keep body tokens", async () => {
    const email = `ck-${ip}@a.example`;
    const invited = expectStatus(
      await call(world.personas.adminA, "POST", "/v1/users", {
        email: email,
        name: "Ck",
        role: "agent",
        clientIds: [],
      }),
      201,
    ).body;
    const accepted = expectStatus(
      await from(
        newAddress(),
        "POST",
        "/v1/auth/accept-invite",
        { token: invited.inviteToken, password: PASSWORD },
        cookieMode,
      ),
      200,
    );
    expect(accepted.body.refreshToken).toBeUndefined();
    expect(cookieValue(accepted.headers)).toMatch(/^odr_/);
    const bearer = expectStatus(await login(slug, email), 200);
    expect(bearer.body.refreshToken).toMatch(/^odr_/);
    expect(bearer.headers.get("set-cookie")).toBeNull();
  });
});

describe("/v1/users shows only what the caller may see (item 9)", () => {
  it("agents see only the clients they serve in other staff's clientIds", async () => {
    const both = await newAgent([world.ids.clientA1, world.ids.clientA2]);
    const { body } = expectStatus(await call(world.personas.agentA1, "GET", "/v1/users?limit=100"), 200);
    const seen = body.items.find((user: { id: string }) => user.id === both.userId);
    expect(seen.clientIds).toEqual([world.ids.clientA1]);
    const one = expectStatus(await call(world.personas.agentA1, "GET", `/v1/users/${both.userId}`), 200);
    expect(one.body.clientIds).toEqual([world.ids.clientA1]);
  });

  it("paging does not reveal how many users the caller cannot see", async () => {
    const other = await signup(`paging-${Date.now().toString(36)}`);
    const client = expectStatus(
      await call(other, "POST", "/v1/clients", { name: "P", slug: "p-one", timeZone: "UTC" }),
      201,
    ).body.id;
    for (let i = 0; i < 6; i++)
      await call(other, "POST", "/v1/users", { email: `staff${i}@p.example`, name: "S", role: "agent", clientIds: [] });
    const boss = await inviteAndAccept(other, {
      email: "zz-boss@p.example",
      role: "client_admin",
      clientIds: [client],
    });
    let cursor: string | null = null;
    const pages: number[] = [];
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const { body } = expectStatus(await call(boss, "GET", `/v1/users?limit=1${query}`), 200);
      pages.push(body.items.length);
      cursor = body.cursor;
    } while (cursor && pages.length < 20);
    // Only the boss is visible: one full page, at most one empty page after it.
    expect(pages[0]).toBe(1);
    expect(pages.length).toBeLessThanOrEqual(2);
  });
});
