import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiBundle } from "../infra/api-bundle";
import { apiEntry, type BuiltBundle, buildBundle, bytesFrom, copiesOf } from "./bundle";

/** The bundle infra/api.ts deploys, built as SST builds it; no timing here (bench/run.ts has that). */
describe("the API Lambda bundle", () => {
  let dir: string;
  let api: BuiltBundle;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "outdesk-bundle-test-"));
    api = await buildBundle("api", apiEntry, apiBundle, dir);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("serves /health and the OpenAPI document from a fresh process, as Lambda would", () => {
    // A Function URL event (payload 2.0), handled in a process of its own.
    const script = `
      const { handler } = await import(process.argv[1]);
      const event = (rawPath) => ({
        version: "2.0", routeKey: "$default", rawPath, rawQueryString: "", headers: { host: "api.example" },
        requestContext: { http: { method: "GET", path: rawPath, protocol: "HTTP/1.1", sourceIp: "192.0.2.1", userAgent: "test" },
          domainName: "api.example", requestId: "bundle-test-0001", timeEpoch: 0 },
        isBase64Encoded: false,
      });
      const replies = [];
      for (const path of ["/health", "/v1/openapi.json"]) replies.push(await handler(event(path), {}));
      process.stdout.write("\\n" + JSON.stringify(replies));`;
    const stdout = execFileSync(process.execPath, ["--input-type=module", "-e", script, pathToFileURL(api.file).href], {
      env: { PATH: process.env.PATH ?? "", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      encoding: "utf8",
    });
    const [health, openapi] = JSON.parse(stdout.slice(stdout.lastIndexOf("\n") + 1));
    expect(health).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(health.body)).toEqual({ status: "ok" });
    expect(openapi).toMatchObject({ statusCode: 200 });
    const document = JSON.parse(openapi.body);
    expect(document.openapi).toBe("3.1.0");
    // `.openapi("Client")` names survive the build-time fix in infra/api-esbuild-plugins.mjs.
    expect(document.components.schemas.Client.properties.supportAddresses).toBeTruthy();
  });

  it("leaves out what no request uses", () => {
    expect(bytesFrom(api, /node_modules\/(sanitize-html|postcss|source-map-js)\//)).toBe(0);
    expect(bytesFrom(api, /node_modules\/swagger-ui-dist\//)).toBe(0);
    expect(copiesOf(api, "entities")).toBe(1);
  });
});
