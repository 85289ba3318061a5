import { withActor } from "@outdesk/core/actor";
import { Auth } from "@outdesk/core/auth";
import { Unauthorized } from "@outdesk/core/error";
import { Log } from "@outdesk/core/log";
import type { MiddlewareHandler } from "hono";
import type { ApiEnv } from "./context";

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Request id (kept from the caller when sane), one structured log line per request. */
export const requestContext: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const incoming = c.req.header("x-request-id");
  const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
  c.set("requestId", requestId);
  c.set("actor", { type: "public" });
  c.header("x-request-id", requestId);
  const started = performance.now();
  await Log.withRequest(requestId, async () => {
    await next();
    // The actor's own context has ended by now; name its provider explicitly.
    const actor = c.get("actor");
    Log.info("request", {
      providerId: actor.type === "public" ? undefined : actor.providerId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    });
  });
};

/**
 * Resolves the tenant once, from a verified access token or API key, and runs the rest of the
 * request inside that actor's context. Nothing downstream reads a tenant from the request.
 */
export const requireAuth: MiddlewareHandler<ApiEnv> = async (c, next) => {
  // Routers mounted on one prefix may both apply it; the first resolution stands.
  if (c.get("actor").type !== "public") return next();
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw Unauthorized("Send Authorization: Bearer <access token or API key>");
  const actor = await Auth.authenticate(match[1]);
  c.set("actor", actor);
  await withActor(actor, () => Log.withRequest(c.get("requestId"), () => next()));
};

/** The caller's address for rate limits: the Lambda event's source IP, or the socket locally. */
export function clientIp(c: { env: unknown }): string {
  const env = c.env as {
    event?: { requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } } };
    incoming?: { socket?: { remoteAddress?: string } };
  };
  return (
    env?.event?.requestContext?.http?.sourceIp ??
    env?.event?.requestContext?.identity?.sourceIp ??
    env?.incoming?.socket?.remoteAddress ??
    "unknown"
  );
}
