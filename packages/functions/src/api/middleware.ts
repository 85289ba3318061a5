import { randomUUID } from "node:crypto";
import { inScope, requestScope, type Scope, setRequestActor, useActor } from "@outdesk/core/actor";
import { Auth } from "@outdesk/core/auth";
import { Unauthorized } from "@outdesk/core/error";
import { Log } from "@outdesk/core/log";
import type { MiddlewareHandler } from "hono";
import { getPath } from "hono/utils/url";
import type { ApiEnv } from "./context";
import { cameThroughRouter, hostName, ROUTER_HOST_HEADER, viewerIp } from "./edge";

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

type Fetch = (request: Request, env?: unknown, executionCtx?: never) => Response | Promise<Response>;

/** The id of this request: the caller's when sane, else Lambda's own, else a new one. */
function requestIdOf(request: Request, env: unknown): string {
  const incoming = request.headers.get("x-request-id");
  if (incoming !== null && REQUEST_ID.test(incoming)) return incoming;
  const lambda = (env as { lambdaContext?: { awsRequestId?: string } } | undefined)?.lambdaContext?.awsRequestId;
  return lambda !== undefined && REQUEST_ID.test(lambda) ? lambda : randomUUID();
}

/**
 * Request id, the request's scope and one structured log line per request. It wraps the app's
 * fetch rather than being a middleware: it runs on every request, /health included, and a
 * middleware would take single-handler routes off Hono's fast path. The id is of a safe
 * charset (checked above), so the log line embeds it as is.
 */
export function withRequestContext<T extends { fetch: Fetch }>(app: T): T {
  const dispatch = app.fetch;
  app.fetch = (request, env, executionCtx) => {
    const requestId = requestIdOf(request, env);
    const scope = requestScope(requestId);
    const started = performance.now();
    const response = inScope(scope, dispatch, request, env, executionCtx);
    return response instanceof Response
      ? finish(response, request, scope, started)
      : response.then((done) => finish(done, request, scope, started));
  };
  return app;
}

function finish(response: Response, request: Request, scope: Scope, started: number): Response {
  const requestId = scope.requestId!;
  response.headers.set("x-request-id", requestId);
  const actor = scope.actor;
  Log.request(
    requestId,
    actor.type === "public" ? undefined : actor.providerId,
    request.method,
    getPath(request),
    response.status,
    Math.round(performance.now() - started),
  );
  return response;
}

/**
 * Resolves the tenant once, from a verified access token or API key, and runs the rest of the
 * request inside that actor's context. Nothing downstream reads a tenant from the request.
 */
export const requireAuth: MiddlewareHandler<ApiEnv> = async (c, next) => {
  // Routers mounted on one prefix may both apply it; the first resolution stands.
  if (useActor().type !== "public") return next();
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw Unauthorized("Send Authorization: Bearer <access token or API key>");
  setRequestActor(await Auth.authenticate(match[1]));
  await next();
};

/**
 * The caller's address for rate limits. Behind the router the event's source IP is CloudFront's
 * edge, shared by many viewers: use the viewer's address the edge reports, but only on events the
 * handler has verified came through the router (anyone else can send that header). Otherwise the
 * Lambda event's source IP, or the socket locally.
 */
export function clientIp(c: { env: unknown }): string {
  const env = c.env as {
    event?: {
      headers?: Record<string, string | undefined>;
      requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } };
    };
    incoming?: { socket?: { remoteAddress?: string } };
  };
  const viewer = cameThroughRouter(env?.event)
    ? viewerIp(env?.event?.headers?.["cloudfront-viewer-address"])
    : undefined;
  return (
    viewer ??
    env?.event?.requestContext?.http?.sourceIp ??
    env?.event?.requestContext?.identity?.sourceIp ??
    env?.incoming?.socket?.remoteAddress ??
    "unknown"
  );
}

/**
 * The console's origin, for links in mail (invitations). Behind the router the request reached
 * the Function URL's host, so the viewer's host comes from the router's header (believed only on
 * events whose proof was checked); locally, and in tests, the console is served by the same origin.
 */
export function consoleOrigin(c: { env: unknown; req: { url: string } }): string {
  const event = (c.env as { event?: { headers?: Record<string, string | undefined> } } | undefined)?.event;
  if (cameThroughRouter(event)) {
    const host = hostName(event?.headers?.[ROUTER_HOST_HEADER]);
    if (host) return `https://${host}`;
  }
  return new URL(c.req.url).origin;
}
