import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { crc32, deflateRawSync } from "node:zlib";
import { type BuildOptions, build, type Metafile } from "esbuild";
import { apiBundle, type NodejsBundling } from "../infra/api-bundle";
import type { Row } from "./harness";

const root = resolve(import.meta.dirname, "..");
const functionsDir = join(root, "packages/functions");

/** What infra/api.ts deployed before this bench existed, for before/after runs. */
export const previousApiBundle: NodejsBundling = { install: ["swagger-ui-dist"] };

/**
 * esbuild options as SST 4.17 builds a Node function for `sst deploy` (pkg/runtime/node/build.go):
 * bundle, platform node, ESM with its createRequire banner, target from the runtime (nodejs22.x →
 * es2023), keepNames unless turned off, mainFields module/main, the SDK bundled, `install` external.
 */
function sstOptions(nodejs: NodejsBundling): BuildOptions {
  const esbuild = nodejs.esbuild ?? {};
  return {
    bundle: true,
    platform: "node",
    format: nodejs.format ?? "esm",
    target: esbuild.target ?? "es2023",
    keepNames: esbuild.keepNames ?? true,
    mainFields: [...(esbuild.mainFields ?? ["module", "main"])],
    ...(esbuild.conditions?.length ? { conditions: [...esbuild.conditions] } : {}),
    external: ["sharp", "pg-native", ...(nodejs.install ?? []), ...(esbuild.external ?? [])],
    // SST's builder reads `minify` as a plain bool: unset is false, whatever the docs say.
    minify: nodejs.minify ?? false,
    // Linked by default; `sourcemap: false` still links one in SST 4.17 (see packageBundle).
    sourcemap: "linked",
    metafile: true,
    banner: {
      js: [
        `import { createRequire as topLevelCreateRequire } from 'module';`,
        `const require = topLevelCreateRequire(import.meta.url);`,
        `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
        `const __filename = topLevelFileUrlToPath(import.meta.url)`,
        `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
      ].join("\n"),
    },
    logLevel: "silent",
  };
}

export interface BuiltBundle {
  name: string;
  dir: string;
  file: string;
  /** Bytes node reads to import the bundle: with `splitting`, the entry and the chunks it imports statically. */
  bytes: number;
  /** Bytes of all its JavaScript, chunks loaded later included. */
  totalBytes: number;
  metafile: Metafile;
}

/** Entry points: a file of ours, or a few lines compiled as if they sat in packages/functions. */
export type Entry = { file: string } | { source: string };

export async function buildBundle(
  name: string,
  entry: Entry,
  nodejs: NodejsBundling,
  workDir: string,
): Promise<BuiltBundle> {
  const dir = join(workDir, name);
  const file = join(dir, "bundle.mjs");
  // SST's `nodejs.plugins`: a file, relative to sst.config.ts, whose default export lists esbuild plugins.
  const plugins = nodejs.plugins ? (await import(pathToFileURL(join(root, nodejs.plugins)).href)).default : [];
  const result = await build({
    ...sstOptions(nodejs),
    plugins,
    ...("file" in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.source, resolveDir: join(functionsDir, "src"), loader: "ts" } }),
    // With splitting SST writes bundle.mjs plus chunks into one folder.
    ...(nodejs.splitting
      ? { splitting: true, outdir: dir, entryNames: "bundle", outExtension: { ".js": ".mjs" } }
      : { outfile: file }),
    absWorkingDir: root,
  });
  const metafile = result.metafile!;
  const loaded = new Set<string>();
  const load = (output: string) => {
    if (loaded.has(output)) return;
    loaded.add(output);
    for (const imported of metafile.outputs[output]?.imports ?? [])
      if (imported.kind === "import-statement" && !imported.external) load(imported.path);
  };
  load(relative(root, file));
  const bytes = [...loaded].reduce((sum, output) => sum + statSync(join(root, output)).size, 0);
  const totalBytes = Object.keys(metafile.outputs)
    .filter((output) => output.endsWith(".mjs"))
    .reduce((sum, output) => sum + statSync(join(root, output)).size, 0);
  return { name, dir, file, bytes, totalBytes, metafile };
}

const bareHono = `
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
export const handler = handle(new Hono().get("/health", (c) => c.json({ status: "ok" })));
`;

/** The libraries dynamo.ts builds on, loaded but not used: what dynamo.ts costs beyond them is its own. */
const dynamoLibraries = `
export { DynamoDBClient } from "@aws-sdk/client-dynamodb";
export { Entity, Service } from "electrodb";
`;

/** The data layer as the first table request builds it: runtime loaded, Service and entities built. */
const dataLayer = `
import { Dynamo, Outdesk } from "@outdesk/core/dynamo";
await Dynamo.ready();
export const entities = Object.keys(Outdesk.entities).length;
`;

