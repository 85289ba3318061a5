import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiBundle, type NodejsBundling } from "../infra/api-bundle";
import { type BuiltBundle, buildBundle, bytesFrom } from "./bundle";

const root = resolve(import.meta.dirname, "..");
const infraDir = join(root, "infra");

/** The `nodejs` options infra/ passes by name; an object with other options fails the test. */
const namedOptions: Record<string, NodejsBundling> = { apiBundle };

interface DeployedHandler {
  /** `packages/functions/src/outbox.handler`, as infra/ spells it. */
  spec: string;
  /** Where infra/ declares it. */
  declaredIn: string;
  file: string;
  exportName: string;
  nodejs: NodejsBundling;
  nodejsName: string;
}

/** The object literal around `at` in `source` (braces counted; our infra has no brace in a string). */
function enclosingObject(source: string, at: number): string {
  let depth = 0;
  let start = at;
  for (; start >= 0; start--) {
    if (source[start] === "}") depth++;
    if (source[start] === "{" && depth-- === 0) break;
  }
  depth = 0;
  let end = start;
  for (; end < source.length; end++) {
    if (source[end] === "{") depth++;
    if (source[end] === "}" && --depth === 0) break;
  }
  return source.slice(start, end + 1);
}

/**
 * Every Lambda handler infra/ deploys: each `handler: "…"` (and a Cron's `job: "…"`) in
 * infra/*.ts, with the `nodejs` options of the object it sits in, as SST will build it.
 */
function deployedHandlers(): DeployedHandler[] {
  const found: DeployedHandler[] = [];
  for (const name of readdirSync(infraDir).filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))) {
    const source = readFileSync(join(infraDir, name), "utf8");
    for (const match of source.matchAll(/\b(?:handler|job):\s*"([^"]+)\.([A-Za-z_$][\w$]*)"/g)) {
      const [, path, exportName] = match as unknown as [string, string, string];
      const object = enclosingObject(source, match.index);
      const nodejsName = /\bnodejs:\s*(\w+)/.exec(object)?.[1] ?? "SST defaults";
      const nodejs = nodejsName === "SST defaults" ? {} : namedOptions[nodejsName];
      if (!nodejs)
        throw new Error(`infra/${name}: ${path} is built with nodejs: ${nodejsName}; add it to namedOptions`);
      found.push({
        spec: `${path}.${exportName}`,
        declaredIn: `infra/${name}`,
        file: join(root, `${path}.ts`),
        exportName,
        nodejs,
        nodejsName,
      });
    }
  }
  return found;
}

/**
 * The ceiling of each handler's bundle, minified unless its infra says otherwise (kB of 1000 B).
 * The API's own target is in bench/bundle.ts; the others are the API's data layer plus their
 * own code, so a jump here means a dependency came along that the handler does not need.
 */
const budgetKb: Record<string, number> = {
  // Issue 7 held it under 800 kB; the email channel brought the S3 (uploads, presigned URLs,
  // attachments of outbound mail) and SES v2 clients: 1242 kB; calendars and SLAs (their zod
  // schemas, the clock maths, reports): 1308 kB; billing (contracts, rating, metering, time
  // entries, statements and exports): 1361 kB; search (MiniSearch, the segment store), presence
  // and bulk work: 1423 kB.
  "packages/functions/src/api-lambda.handler": 1480,
  // The data layer and the ticket core (which can mail replies, and meters usage): 1197 kB.
  "packages/functions/src/auto-close.handler": 1250,
  // The data layer, S3 and SES v2 clients: 971 kB.
  "packages/functions/src/outbox.handler": 1100,
  // The ticket core with metering, postal-mime, S3 and SES v2: 1282 kB.
  "packages/functions/src/email-inbound.handler": 1330,
  // The data layer, the ticket core and SES v2 for its notification mail.
  "packages/functions/src/sla-sweep.handler": 1200,
  // The data layer only (electrodb, the DynamoDB client, zod): 582 kB.
  "packages/functions/src/email-events.handler": 650,
  // The data layer, the S3 client and MiniSearch (segments are compacted here): 1011 kB.
  "packages/functions/src/search-indexer.handler": 1060,
};

const handlers = deployedHandlers();

describe("every Lambda handler infra/ deploys bundles as SST builds it", () => {
  let dir: string;
  const results = new Map<string, BuiltBundle | Error>();
  /** The handler's bundle; a build error fails that handler's tests only. */
  const built = (spec: string) => {
    const result = results.get(spec);
    if (!result || result instanceof Error) throw result ?? new Error(`${spec} was not built`);
    return result;
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "outdesk-handlers-"));
    for (const handler of handlers) {
      const name = handler.spec.replace(/^packages\/functions\/src\//, "").replace(/[^\w-]/g, "_");
      const result = await buildBundle(name, { file: handler.file }, handler.nodejs, dir).catch(
        (error: Error) => error,
      );
      results.set(handler.spec, result);
    }
    const rows = handlers.map((handler) => {
      const result = results.get(handler.spec)!;
      const size = result instanceof Error ? "FAILED" : `${(result.totalBytes / 1000).toFixed(1)} kB`;
      return `  ${handler.spec.padEnd(48)} ${size.padStart(10)}  (${handler.nodejsName}; ${handler.declaredIn})`;
    });
    process.stdout.write(`Lambda bundles:\n${rows.join("\n")}\n`);
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds the handlers the email channel and the crons add", () => {
    expect(handlers.map((handler) => handler.spec).sort()).toEqual(
      expect.arrayContaining([
        "packages/functions/src/api-lambda.handler",
        "packages/functions/src/email-events.handler",
        "packages/functions/src/email-inbound.handler",
        "packages/functions/src/outbox.handler",
        "packages/functions/src/sla-sweep.handler",
      ]),
    );
  });

  for (const handler of handlers) {
    describe(handler.spec, () => {
      it("builds, exports the handler and loads in a fresh process without AWS", () => {
        const bundle = built(handler.spec);
        const output = bundle.metafile.outputs[relative(root, bundle.file)];
        expect(output?.exports).toContain(handler.exportName);
        const script = `const m = await import(process.argv[1]); process.stdout.write(typeof m[${JSON.stringify(handler.exportName)}]);`;
        const type = execFileSync(
          process.execPath,
          ["--input-type=module", "-e", script, pathToFileURL(bundle.file).href],
          {
            env: { PATH: process.env.PATH ?? "", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
            encoding: "utf8",
          },
        );
        expect(type).toBe("function");
      });

      it("stays within its size budget", () => {
        const budget = budgetKb[handler.spec];
        expect(budget, `${handler.spec} has no budget in bench/lambda-bundles.test.ts`).toBeDefined();
        expect(built(handler.spec).totalBytes / 1000).toBeLessThanOrEqual(budget!);
      });
    });
  }

  it("keeps the delivery-events handler thin: no HTTP framework, no MIME parser", () => {
    const events = built("packages/functions/src/email-events.handler");
    expect(bytesFrom(events, /node_modules\/(hono|@hono)\//)).toBe(0);
    expect(bytesFrom(events, /node_modules\/postal-mime\//)).toBe(0);
  });
});
