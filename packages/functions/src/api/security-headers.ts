/**
 * The security headers, defined once as plain objects: the Lambda handler and the local server add
 * them where the response leaves the app (assigning to a plain object, not to a Web Response's
 * Headers, which costs microseconds per header on every request), and infra/web.ts gives CloudFront
 * the console's set. The values are lowercase-keyed, as Lambda results and Node expect.
 */

const common = {
  "x-content-type-options": "nosniff",
  // Console URLs carry ticket ids; nothing we serve needs to tell other sites where it came from.
  "referrer-policy": "no-referrer",
  // Legacy twin of frame-ancestors 'none' for browsers that ignore CSP.
  "x-frame-options": "DENY",
} as const;

/** JSON answers: nothing in them may load, run or be framed. */
export const apiCsp = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** /v1/docs: Swagger UI's files from the static site's /api-docs/ and its external init script. */
export const docsCsp =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The console (Vite build: external module scripts and stylesheets only). The sandboxed srcdoc
 * frame that shows mail HTML inherits this policy too: its stylesheet is a file, and sanitized
 * mail keeps no style attributes, so neither needs inline styles.
 *
 * `attachmentsOrigin` is where presigned attachment URLs point (the bucket's AWS origin; s3rver
 * locally): the composer PUTs uploads there (connect-src) and inline mail images come from it
 * (img-src). `https:` images are there for mail's remote images, which a frame inheriting this
 * policy could not load otherwise; the frame's own, stricter policy admits them only after the
 * agent clicks "Load remote images" (TicketView), and the sanitizer stores them without `src`.
 */
export function consoleCspFor(attachmentsOrigin?: string): string {
  const bucket = attachmentsOrigin ? ` ${attachmentsOrigin}` : "";
  return (
    `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:${bucket} https:; ` +
    `connect-src 'self'${bucket}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`
  );
}

/** The console's policy without an attachments bucket (no uploads, downloads or inline images). */
export const consoleCsp = consoleCspFor();

/** HSTS on AWS only (the local server is plain HTTP on localhost): two years, subdomains too. */
export const hsts = { maxAgeSeconds: 63_072_000, includeSubdomains: true } as const;
const hstsHeader = { "strict-transport-security": `max-age=${hsts.maxAgeSeconds}; includeSubDomains` } as const;

export type HeaderSet = Readonly<Record<string, string>>;

export const apiHeaders: HeaderSet = { ...common, "content-security-policy": apiCsp };
export const docsHeaders: HeaderSet = { ...common, "content-security-policy": docsCsp };
export const consoleHeaders: HeaderSet = { ...common, "content-security-policy": consoleCsp };

const onAws = {
  api: { ...apiHeaders, ...hstsHeader },
  docs: { ...docsHeaders, ...hstsHeader },
  console: { ...consoleHeaders, ...hstsHeader },
} as const;
const local = { api: apiHeaders, docs: docsHeaders, console: consoleHeaders } as const;

const consoleWithAttachments = new Map<string, HeaderSet>();

/**
 * Which set a path gets: the docs page, any other API path, or the console (pages and assets),
 * whose policy names the attachments origin when one is given (built once per origin).
 */
export function securityHeadersFor(path: string, options: { https: boolean; attachmentsOrigin?: string }): HeaderSet {
  const sets = options.https ? onAws : local;
  if (path === "/v1/docs" || path === "/v1/docs/") return sets.docs;
  if (path === "/health" || path === "/v1" || path.startsWith("/v1/")) return sets.api;
  const origin = options.attachmentsOrigin;
  if (!origin) return sets.console;
  const key = `${options.https}:${origin}`;
  let headers = consoleWithAttachments.get(key);
  if (!headers) {
    headers = { ...sets.console, "content-security-policy": consoleCspFor(origin) };
    consoleWithAttachments.set(key, headers);
  }
  return headers;
}
