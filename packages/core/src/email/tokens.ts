import { createHash, createHmac } from "node:crypto";
import { safeEqual } from "../auth/crypto";
import { signingKeys } from "../auth/keys";
import { Config } from "../config";

/**
 * Mail thread identifiers. A Message-ID is matched through its hash (threadKey items); a signed
 * reply address `<local>+<number>-<mac>@<mail domain>` names a ticket by number and is bound to
 * the ticket and to the recipient it was issued to, so it cannot be forged or reused by another
 * sender.
 */

/** `<a@b>` or `a@b` → `a@b`, as header values spell it. */
export function bareMessageId(value: string): string {
  return value.trim().replace(/^<+/, "").replace(/>+$/, "").trim();
}

/** Every `<…>` id in an In-Reply-To or References value, in order. */
export function messageIdsIn(value: string | undefined): string[] {
  if (!value) return [];
  const ids = [...value.matchAll(/<([^<>\s]{1,998})>/g)].map((m) => m[1]!);
  if (ids.length > 0) return ids;
  // Some mailers omit the brackets.
  return value.split(/\s+/).filter((part) => part.includes("@") && part.length <= 998);
}

export function messageIdHash(messageId: string): string {
  return createHash("sha256").update(bareMessageId(messageId).toLowerCase()).digest("base64url").slice(0, 22);
}

/** Our Message-ID for an outbound mail: its id at the mail domain. */
export function ourMessageId(mailId: string): string {
  return `<${mailId}@${Config.get("mailDomain")}>`;
}

async function mac(parts: string[]): Promise<string> {
  const { mailKey } = await signingKeys();
  // 80 bits, lower-case base32-ish (mailers may lower-case local parts).
  const digest = createHmac("sha256", mailKey).update(parts.join("\n")).digest();
  let out = "";
  for (let i = 0; i < 16; i++) out += "abcdefghijkmnpqrstuvwxyz23456789"[digest[i]! & 31];
  return out;
}

export interface ReplyTokenSubject {
  providerId: string;
  clientId: string;
  ticketNumber: number;
  /** The address the reply address was issued to (the requester). */
  recipient: string;
}

export async function replyToken(subject: ReplyTokenSubject): Promise<string> {
  const signature = await mac([
    "reply",
    subject.providerId,
    subject.clientId,
    String(subject.ticketNumber),
    subject.recipient.toLowerCase(),
  ]);
  return `${subject.ticketNumber}-${signature}`;
}

/** The ticket number of a reply token, if it was issued to `sender` for this client. */
export async function openReplyToken(
  token: string,
  { providerId, clientId, sender }: { providerId: string; clientId: string; sender: string },
): Promise<number | undefined> {
  const match = /^(\d{1,9})-([a-z0-9]{16})$/.exec(token.toLowerCase());
  if (!match) return undefined;
  const ticketNumber = Number(match[1]);
  const expected = await replyToken({ providerId, clientId, ticketNumber, recipient: sender });
  return safeEqual(expected, `${ticketNumber}-${match[2]}`) ? ticketNumber : undefined;
}

/** `local+token@domain` for a client's address on the mail domain. */
export function withToken(address: string, token: string): string {
  const at = address.lastIndexOf("@");
  const local = address.slice(0, at).split("+", 1)[0];
  return `${local}+${token}${address.slice(at)}`;
}

/** Subject tokens such as `[ACME-1042]`: prefix and number, each occurrence. */
export function subjectTokens(subject: string): { prefix: string; number: number }[] {
  return [...subject.matchAll(/\[([A-Z][A-Z0-9]{1,9})-(\d{1,9})\]/gi)].map((m) => ({
    prefix: m[1]!.toUpperCase(),
    number: Number(m[2]),
  }));
}
