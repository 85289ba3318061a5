import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { app } from "@outdesk/functions/api/app";
import { Hono } from "hono";
import { assertPortFree } from "./errors";
import { webDist } from "./paths";

/**
 * The local twin of API Gateway + StaticSite: the very Hono app of the Lambda under /v1 and
 * /health, and the built web console for everything else (SPA fallback to index.html).
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
  const server = serve({ fetch: local.fetch, port, hostname: "127.0.0.1" });
  return {
    url: `http://localhost:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
