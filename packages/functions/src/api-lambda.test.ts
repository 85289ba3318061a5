import { describe, expect, it } from "vitest";
import { functionUrlEvent, lambdaContext } from "../../../test/lambda-event";
import { ROUTER_PROOF_HEADER } from "./api/edge";
import { apiCsp, docsCsp } from "./api/security-headers";
import { createApiHandler, handler as unguarded } from "./api-lambda";

const SECRET = "router-secret-for-tests-0123456789";
const guarded = createApiHandler({ routerSecret: SECRET });
type Handler = typeof guarded;
type Event = Parameters<Handler>[0];

const invoke = (target: Handler, options: Parameters<typeof functionUrlEvent>[0]) =>
  target(functionUrlEvent(options) as unknown as Event, lambdaContext() as never);

/** A request as the router forwards it: the proof, and the viewer's address as the edge saw it. */
const viaRouter = (path: string, viewer: string, more: { method?: string; body?: string; edgeIp?: string } = {}) =>
  invoke(guarded, {
    path,
    method: more.method,
    body: more.body,
    sourceIp: more.edgeIp ?? "130.176.0.1",
    headers: {
      [ROUTER_PROOF_HEADER]: SECRET,
      "cloudfront-viewer-address": viewer,
      ...(more.body ? { "content-type": "application/json" } : {}),
    },
  });

// A different unknown account each time: the account lock (5 failures) must not mask the
// per-address limit (30 per 5 minutes) these tests are about.
let attempt = 0;
const loginBody = () =>
  JSON.stringify({
    provider: "no-such-provider",
    email: `nobody-${Date.now()}-${attempt++}@example.com`,
    password: "wrong password!",
  });

describe("the API Lambda handler: security headers", () => {
  it("adds them to API answers, errors and the docs page, with the docs page's own CSP", async () => {
    for (const path of ["/health", "/v1/openapi.json", "/v1/no-such-route"]) {
      const result = await invoke(unguarded, { path });
      expect(result.headers, path).toMatchObject({
        "content-security-policy": apiCsp,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY",
        "strict-transport-security": "max-age=63072000; includeSubDomains",
      });
    }
    const docs = await invoke(unguarded, { path: "/v1/docs" });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers?.["content-security-policy"]).toBe(docsCsp);
    expect(docs.headers?.["content-type"]).toContain("text/html");
    expect(docs.headers?.["x-request-id"]).toBeTruthy();
  });
});

describe("the API Lambda handler: only the router may call it", () => {
  it("refuses a direct call to the Function URL (no proof, or a wrong one) with 403, headers included", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { [ROUTER_PROOF_HEADER]: "guess" },
      { [ROUTER_PROOF_HEADER]: `${SECRET}x` },
    ];
    for (const headers of attempts) {
      const result = await invoke(guarded, { path: "/health", headers });
      expect(result.statusCode).toBe(403);
      expect(JSON.parse(result.body ?? "{}")).toMatchObject({ code: "forbidden" });
      expect(result.headers?.["content-security-policy"]).toBe(apiCsp);
    }
  });

  it("serves a call carrying the router's proof, and the app never sees the proof", async () => {
    const result = await viaRouter("/health", "198.51.100.7:46532");
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? "{}")).toEqual({ status: "ok" });
    const event = functionUrlEvent({ path: "/health", headers: { [ROUTER_PROOF_HEADER]: SECRET } }) as unknown as Event;
    await guarded(event, lambdaContext() as never);
    expect(event.headers?.[ROUTER_PROOF_HEADER]).toBeUndefined();
  });

  it("keys login rate limits on the viewer's address, not the edge's, behind the router", async () => {
    const edgeIp = `130.176.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const viewer = `203.0.113.${Math.floor(Math.random() * 250)}`;
    // The limit is a fixed 5-minute window (aligned to the epoch): 31 attempts that straddle its
    // end would count in two windows, so start clear of the boundary.
    const windowMs = 300_000;
    const left = windowMs - (Date.now() % windowMs);
    if (left < 20_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      statuses.push(
        (await viaRouter("/v1/auth/login", `${viewer}:${40000 + i}`, { method: "POST", body: loginBody(), edgeIp }))
          .statusCode ?? 0,
      );
    }
    // 30 per 5 minutes, then 429: the ports differ, the viewer is the same.
    expect(statuses.slice(0, 30).every((status) => status === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
    // Another viewer behind the same edge address (IPv6, bracketed form) has its own bucket.
    const other = await viaRouter("/v1/auth/login", "[2001:db8::7]:443", { method: "POST", body: loginBody(), edgeIp });
    expect(other.statusCode).toBe(401);
  }, 120_000);

  it("ignores CloudFront-Viewer-Address on calls that did not come through the router", async () => {
    const sourceIp = `192.0.2.${Math.floor(Math.random() * 250)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const headers = { "content-type": "application/json", "cloudfront-viewer-address": `198.51.100.${i}:443` };
      statuses.push(
        (await invoke(unguarded, { path: "/v1/auth/login", method: "POST", body: loginBody(), sourceIp, headers }))
          .statusCode ?? 0,
      );
    }
    // A forged viewer address per request does not buy a fresh bucket: the source IP's is used up.
    expect(statuses[30]).toBe(429);
  }, 120_000);
});
