import { readFile } from "node:fs/promises";

/**
 * esbuild plugins for the API function (`nodejs.plugins` in infra/api.ts; bench/bundle.ts loads
 * this file too, so it measures what we deploy).
 *
 * @hono/zod-openapi 1.6 imports zod's `z` namespace and passes it to extendZodWithOpenApi, which
 * reads only `z.ZodType`. Passing the namespace as a value makes esbuild build the whole object,
 * `z.locales` and its 40 translations included (267 KB minified). Handing it just ZodType keeps
 * the namespace import shakeable, as our own `import * as z from "zod"` is.
 */
const zodOpenApiShakeable = {
  name: "outdesk-zod-openapi-shakeable",
  setup(build) {
    // SST 4.17's plugin bridge tests `filter` against an undefined path: match all, check here.
    build.onLoad({ filter: /.*/ }, async (args) => {
      if (!/[\\/]@hono[\\/]zod-openapi[\\/]dist[\\/]index\.mjs$/.test(args.path)) return undefined;
      const source = await readFile(args.path, "utf8");
      const patched = source
        .replace('import { z } from "zod";', 'import * as z from "zod";')
        .replace("extendZodWithOpenApi(z);", "extendZodWithOpenApi({ ZodType: z.ZodType });");
      if (!patched.includes('import * as z from "zod";') || !patched.includes("({ ZodType: z.ZodType })"))
        throw new Error(`${args.path} changed: check whether it still passes zod's namespace as a value`);
      return { contents: patched, loader: "js" };
    });
  },
};

/**
 * ElectroDB is CommonJS and requires all of @aws-sdk/lib-dynamodb, which declares no
 * `sideEffects: false`: every one of its commands stays, and each imports the schema of every
 * DynamoDB operation. ElectroDB sends only the ten below; handing it a module that takes just
 * those command files lets esbuild drop the rest of both packages.
 */
const electroCommands = [
  "GetCommand",
  "PutCommand",
  "UpdateCommand",
  "DeleteCommand",
  "BatchWriteCommand",
  "BatchGetCommand",
  "ScanCommand",
  "QueryCommand",
  "TransactWriteCommand",
  "TransactGetCommand",
];
const libCommands = new URL("../node_modules/@aws-sdk/lib-dynamodb/dist-es/commands/", import.meta.url);
const electroLibShakeable = {
  name: "outdesk-electrodb-lib-shakeable",
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/lib-dynamodb$/ }, (args) => {
      if (!/[\\/]electrodb[\\/]src[\\/]client\.js$/.test(args.importer)) return undefined;
      return { path: "electrodb-lib-dynamodb", namespace: "outdesk" };
    });
    build.onLoad({ filter: /^electrodb-lib-dynamodb$/, namespace: "outdesk" }, async () => {
      const client = await readFile(new URL("../node_modules/electrodb/src/client.js", import.meta.url), "utf8");
      const used = [...new Set((client.match(/lib\.(\w+)/g) ?? []).map((name) => name.slice(4)))];
      const unknown = used.filter((name) => !electroCommands.includes(name));
      if (unknown.length > 0) throw new Error(`electrodb now uses lib-dynamodb's ${unknown.join(", ")}: add them here`);
      const lines = electroCommands.map(
        (name) => `export { ${name} } from ${JSON.stringify(new URL(`${name}.js`, libCommands).pathname)};`,
      );
      return { contents: lines.join("\n"), loader: "js", resolveDir: libCommands.pathname };
    });
  },
};

/**
 * The SDK's aggregated `DynamoDB` client (every command, paginator and waiter as a method) is
 * built by a top-level call esbuild must keep, though nothing here uses that class: marking the
 * call pure lets the commands, waiters and operation schemas no request sends fall away.
 */
const aggregatedClientShakeable = {
  name: "outdesk-dynamodb-aggregated-shakeable",
  setup(build) {
    build.onLoad({ filter: /.*/ }, async (args) => {
      if (!/[\\/]@aws-sdk[\\/]client-dynamodb[\\/]dist-es[\\/]DynamoDB\.js$/.test(args.path)) return undefined;
      const source = await readFile(args.path, "utf8");
      const call = "createAggregatedClient(commands, DynamoDB";
      if (!source.includes(`\n${call}`))
        throw new Error(`${args.path} changed: check how it builds the aggregated client`);
      return { contents: source.replace(`\n${call}`, `\n/* @__PURE__ */ ${call}`), loader: "js" };
    });
  },
};

/**
 * ElectroDB checks each entity model against a JSON schema (jsonschema, 27 KB, and the check
 * runs for every entity on the first table request). Our models are constants in
 * packages/core, and the test suite builds every entity with the unbundled ElectroDB, check
 * included; the function takes them as checked. ElectroDB also asks the validator whether an
 * object handed to a Service is a model or an entity; the stand-in answers that from the
 * instance marker ElectroDB sets on entities, as the real check does in effect.
 */
const electroModelCheckedInTests = {
  name: "outdesk-electrodb-model-checked-in-tests",
  setup(build) {
    build.onResolve({ filter: /^jsonschema$/ }, (args) => {
      if (!/[\\/]electrodb[\\/]src[\\/]validations\.js$/.test(args.importer)) return undefined;
      return { path: "electrodb-jsonschema", namespace: "outdesk" };
    });
    build.onLoad({ filter: /^electrodb-jsonschema$/, namespace: "outdesk" }, async () => {
      const validations = await readFile(
        new URL("../node_modules/electrodb/src/validations.js", import.meta.url),
        "utf8",
      );
      const calls = validations.match(/\bv\.validate\([^)]*\)/g) ?? [];
      if (calls.join() !== "v.validate(model, ModelBeta),v.validate(model, Modelv1)")
        throw new Error("electrodb's validations.js changed how it uses jsonschema: check the stand-in");
      const contents = `
        export class Validator {
          addSchema() {}
          validate(instance) {
            const isInstance = instance !== null && typeof instance === "object" && instance._instance !== undefined;
            return { errors: isInstance ? [{ property: "instance", message: "is an ElectroDB instance, not a model" }] : [] };
          }
        }
        Validator.prototype.customFormats = {};`;
      return { contents, loader: "js" };
    });
  },
};

export default [zodOpenApiShakeable, electroLibShakeable, aggregatedClientShakeable, electroModelCheckedInTests];
