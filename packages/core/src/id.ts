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
  outboundMail: "om",
  event: "evt",
  calendar: "cal",
  slaPolicy: "slp",
  timeEntry: "te",
  dispute: "dsp",
} as const;

export type IdKind = keyof typeof prefixes;

/**
 * Tenants, clients and users get 60 random bits (12 characters): they are few, created behind a
 * uniqueness condition, and repeated in every key of their tickets, where each byte is billed.
 * Everything else is a ULID: time-sortable and unique without a condition.
 */
const short = new Set<IdKind>(["provider", "client", "user"]);
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

// Random bytes drawn from a pool refilled 4 KiB at a time: ulid's default asks the system for
// one byte per character (about 0.1 ms an id).
let pool = randomBytes(0);
let offset = 0;
function randomByte(): number {
  if (offset >= pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  return pool[offset++]!;
}
/** ulid's PRNG: a float in [0, 1) from a pooled byte (ulid takes the top 5 bits of 32 × it). */
const prng = () => randomByte() / 256;

function randomPart(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[randomByte() & 31];
  return out;
}

/** Random ids with a readable kind prefix (`cli_9x2k…`); never sequential. */
export function createId(kind: IdKind): string {
  return `${prefixes[kind]}_${short.has(kind) ? randomPart(12) : ulid(undefined, prng).toLowerCase()}`;
}

export function isId(kind: IdKind, value: string): boolean {
  const length = short.has(kind) ? 12 : 26;
  return new RegExp(`^${prefixes[kind]}_[0-9a-hjkmnp-tv-z]{${length}}$`).test(value);
}
