import { signingKeys } from "@outdesk/core/auth/keys";
import { app, publicRoutes } from "@outdesk/functions/api/app";
import { generateKeyPair, SignJWT } from "jose";
import { expect } from "vitest";
import { call } from "./api";
import type { PersonaName, World } from "./world";

/** A request an outsider sends at an object it must not reach. */
export interface Probe {
  as: PersonaName;
  path: string;
  body?: unknown;
  /**
   * 404 for another tenant's or client's object; 403 where the object is visible but the role
   * may not act; 400 for a foreign id inside a body; 409 for a globally unique value (a support
   * address) that belongs to someone else; 200 only for routes that answer per item (bulk),
   * where the re-read proves nothing changed.
   */
  expect: 200 | 400 | 403 | 404 | 409;
}

export interface RouteIsolation {
  /** A valid path (and body) for this route, used for the unauthenticated and forged-token checks. */
  sample(world: World): { path: string; body?: unknown };
  /** Requests by outsiders; each must get its status and change nothing. */
  probes(world: World): Probe[];
  /** The owner's reads of what the probes target, compared before and after (no change). */
  rereads(world: World): { as: PersonaName; path: string }[];
  /** For listings: ids each persona must never see. */
  hidden?(world: World): { as: PersonaName; path: string; mustNotContain: string[] }[];
}

export type IsolationSpec = Record<string, RouteIsolation>;

/** Every route the app registers, as "METHOD /path", without middleware entries. */
export function registeredRoutes(): string[] {
  const keys = app.routes.filter((route) => route.method !== "ALL").map((route) => `${route.method} ${route.path}`);
  return [...new Set(keys)].sort();
}

/** Fails when a route has no isolation spec (or a spec names a route that no longer exists). */
export function assertEveryRouteCovered(spec: IsolationSpec) {
  const routes = registeredRoutes();
  const uncovered = routes.filter((route) => !publicRoutes.has(route) && !spec[route]);
  expect(uncovered, "routes without an isolation spec").toEqual([]);
  const stale = Object.keys(spec).filter((route) => !routes.includes(route));
  expect(stale, "isolation specs for routes that do not exist").toEqual([]);
  const publicStale = [...publicRoutes].filter((route) => !routes.includes(route));
  expect(publicStale, "public routes that do not exist").toEqual([]);
}

function methodOf(route: string) {
  return route.slice(0, route.indexOf(" "));
}

/** Tokens that must all be refused: none, garbage, forged with another key, expired, alg=none. */
export async function badCredentials(world: World): Promise<{ label: string; token?: string }[]> {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  const claims = { pid: world.ids.providerA, sid: "ses_x", role: "provider_admin", cids: [] };
  const forged = await new SignJWT(claims)
    .setProtectedHeader({ alg: "EdDSA" })
    .setSubject(world.ids.adminA)
    .setIssuer("outdesk")
    .setAudience("outdesk-api")
    .setExpirationTime("10m")
    .sign(privateKey);
  const unsigned = `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${Buffer.from(
    JSON.stringify({ ...claims, sub: world.ids.adminA, iss: "outdesk", aud: "outdesk-api" }),
  ).toString("base64url")}.`;
  // Signed with the real key, well-formed, but expired a minute ago.
  const { privateKey: realKey, kid } = await signingKeys();
  const now = Math.floor(Date.now() / 1000);
  const expired = await new SignJWT(claims)
    .setProtectedHeader({ alg: "EdDSA", kid })
    .setSubject(world.ids.adminA)
    .setIssuer("outdesk")
    .setAudience("outdesk-api")
    .setIssuedAt(now - 16 * 60)
    .setExpirationTime(now - 60)
    .sign(realKey);
  const valid = world.personas.adminA.token!;
  const [header, payload, signature] = valid.split(".");
  const widened = JSON.parse(Buffer.from(payload!, "base64url").toString());
  widened.pid = world.ids.providerB;
  const tampered = `${header}.${Buffer.from(JSON.stringify(widened)).toString("base64url")}.${signature}`;
  return [
    { label: "no credentials" },
    { label: "garbage", token: "not-a-token" },
    { label: "forged signature", token: forged },
    { label: "expired", token: expired },
    { label: "alg none", token: unsigned },
    { label: "tampered claims", token: tampered },
    { label: "unknown API key", token: `odk_${world.ids.providerA}.key_00000000000000000000000000.secret` },
  ];
}

export async function checkUnauthenticated(world: World, route: string, isolation: RouteIsolation) {
  const { path, body } = isolation.sample(world);
  for (const { label, token } of await badCredentials(world)) {
    const reply = await call({ name: label, token }, methodOf(route), path, body);
    expect(reply.status, `${route} with ${label}`).toBe(401);
    expect(reply.body.code).toBe("unauthorized");
  }
}

async function snapshot(world: World, isolation: RouteIsolation) {
  const reads = isolation.rereads(world);
  return Promise.all(
    reads.map(async ({ as, path }) => {
      const reply = await call(world.personas[as], "GET", path);
      return { path, status: reply.status, body: reply.body };
    }),
  );
}

export async function checkProbes(world: World, route: string, isolation: RouteIsolation) {
  const before = await snapshot(world, isolation);
  for (const probe of isolation.probes(world)) {
    const reply = await call(world.personas[probe.as], methodOf(route), probe.path, probe.body);
    expect(reply.status, `${route} as ${probe.as} at ${probe.path}: ${JSON.stringify(reply.body)}`).toBe(probe.expect);
  }
  const after = await snapshot(world, isolation);
  expect(after, `${route}: outsiders changed something`).toEqual(before);
  for (const { as, path, mustNotContain } of isolation.hidden?.(world) ?? []) {
    const reply = await call(world.personas[as], "GET", path);
    expect(reply.status, `${route} listing as ${as}`).toBe(200);
    const text = JSON.stringify(reply.body);
    for (const id of mustNotContain) expect(text, `${as} sees ${id} in ${path}`).not.toContain(id);
  }
}
