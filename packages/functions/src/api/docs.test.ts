import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { freePort } from "@outdesk/local/errors";
import { webDist } from "@outdesk/local/paths";
import { startServer } from "@outdesk/local/server";
import { describe, expect, it } from "vitest";
import { call } from "../../../../test/api";
import { registeredRoutes } from "../../../../test/isolation";
import { referenceAssets } from "./docs";

const webDir = dirname(webDist);

describe("health, OpenAPI and reference UI", () => {
  it("answers /health", async () => {
    const reply = await call(undefined, "GET", "/health");
    expect(reply).toMatchObject({ status: 200, body: { status: "ok" } });
    expect(reply.headers.get("x-request-id")).toBeTruthy();
  });

  it("documents every API route in OpenAPI 3.1", async () => {
    const { status, body } = await call(undefined, "GET", "/v1/openapi.json");
    expect(status).toBe(200);
    expect(body.openapi).toBe("3.1.0");
    const documented = new Set(
      Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
      ),
    );
    const undocumented = registeredRoutes().filter(
      (route) => !route.includes("/v1/docs") && !route.endsWith("openapi.json") && route !== "GET /health",
    );
    expect(undocumented.filter((route) => !documented.has(route))).toEqual([]);
    expect(body.components.schemas.Client.properties.supportAddresses).toBeTruthy();
    expect(body.components.schemas.Error).toBeTruthy();
  });

  it("serves the reference page; its Swagger UI files come from the static site, not a CDN", async () => {
    const page = await call(undefined, "GET", "/v1/docs");
    expect(page.status).toBe(200);
    expect(page.body).not.toMatch(/https?:\/\//);
    expect(page.body).toContain(`<link rel="stylesheet" href="${referenceAssets.stylesheet}">`);
    expect(page.body).toContain(`<script src="${referenceAssets.script}"></script>`);
    expect(page.body).toContain('<script src="/v1/docs/init.js"></script>');
    const init = await call(undefined, "GET", "/v1/docs/init.js");
    expect(init.status).toBe(200);
    expect(init.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(init.body).toContain('SwaggerUIBundle({ url: "/v1/openapi.json"');
    // The function no longer reads or serves the files itself.
    expect((await call(undefined, "GET", "/v1/docs/swagger-ui-bundle.js")).status).toBe(404);
  });

  it("has the web build put Swagger UI's files where the page points", () => {
    const source = dirname(createRequire(join(webDir, "package.json")).resolve("swagger-ui-dist/package.json"));
    for (const path of Object.values(referenceAssets)) {
      const packaged = readFileSync(join(source, basename(path)));
      expect(packaged.length).toBeGreaterThan(100_000);
      // `npm test` builds the web first; a bare `vitest run` may not have a build to look at.
      if (existsSync(webDist)) expect(readFileSync(join(webDist, path)).equals(packaged), path).toBe(true);
    }
  });

  it.runIf(existsSync(webDist))("works on the local stack: page from the API, files from the web build", async () => {
    const server = await startServer(await freePort());
    try {
      const page = await fetch(`${server.url}/v1/docs`);
      expect(page.status).toBe(200);
      for (const path of [...Object.values(referenceAssets), "/v1/docs/init.js"]) {
        const asset = await fetch(`${server.url}${path}`);
        expect(asset.status, path).toBe(200);
        expect(asset.headers.get("content-type"), path).toMatch(/^text\/(css|javascript)/);
        await asset.arrayBuffer();
      }
    } finally {
      await server.close();
    }
  });

  it("answers unknown routes with the error body", async () => {
    const reply = await call(undefined, "GET", "/v1/nope");
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ code: "not_found" });
  });
});
