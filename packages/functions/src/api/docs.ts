import { Hono } from "hono";

/**
 * Swagger UI's files come from the static site (the web build copies them from the
 * swagger-ui-dist package into /api-docs/, see packages/web/vite.config.ts): same origin, no CDN,
 * and 1.5 MB that is neither in the function package nor read by it.
 */
export const referenceAssets = {
  stylesheet: "/api-docs/swagger-ui.css",
  script: "/api-docs/swagger-ui-bundle.js",
} as const;

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Outdesk API reference</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="${referenceAssets.stylesheet}">
</head>
<body>
  <div id="reference"></div>
  <script src="${referenceAssets.script}"></script>
  <script src="/v1/docs/init.js"></script>
</body>
</html>`;

const init = `window.ui = SwaggerUIBundle({ url: "/v1/openapi.json", dom_id: "#reference", deepLinking: true, persistAuthorization: true });`;

export const docs = new Hono()
  .get("/", (c) => c.html(page))
  .get("/init.js", (c) => c.body(init, 200, { "content-type": "text/javascript; charset=utf-8" }));
