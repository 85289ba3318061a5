import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Hono } from "hono";

// Swagger UI ships in the swagger-ui-dist npm package and is served from here: no CDN, works offline.
const assets: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
};

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Outdesk API reference</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/v1/docs/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="/v1/docs/swagger-ui-bundle.js"></script>
  <script src="/v1/docs/init.js"></script>
</body>
</html>`;

const init = `window.ui = SwaggerUIBundle({ url: "/v1/openapi.json", dom_id: "#reference", deepLinking: true, persistAuthorization: true });`;

let root: string | undefined;
function assetRoot(): string {
  root ??= dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  return root;
}

export const docs = new Hono()
  .get("/", (c) => c.html(page))
  .get("/init.js", (c) => c.body(init, 200, { "content-type": "text/javascript; charset=utf-8" }))
  .get("/:file", async (c) => {
    const file = c.req.param("file");
    const type = assets[file];
    if (!type) return c.json({ code: "not_found", message: "No such asset", requestId: "" }, 404);
    const content = await readFile(join(assetRoot(), file));
    return c.body(content, 200, { "content-type": type, "cache-control": "public, max-age=86400" });
  });
