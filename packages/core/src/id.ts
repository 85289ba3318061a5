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

/** Random, time-sortable ids with a readable kind prefix (`cli_01j…`); never sequential. */
export function createId(kind: IdKind): string {
  return `${prefixes[kind]}_${ulid().toLowerCase()}`;
}

export function isId(kind: IdKind, value: string): boolean {
  return new RegExp(`^${prefixes[kind]}_[0-9a-hjkmnp-tv-z]{26}$`).test(value);
}
