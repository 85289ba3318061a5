import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Config } from "@outdesk/core/config";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
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

  it("reaches DynamoDB on Lambda's environment credentials alone (no other credential source bundled)", () => {
    const script = `
      const { handler } = await import(process.argv[1]);
      const request = (method, rawPath, body) => ({
        version: "2.0", routeKey: "$default", rawPath, rawQueryString: "",
        headers: { host: "api.example", "content-type": "application/json" },
        requestContext: { http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "192.0.2.7", userAgent: "test" },
          domainName: "api.example", requestId: "bundle-test-0002", timeEpoch: 0 },
        body: JSON.stringify(body), isBase64Encoded: false,
      });
      const signup = await handler(request("POST", "/v1/signup", {
        providerName: "Bundle Co", providerSlug: "bundle-co", adminName: "Ada", adminEmail: "ada@bundle.example",
        password: "correct horse battery",
      }), {});
      const login = await handler(request("POST", "/v1/auth/login", {
        provider: "bundle-co", email: "ada@bundle.example", password: "correct horse battery",
      }), {});
      process.stdout.write("\\n" + JSON.stringify([signup.statusCode, login.statusCode]));`;
    const stdout = execFileSync(process.execPath, ["--input-type=module", "-e", script, pathToFileURL(api.file).href], {
      env: {
        PATH: process.env.PATH ?? "",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        // What Lambda's environment provides, and SST's links.
        AWS_ACCESS_KEY_ID: "local",
        AWS_SECRET_ACCESS_KEY: "local",
        AWS_REGION: "us-east-1",
        AWS_ENDPOINT_URL_DYNAMODB: inject("dynamoEndpoint"),
        SST_RESOURCES_JSON: JSON.stringify({
          Table: { name: Config.get("tableName") },
          JwtSigningKey: { value: inject("signingKey") },
          Settings: { signup: "open", region: "us-east-1" },
        }),
      },
      encoding: "utf8",
    });
    expect(JSON.parse(stdout.slice(stdout.lastIndexOf("\n") + 1))).toEqual([201, 200]);
  });

  it("leaves out what no request uses", () => {
    expect(bytesFrom(api, /node_modules\/(sanitize-html|postcss|source-map-js)\//)).toBe(0);
    expect(bytesFrom(api, /node_modules\/swagger-ui-dist\//)).toBe(0);
    expect(copiesOf(api, "entities")).toBe(1);
    expect(bytesFrom(api, /zod\/.*locales\//)).toBeLessThan(5000);
    expect(bytesFrom(api, /credential-provider-(ini|sso|process|web-identity|http)|nested-clients/)).toBe(0);
  });
});
