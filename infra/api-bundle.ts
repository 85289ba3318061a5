/** The `nodejs` options of sst.aws.Function that change what SST's builder produces. */
export interface NodejsBundling {
  format?: "esm" | "cjs";
  minify?: boolean;
  sourcemap?: boolean;
  install?: string[];
  plugins?: string;
  splitting?: boolean;
  esbuild?: {
    target?: string;
    keepNames?: boolean;
    mainFields?: string[];
    conditions?: string[];
    external?: string[];
  };
}

/**
 * How SST bundles the API function. Plain data, so bench/bundle.ts builds exactly what we deploy.
 * Each value is set on purpose; two of SST 4.17's builder defaults (pkg/runtime/node/build.go)
 * differ from its docs, noted below.
 */
export const apiBundle: NodejsBundling = {
  // ESM: imports stay static, so esbuild can drop what no request uses.
  format: "esm",
  // Documented as on by default, but the builder reads a plain bool: unset means not minified.
  minify: true,
  // `sourcemap` stays unset on purpose: then SST builds a linked map, keeps it out of the zip and
  // uploads it beside the code for the Console. `false` in SST 4.17 puts the map in the package.

  // Build-time fixes for dependencies that defeat tree-shaking (see the file).
  plugins: "infra/api-esbuild-plugins.mjs",
  // One file. The data layer (SDK client, ElectroDB, entities) is imported on first use, so a
  // cold start evaluates it only for a request that needs the table; a separate chunk
  // (`splitting`) would also defer parsing it, but measured slower in total (bench/bundle.ts).
  splitting: false,
  esbuild: {
    // SST's own pick for nodejs22.x; its builder accepts es20xx names only ("node22" is ignored).
    target: "es2023",
    // Prefer packages' ESM builds: CommonJS modules cannot be tree-shaken.
    mainFields: ["module", "main"],
    // SST keeps every function's `.name` by wrapping it (about 4% of the bundle and 10% of its
    // import time here). Nothing we run reads a minified name: our errors and the SDK's and
    // ElectroDB's set `name` themselves, and ElectroDB only compares built-ins' constructor names.
    keepNames: false,
    // The SDK's default credential chain reads Lambda's environment first and stops there; the
    // other sources (profiles, SSO, web identity, container and instance metadata) are loaded by
    // dynamic import only when that fails, which it cannot on Lambda. Left out: 139 kB.
    // bench/bundle.test.ts runs the bundle against DynamoDB Local on environment credentials.
    external: [
      "@aws-sdk/credential-provider-ini",
      "@aws-sdk/credential-provider-sso",
      "@aws-sdk/credential-provider-process",
      "@aws-sdk/credential-provider-web-identity",
      "@aws-sdk/credential-provider-http",
      "@smithy/credential-provider-imds",
      // Parses a browser's user agent; the SDK imports it only in browsers.
      "bowser",
    ],
  },
  // Nothing is installed beside the bundle: every dependency is bundled (the AWS SDK too, so the
  // version we test is the version we run), and the API reference UI's files are on the static site.
  install: [],
};
