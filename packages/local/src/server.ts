import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Http2Bindings, type HttpBindings, serve } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { Attachments } from "@outdesk/core/attachment";
import { app } from "@outdesk/functions/api/app";
import { securityHeadersFor } from "@outdesk/functions/api/security-headers";
import { Hono } from "hono";
import { assertPortFree } from "./errors";
import { webDist } from "./paths";

/**
 * The local twin of API Gateway + StaticSite: the very Hono app of the Lambda under /v1 and
 * /health, and the built web console for everything else (SPA fallback to index.html). The
 * security headers are set on Node's response before dispatch, as plain values: Node merges them
 * into the head it writes (a header the response sets itself wins), as CloudFront's policy does.
 */
export async function startServer(port: number) {
  await assertPortFree(port, "API");
  const local = new Hono();
  local.all("/v1/*", (c) => app.fetch(c.req.raw, c.env));
  local.get("/health", (c) => app.fetch(c.req.raw, c.env));
  if (existsSync(webDist)) {
    local.use("/*", serveStatic({ root: webDist }));
    const index = readFileSync(join(webDist, "index.html"), "utf8");
    local.get("*", (c) => c.html(index));
  }
  // The console's CSP names s3rver, where presigned attachment URLs point.
  const attachmentsOrigin = Attachments.origin();
  const fetch = (request: Request, env: HttpBindings | Http2Bindings) => {
    const path = (env.incoming.url ?? "/").split("?", 1)[0] ?? "/";
    for (const [name, value] of Object.entries(securityHeadersFor(path, { https: false, attachmentsOrigin }))) {
      env.outgoing.setHeader(name, value);
    }
    return local.fetch(request, env);
  };
  const server = serve({ fetch, port, hostname: "127.0.0.1" });
  return {
    url: `http://localhost:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