/** What the measuring process hands the bundles: a table name, as SST links it. */
const linkedEnv = { SST_RESOURCES_JSON: JSON.stringify({ Table: { name: "bench" } }) };

/**
 * Milliseconds to import `file` in a fresh node process (parse, compile, evaluate; not node's own
 * start), and with `request`, to then answer that Function URL event through its `handler`.
 */
function importMs(file: string, request?: { method: string; path: string }): number {
  const event = request && {
    version: "2.0",
    rawPath: request.path,
    rawQueryString: "",
    headers: { host: "api.example" },
    requestContext: { http: { method: request.method, path: request.path, sourceIp: "192.0.2.1" } },
    isBase64Encoded: false,
  };
  const script = `const t = performance.now(); const m = await import(process.argv[1]);
    ${event ? `const reply = await m.handler(${JSON.stringify(event)}, { awsRequestId: "bench-0001" });` : ""}
    process.stdout.write("\\n" + String(performance.now() - t));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script, pathToFileURL(file).href], {
    env: { PATH: process.env.PATH ?? "", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...linkedEnv },
    encoding: "utf8",
  });
  // The last line: the API's request log line comes before it.
  return Number(out.slice(out.lastIndexOf("\n") + 1));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A timing: a bundle imported, and optionally one request answered by its handler. */
interface Timing {
  name: string;
  bundle: BuiltBundle;
  request?: { method: string; path: string };
}

/** Median milliseconds of each timing over `runs` fresh processes, interleaved so drift hits all alike. */
export function medianImportMs(timings: Timing[], runs: number): Map<string, number> {
  const samples = new Map(timings.map((timing) => [timing.name, [] as number[]]));
  for (const { bundle } of timings) importMs(bundle.file); // warm the file cache
  for (let i = 0; i < runs; i++) {
    for (const { name, bundle, request } of timings) samples.get(name)!.push(importMs(bundle.file, request));
  }
  return new Map([...samples].map(([name, values]) => [name, median(values)]));
}

/** The package name an input path belongs to ("@aws-sdk/client-dynamodb", "packages/core", …). */
function packageOf(input: string): string {
  const at = input.lastIndexOf("node_modules/");
  if (at < 0) return input.startsWith("packages/") ? input.split("/").slice(0, 2).join("/") : input;
  const parts = input.slice(at + "node_modules/".length).split("/");
  return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** Every input with the bytes it left in the bundle's JavaScript (all chunks, not the maps). */
function inputsOf(bundle: BuiltBundle): Record<string, { bytesInOutput: number }> {
  const inputs: Record<string, { bytesInOutput: number }> = {};
  for (const [path, output] of Object.entries(bundle.metafile.outputs)) {
    if (!path.endsWith(".mjs")) continue;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs))
      inputs[input] = { bytesInOutput: (inputs[input]?.bytesInOutput ?? 0) + bytesInOutput };
  }
  return inputs;
}

/** Bytes each package contributes to the bundle, largest first. */
export function contributors(bundle: BuiltBundle): { name: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(inputsOf(bundle))) {
    const name = packageOf(input);
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** Bytes in the bundle from inputs whose path matches `pattern`. */
export function bytesFrom(bundle: BuiltBundle, pattern: RegExp): number {
  return Object.entries(inputsOf(bundle))
    .filter(([input]) => pattern.test(input))
    .reduce((sum, [, { bytesInOutput }]) => sum + bytesInOutput, 0);
}

/** How many distinct installed copies of `pkg` the bundle draws code from. */
export function copiesOf(bundle: BuiltBundle, pkg: string): number {
  const roots = new Set<string>();
  for (const input of Object.keys(inputsOf(bundle))) {
    const at = input.lastIndexOf(`node_modules/${pkg}/`);
    if (at >= 0) roots.add(input.slice(0, at));
  }
  return roots.size;
}

/** Copies `pkg` and its dependencies next to the bundle, as SST's `npm install` of `install` would. */
function installBeside(pkg: string, from: string, into: string, seen = new Set<string>()) {
  if (seen.has(pkg)) return;
  seen.add(pkg);
  const manifest = createRequire(join(from, "package.json")).resolve(`${pkg}/package.json`);
  const source = dirname(manifest);
  cpSync(source, join(into, "node_modules", pkg), { recursive: true, dereference: true });
  const dependencies = JSON.parse(readFileSync(manifest, "utf8")).dependencies ?? {};
  for (const dependency of Object.keys(dependencies)) installBeside(dependency, source, into, seen);
}

/** Every file under `dir`, relative to it, sorted (SST's zip order). */
function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? filesUnder(join(dir, entry.name), base) : [relative(base, join(dir, entry.name))],
    )
    .sort();
}

/**
 * A zip of `files` (relative to `dir`) written with node's zlib: deflate level 6 and fixed dates,
 * which is what SST's archiver produces, so the size is the deployed code.zip's to within bytes.
 */
function writeZip(dir: string, files: string[], target: string): number {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const dosDate = (1 << 5) | 1; // 1980-01-01, the earliest date a zip can hold
  for (const name of files) {
    const data = readFileSync(join(dir, name));
    const packed = deflateRawSync(data, { level: 6 });
    const nameBytes = Buffer.from(name, "utf8");
    const crc = crc32(data);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0800, 6); // names are UTF-8
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt16LE(0, 10);
    header.writeUInt16LE(dosDate, 12);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(packed.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(header, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += header.length + nameBytes.length + packed.length;
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  const zip = Buffer.concat([...locals, ...centrals, end]);
  writeFileSync(target, zip);
  return zip.length;
}

export interface DeployPackage {
  files: number;
  unzippedBytes: number;
  zippedBytes: number;
}

/** The function's code.zip: the bundle directory plus `install`, without the maps SST uploads apart. */
function packageBundle(bundle: BuiltBundle, nodejs: NodejsBundling): DeployPackage {
  for (const pkg of nodejs.install ?? []) installBeside(pkg, functionsDir, bundle.dir);
  // SST 4.17 keeps its own outputs' maps out of the zip only when `sourcemap` is unset.
  const own = new Set(Object.keys(bundle.metafile.outputs).map((output) => relative(bundle.dir, join(root, output))));
  const files = filesUnder(bundle.dir).filter(
    (file) => nodejs.sourcemap !== undefined || !(file.endsWith(".map") && own.has(file)),
  );
  const unzippedBytes = files.reduce((sum, file) => sum + statSync(join(bundle.dir, file)).size, 0);
  const zippedBytes = writeZip(bundle.dir, files, join(dirname(bundle.dir), `${bundle.name}.zip`));
  return { files: files.length, unzippedBytes, zippedBytes };
}

/** The API Lambda's entry, as infra/api.ts names it. */
export const apiEntry: Entry = { file: join(functionsDir, "src/api-lambda.ts") };

export interface BundleReport {
  /** The issue's three targets; sizes in kB of 1000 bytes, as the issue's "1.62 MB" is. */
  rows: Row[];
  nodejs: NodejsBundling;
  runs: number;
  bytes: Record<string, number>;
  importMs: Record<string, number>;
  /** Time the data layer adds over the libraries it builds on: its ElectroDB Service and entities. */
  entityConstructionMs: number;
  contributors: { name: string; bytes: number }[];
  package: DeployPackage;
  /** Bytes of things no request needs, and copies of packages that should appear once. */
  checks: Record<string, number>;
}

/**
 * Builds the API Lambda as SST does with `nodejs` (infra/api-bundle.ts by default), a bare Hono
 * Lambda, the data layer built and its libraries alone with the same options, and measures size,
 * import time (median over fresh processes, in this one run) and the deployable zip.
 */
export async function bundleReport(options: { nodejs?: NodejsBundling; runs?: number } = {}): Promise<BundleReport> {
  const nodejs = options.nodejs ?? apiBundle;
  const runs = options.runs ?? 31;
  const workDir = mkdtempSync(join(tmpdir(), "outdesk-bundle-"));
  try {
    const api = await buildBundle("api", apiEntry, nodejs, workDir);
    const hono = await buildBundle("hono", { source: bareHono }, nodejs, workDir);
    const libraries = await buildBundle("dynamo-libraries", { source: dynamoLibraries }, nodejs, workDir);
    const data = await buildBundle("data-layer", { source: dataLayer }, nodejs, workDir);
    // A cold start's first request that needs the table: unauthenticated /v1/me loads the data
    // layer, then answers 401 without a DynamoDB request. Bare Hono's first request is /health.
    const times = medianImportMs(
      [
        { name: "api", bundle: api },
        { name: "hono", bundle: hono },
        { name: "dynamo-libraries", bundle: libraries },
        { name: "data-layer", bundle: data },
        { name: "api-first-request", bundle: api, request: { method: "GET", path: "/v1/me" } },
        { name: "hono-first-request", bundle: hono, request: { method: "GET", path: "/health" } },
      ],
      runs,
    );
    const ms = (name: string) => times.get(name)!;
    const pkg = packageBundle(api, nodejs);
    const kB = (bytes: number) => Math.round(bytes / 100) / 10;
    const rows: Row[] = [
      {
        operation: "API bundle, kB (minified, SDK bundled)",
        measured: kB(api.totalBytes),
        target: 800,
        note: `${api.totalBytes} bytes in all chunks; bare Hono ${kB(hono.bytes)} kB`,
      },
      ...(nodejs.splitting
        ? [
            {
              operation: "API code loaded at import, kB",
              measured: kB(api.bytes),
              target: 800,
              note: "the entry and its static chunks; the data layer's chunk loads on the first table request",
            },
          ]
        : []),
      {
        operation: "API import time ÷ bare Hono import",
        measured: Math.round((ms("api") / ms("hono")) * 10) / 10,
        target: 8,
        note: `median of ${runs} fresh node ${process.versions.node} processes: ${ms("api").toFixed(1)} vs ${ms("hono").toFixed(1)} ms`,
      },
      {
        operation: "cold start to a first answer ÷ bare Hono's",
        measured: Math.round((ms("api-first-request") / ms("hono-first-request")) * 10) / 10,
        target: 8,
        note: `import, then a first request that loads the data layer (GET /v1/me, 401): ${ms("api-first-request").toFixed(1)} vs ${ms("hono-first-request").toFixed(1)} ms`,
      },
      {
        operation: "deployed API package, kB zipped",
        measured: kB(pkg.zippedBytes),
        target: 1000,
        note: `${pkg.files} file${pkg.files === 1 ? "" : "s"}, ${kB(pkg.unzippedBytes)} kB unzipped; zip by node:zlib, deflate level 6`,
      },
    ];
    return {
      rows,
      nodejs,
      runs,
      bytes: Object.fromEntries([api, hono, libraries, data].map((bundle) => [bundle.name, bundle.bytes])),
      importMs: Object.fromEntries(times),
      entityConstructionMs: ms("data-layer") - ms("dynamo-libraries"),
      contributors: contributors(api),
      package: pkg,
      checks: {
        "zod locales, bytes": bytesFrom(api, /node_modules\/zod\/.*locales\//),
        "postcss + source-map-js, bytes": bytesFrom(api, /node_modules\/(postcss|source-map-js)\//),
        "swagger-ui-dist, bytes": bytesFrom(api, /node_modules\/swagger-ui-dist\//),
        "copies of entities": copiesOf(api, "entities"),
      },
    };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The rows a test can pin: bundle size, import-time ratio, zipped package. */
export async function bundleRows(options?: { nodejs?: NodejsBundling; runs?: number }): Promise<Row[]> {
  return (await bundleReport(options)).rows;
}

/** The rows as a table, then what the bundle is made of and where its import time goes. */
export function printBundleReport(title: string, report: BundleReport) {
  const width = Math.max(...report.rows.map((row) => row.operation.length));
  const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`.padStart(10);
  const ms = (name: string) => `${report.importMs[name]!.toFixed(1)} ms`;
  const perHono = (value: number) => `${(value / report.importMs.hono!).toFixed(1)}× bare Hono`;
  const lines = [
    title,
    `${"measure".padEnd(width)}  measured  target  ratio  note`,
    `${"-".repeat(width)}  --------  ------  -----  ----`,
    ...report.rows.map(
      (row) =>
        `${row.operation.padEnd(width)}  ${String(row.measured).padStart(8)}  ${String(row.target).padStart(6)}  ${(
          row.measured / row.target
        )
          .toFixed(2)
          .padStart(5)}  ${row.note ?? ""}`,
    ),
    "Top contributors to the API bundle (esbuild metafile, bytes in output):",
    ...report.contributors.slice(0, 15).map(({ name, bytes }) => `${kB(bytes)}  ${name}`),
    "Never needed to serve a request:",
    ...Object.entries(report.checks).map(([name, value]) => `${String(value).padStart(10)}  ${name}`),
    "Import time, same run:",
    `  bare Hono ${ms("hono")}; API ${ms("api")} (${perHono(report.importMs.api!)})`,
    `  @aws-sdk/client-dynamodb + electrodb, loaded only: ${ms("dynamo-libraries")} (${perHono(report.importMs["dynamo-libraries"]!)})`,
    `  the data layer built (runtime, Service, entities): ${ms("data-layer")}; beyond its libraries: ${report.entityConstructionMs.toFixed(1)} ms (${perHono(report.entityConstructionMs)}, ${((100 * report.entityConstructionMs) / report.importMs.api!).toFixed(0)}% of the API's)`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

/** `node --import tsx bench/bundle.ts [--previous]`: the infra options, or what was deployed before. */
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const previous = process.argv.includes("--previous");
  const report = await bundleReport(previous ? { nodejs: previousApiBundle } : {});
  printBundleReport(
    `API bundle as SST builds it (${previous ? "previous infra/api.ts" : "infra/api-bundle.ts"})`,
    report,
  );
}
