/**
 * Every API path and console link is built here, with each interpolated value encoded as one
 * path segment: an id taken from a URL can then never climb to another path (`..%2F`) or add a
 * query or fragment.
 */
export function path(strings: TemplateStringsArray, ...segments: string[]): string {
  return strings.reduce((out, text, index) => out + (index > 0 ? encodeURIComponent(segments[index - 1]!) : "") + text);
}

/** `base?key=value&…`, encoded, leaving out undefined values. */
export function withQuery(base: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, value);
  const text = query.toString();
  return text ? `${base}?${text}` : base;
}

// The API's id shapes (packages/core/src/id.ts): a kind prefix and Crockford base32 characters.
const idPatterns = {
  client: /^cli_[0-9a-hjkmnp-tv-z]{12}$/,
  user: /^usr_[0-9a-hjkmnp-tv-z]{12}$/,
  ticket: /^tkt_[0-9a-hjkmnp-tv-z]{26}$/,
  calendar: /^cal_[0-9a-hjkmnp-tv-z]{26}$/,
} as const;

export function isId(kind: keyof typeof idPatterns, value: string | undefined): value is string {
  return value !== undefined && idPatterns[kind].test(value);
}

export const ticketLink = (clientId: string, ticketId: string) => path`/clients/${clientId}/tickets/${ticketId}`;
export const ticketApi = (clientId: string, ticketId: string) => path`/v1/clients/${clientId}/tickets/${ticketId}`;
