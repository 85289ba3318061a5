import { api } from "./api";

/** One domain for the console and the API: CloudFront routes /v1 and /health to the function. */
export const router = new sst.aws.Router("Edge");
router.route("/v1", api.url);
router.route("/health", api.url);

export const web = new sst.aws.StaticSite("Web", {
  path: "packages/web",
  build: { command: "npm run build", output: "dist" },
  router: { instance: router },
  assets: {
    fileOptions: [
      // SST's defaults: Vite's hashed files forever, pages never.
      { files: "**", cacheControl: "max-age=31536000,public,immutable" },
      { files: "**/*.html", cacheControl: "max-age=0,no-cache,no-store,must-revalidate" },
      // Swagger UI's files for /v1/docs keep their names across versions: an hour, then revalidate.
      { files: "api-docs/**", cacheControl: "max-age=3600,public,must-revalidate" },
    ],
  },
});
