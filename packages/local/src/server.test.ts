import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Attachments } from "@outdesk/core/attachment";
import { apiCsp, consoleCspFor, docsCsp } from "@outdesk/functions/api/security-headers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./errors";
import { webDist } from "./paths";
import { startServer } from "./server";

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer(await freePort());
});
afterAll(() => server?.close());

const common = { "x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "x-frame-options": "DENY" };

async function headersOf(path: string) {
  const response = await fetch(`${server.url}${path}`);
  await response.arrayBuffer();
  return { status: response.status, headers: Object.fromEntries(response.headers) };
}

describe("the local server's security headers", () => {
  it("puts the API's CSP on API answers and the docs page's on /v1/docs", async () => {
    for (const path of ["/health", "/v1/openapi.json"]) {
      const { status, headers } = await headersOf(path);
      expect(status, path).toBe(200);
      expect(headers, path).toMatchObject({ ...common, "content-security-policy": apiCsp });
    }
    expect((await headersOf("/v1/docs")).headers).toMatchObject({ ...common, "content-security-policy": docsCsp });
  });

  it("puts the console's CSP on the console, its routes and its static files, and no HSTS on plain HTTP", async () => {
    const asset = readdirSync(join(webDist, "assets")).find((name) => name.endsWith(".js"));
    for (const path of ["/", "/clients/acme/tickets", `/assets/${asset}`, "/api-docs/swagger-ui.css"]) {
      const { status, headers } = await headersOf(path);
      expect(status, path).toBe(200);
      expect(headers, path).toMatchObject({
        ...common,
        "content-security-policy": consoleCspFor(Attachments.origin()),
      });
      expect(headers["strict-transport-security"], path).toBeUndefined();
    }
  });
});
