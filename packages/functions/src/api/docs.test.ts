import { describe, expect, it } from "vitest";
import { call } from "../../../../test/api";
import { registeredRoutes } from "../../../../test/isolation";

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

  it("serves the reference UI and its assets from the package, not a CDN", async () => {
    const page = await call(undefined, "GET", "/v1/docs");
    expect(page.status).toBe(200);
    expect(page.body).not.toMatch(/https?:\/\//);
    const script = await call(undefined, "GET", "/v1/docs/swagger-ui-bundle.js");
    expect(script.status).toBe(200);
    expect(String(script.body).length).toBeGreaterThan(100_000);
    expect((await call(undefined, "GET", "/v1/docs/swagger-ui.css")).status).toBe(200);
    expect((await call(undefined, "GET", "/v1/docs/..%2Fpackage.json")).status).toBe(404);
  });

  it("answers unknown routes with the error body", async () => {
    const reply = await call(undefined, "GET", "/v1/nope");
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ code: "not_found" });
  });
});
