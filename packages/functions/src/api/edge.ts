import { isIP } from "node:net";

/**
 * What the API knows about CloudFront (infra/web.ts). The router adds a secret header to every
 * request it sends to the API; the Lambda handler refuses requests without it (a direct call to the
 * Function URL) and marks the ones with it, and only for those is CloudFront-Viewer-Address, the
 * viewer's address as the edge saw it, believed.
 */
export const ROUTER_PROOF_HEADER = "x-outdesk-router";

const routed = new WeakSet<object>();

/** Marks a Lambda event as having come through the router (its proof checked). */
export function markRouted(event: object): void {
  routed.add(event);
}

export function cameThroughRouter(event: unknown): boolean {
  return typeof event === "object" && event !== null && routed.has(event);
}

/**
 * The IP in a CloudFront-Viewer-Address value: "198.51.100.7:46532", "[2001:db8::1]:46532", or
 * the unbracketed IPv6 form "2001:db8::1:46532" (the port is always last). Anything else: undefined.
 */
export function viewerIp(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const match = /^\[([^\]]+)\]:\d{1,5}$/.exec(value) ?? /^(.+):\d{1,5}$/.exec(value);
  const ip = match?.[1];
  return ip !== undefined && isIP(ip) ? ip : undefined;
}
