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

export default [zodOpenApiShakeable];
