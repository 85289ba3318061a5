import { randomBytes } from "node:crypto";
import { ulid } from "ulid";

const prefixes = {
  provider: "prv",
  client: "cli",
  user: "usr",
  session: "ses",
  apiKey: "key",
  ticket: "tkt",
  message: "msg",
  event: "evt",
} as const;

export type IdKind = keyof typeof prefixes;

/**
 * Tenants, clients and users get 60 random bits (12 characters): they are few, created behind a
 * uniqueness condition, and repeated in every key of their tickets, where each byte is billed.
 * Everything else is a ULID: time-sortable and unique without a condition.
 */
const short = new Set<IdKind>(["provider", "client", "user"]);
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

function randomPart(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return out;
}

/** Random ids with a readable kind prefix (`cli_9x2k…`); never sequential. */
export function createId(kind: IdKind): string {
  return `${prefixes[kind]}_${short.has(kind) ? randomPart(12) : ulid().toLowerCase()}`;
}

export function isId(kind: IdKind, value: string): boolean {
  const length = short.has(kind) ? 12 : 26;
  return new RegExp(`^${prefixes[kind]}_[0-9a-hjkmnp-tv-z]{${length}}$`).test(value);
}
