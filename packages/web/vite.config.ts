import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/**
 * The API reference page (/v1/docs) is served by the API, but the Swagger UI files it loads are
 * 1.5 MB that no API request needs: the static site serves them under /api-docs/ (the paths
 * packages/functions/src/api/docs.ts references), copied from the swagger-ui-dist package.
 */
function apiDocsAssets(): Plugin {
  const types: Record<string, string> = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  };
  const root = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const read = (file: string) => readFileSync(join(root, file));
  return {
    name: "outdesk-api-docs-assets",
    generateBundle() {
      for (const file of Object.keys(types))
        this.emitFile({ type: "asset", fileName: `api-docs/${file}`, source: read(file) });
    },
    configureServer(server) {
      server.middlewares.use("/api-docs", (req, res, next) => {
        const file = (req.url ?? "").split("?")[0]!.slice(1);
        if (!Object.hasOwn(types, file)) return next();
        res.setHeader("content-type", types[file]!);
        res.end(read(file));
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), apiDocsAssets()],
  server: { proxy: { "/v1": "http://localhost:3000", "/health": "http://localhost:3000" } },
  build: { outDir: "dist", emptyOutDir: true },
});
