/**
 * The private Ed25519 JWK that signs access tokens (and derives the cursor key). Generate one with
 * `npm run cli -- keygen` and set it with `npx sst secret set JwtSigningKey '<json>' --stage <stage>`.
 */
export const jwtSigningKey = new sst.Secret("JwtSigningKey");

/**
 * What the router adds to every request it sends to the API, so the API can refuse calls to its
 * Function URL that went around CloudFront (and believe CloudFront-Viewer-Address on the rest).
 * Any long random string: `npx sst secret set RouterSecret "$(openssl rand -base64 32)" --stage <stage>`.
 */
export const routerSecret = new sst.Secret("RouterSecret");

/** Non-secret runtime settings the functions read through `Resource.Settings`. */
export const settings = new sst.Linkable("Settings", {
  properties: {
    // Self-service sign-up is open on dev stages and closed in production unless OUTDESK_SIGNUP=open at deploy time.
    signup: process.env.OUTDESK_SIGNUP === "open" || $app.stage !== "production" ? "open" : "closed",
    region: aws.getRegionOutput().name,
  },
});
