import { api } from "./api";

/** One domain for the console and the API: CloudFront routes /v1 and /health to the function. */
export const router = new sst.aws.Router("Edge");
router.route("/v1", api.url);
router.route("/health", api.url);

export const web = new sst.aws.StaticSite("Web", {
  path: "packages/web",
  build: { command: "npm run build", output: "dist" },
  router: { instance: router },
});
