import { ROUTER_HOST_HEADER, ROUTER_PROOF_HEADER } from "../packages/functions/src/api/edge";
import { consoleCspFor, hsts } from "../packages/functions/src/api/security-headers";
import { api } from "./api";
import { routerSecret } from "./secrets";
import { allowConsoleUploads, attachmentsOrigin } from "./storage";

/**
 * Security headers on everything CloudFront answers. The console's CSP does not override the
 * origin's: API answers keep their own stricter one (set by the API handler from the same
 * definitions), S3's files get the console's.
 */
const securityHeaders = new aws.cloudfront.ResponseHeadersPolicy("EdgeSecurityHeaders", {
  comment: "Outdesk security headers (packages/functions/src/api/security-headers.ts)",
  securityHeadersConfig: {
    contentSecurityPolicy: { contentSecurityPolicy: attachmentsOrigin.apply(consoleCspFor), override: false },
    contentTypeOptions: { override: true },
    frameOptions: { frameOption: "DENY", override: true },
    referrerPolicy: { referrerPolicy: "no-referrer", override: true },
    strictTransportSecurity: {
      accessControlMaxAgeSec: hsts.maxAgeSeconds,
      includeSubdomains: hsts.includeSubdomains,
      override: true,
    },
  },
});

/**
 * The router's proof for the API, added in the viewer-request function (which overwrites any the
 * viewer sent) and only on API paths, so the secret never goes to S3; beside it the host the viewer
 * asked for, which the origin request replaces with the Function URL's (invitation links need it).
 */
const addRouterProof = $interpolate`
if (event.request.uri === "/health" || event.request.uri === "/v1" || event.request.uri.startsWith("/v1/")) {
  event.request.headers[${JSON.stringify(ROUTER_PROOF_HEADER)}] = { value: ${routerSecret.value.apply((v) => JSON.stringify(v))} };
  event.request.headers[${JSON.stringify(ROUTER_HOST_HEADER)}] = { value: event.request.headers.host ? event.request.headers.host.value : "" };
}`;

/** One domain for the console and the API: CloudFront routes /v1 and /health to the function. */
export const router = new sst.aws.Router("Edge", {
  edge: { viewerRequest: { injection: addRouterProof } },
  transform: {
    // The router's lazy routes share one (default) cache behavior: the policy goes there.
    cdn: (args) => {
      args.defaultCacheBehavior = $util
        .all([args.defaultCacheBehavior, securityHeaders.id])
        .apply(([behavior, responseHeadersPolicyId]) => ({ ...behavior, responseHeadersPolicyId }));
    },
  },
});
router.route("/v1", api.url);
allowConsoleUploads(router.url);
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
