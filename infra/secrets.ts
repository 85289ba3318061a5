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

/**
 * The stage's mail names (infra/email.ts builds the resources). The inbound domain defaults to
 * `mail.<stage>.outdesk.example`, a placeholder (`.example` receives no mail): deploy with
 * OUTDESK_MAIL_DOMAIN=mail.yourcompany.com for a domain you control.
 */
export const mail = (() => {
  const domain = (process.env.OUTDESK_MAIL_DOMAIN ?? `mail.${$app.stage}.outdesk.example`).toLowerCase();
  if (!/^(?=.{4,200}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domain))
    throw new Error(`OUTDESK_MAIL_DOMAIN must be a domain name such as mail.example.com, not "${domain}"`);
  const name = `${$app.name}-${$app.stage}`;
  return { domain, configurationSet: name, receiptRuleSet: `${name}-inbound`, receiptRule: "inbound" };
})();

/** Non-secret runtime settings the functions read through `Resource.Settings`. */
export const settings = new sst.Linkable("Settings", {
  properties: {
    // Self-service sign-up is open on dev stages and closed in production unless OUTDESK_SIGNUP=open at deploy time.
    signup: process.env.OUTDESK_SIGNUP === "open" || $app.stage !== "production" ? "open" : "closed",
    region: aws.getRegionOutput().name,
    mailDomain: mail.domain,
    sesConfigurationSet: mail.configurationSet,
  },
});
