import { isIP } from "node:net";

/**
 * What the API knows about CloudFront (infra/web.ts). The router adds a secret header to every
 * request it sends to the API; the Lambda handler refuses requests without it (a direct call to the
 * Function URL) and marks the ones with it, and only for those is CloudFront-Viewer-Address, the
 * viewer's address as the edge saw it, believed.
 */
export const ROUTER_PROOF_HEADER = "x-outdesk-router";

/** The host the viewer asked for (the console's), set by the router beside its proof: links in mail point there. */
export const ROUTER_HOST_HEADER = "x-outdesk-host";

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

/** A bare host name (with an optional port) as a Host header carries it; anything else: undefined. */
export function hostName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const host = value.trim().toLowerCase();
  return /^(?=.{1,253}(:|$))([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(:\d{1,5})?$/.test(
    host,
  )
    ? host
    : undefined;
}
