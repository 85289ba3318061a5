import { apiBundle } from "./api-bundle";
import { sendMailPermissions } from "./email";
import { jwtSigningKey, routerSecret, settings } from "./secrets";
import { attachments, rawMail, table } from "./storage";

/**
 * The Hono API as one Lambda (Node 22) behind a Function URL; the same app the local stack serves.
 * The URL itself is public (AWS has to let CloudFront reach it), but the handler answers only
 * requests carrying the router's secret (see api-lambda.ts and web.ts).
 */
export const api = new sst.aws.Function("Api", {
  handler: "packages/functions/src/api-lambda.handler",
  runtime: "nodejs22.x",
  architecture: "arm64",
  memory: "1024 MB",
  timeout: "20 seconds",
  url: true,
  link: [table, rawMail, attachments, jwtSigningKey, routerSecret, settings],
  // Replies, auto-acknowledgements and invitations go out through SES as the request commits.
  permissions: sendMailPermissions,
  // One bundled file, nothing installed beside it: every cold start imports it (see api-bundle.ts;
  // bench/bundle.ts builds the same and measures size and import time).
  nodejs: apiBundle,
});
