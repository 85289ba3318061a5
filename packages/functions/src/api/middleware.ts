import { withActor } from "@outdesk/core/actor";
import { Auth } from "@outdesk/core/auth";
import { Unauthorized } from "@outdesk/core/error";
import { Log } from "@outdesk/core/log";
import type { Context, MiddlewareHandler } from "hono";
import type { ApiEnv } from "./context";

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

const PUBLIC = { type: "public" } as const;

/** The id of this request: the caller's when sane, else Lambda's own, else a new one. */
function requestIdOf(c: Context<ApiEnv>): string {
  const incoming = c.req.header("x-request-id");
  if (incoming !== undefined && REQUEST_ID.test(incoming)) return incoming;
  const lambda = (c.env as { lambdaContext?: { awsRequestId?: string } } | undefined)?.lambdaContext?.awsRequestId;
  return lambda ?? crypto.randomUUID();
}

/**
 * Request id and one structured log line per request. It runs on every request, /health
 * included, so it does the least it can: no async frame of its own, the header set on the
 * finished response, the line written by Log.request.
 */
export const requestContext: MiddlewareHandler<ApiEnv> = (c, next) => {
  const requestId = requestIdOf(c);
  c.set("requestId", requestId);
  c.set("actor", PUBLIC);
  const started = performance.now();
  return Log.withRequest(requestId, () =>
    next().then(() => {
      c.res.headers.set("x-request-id", requestId);
      // The actor's own context has ended by now; name its provider explicitly.
      const actor = c.get("actor");
      Log.request(
        requestId,
        actor.type === "public" ? undefined : actor.providerId,
        c.req.method,
        c.req.path,
        c.res.status,
        Math.round(performance.now() - started),
      );
    }),
  );
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
