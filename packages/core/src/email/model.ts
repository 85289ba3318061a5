import type { EntityItem } from "electrodb";
import * as z from "zod";
import type { MailFlag } from "./automation";
import { DeliveryStates, type OutboundMailEntity } from "./mail.entity";

export type OutboundItem = EntityItem<OutboundMailEntity>;

export interface MailPerson {
  address: string;
  name: string;
}

/** What a message that came or went by email keeps of it (the message item's `mail`). */
export interface MailMeta {
  direction: "inbound" | "outbound";
  /** The RFC 5322 Message-ID, with angle brackets. */
  messageId: string;
  from: MailPerson;
  to: MailPerson[];
  cc: MailPerson[];
  subject: string;
  /** Inbound: the support address (envelope recipient) it arrived at. */
  recipient?: string;
  /** Inbound: which threading rule placed it (message_id, reply_address, subject_token, new). */
  threadedBy?: ThreadRule;
  /** Inbound: the ticket a mail to a closed ticket follows up. */
  followUpOf?: string;
  flags?: MailFlag[];
  /** What the parsing limits cut. */
  cut?: string[];
  quarantined?: boolean;
  /** Where the quoted history starts in bodyText (absent: nothing to fold). */
  foldAt?: number;
  /** The raw .eml in the raw-mail bucket, for "show original". */
  raw?: { key: string; size: number };
  /** Outbound: the outboundMail item carrying it. */
  mailId?: string;
}

/** The meta without its unset fields: DynamoDB maps cannot hold undefined, and absent costs nothing. */
export function compactMeta(meta: MailMeta): MailMeta {
  return Object.fromEntries(Object.entries(meta).filter(([, value]) => value !== undefined)) as unknown as MailMeta;
}

export const ThreadRules = ["message_id", "reply_address", "subject_token", "new"] as const;
export type ThreadRule = (typeof ThreadRules)[number];

const Person = z.object({ address: z.string(), name: z.string() });

export const DeliveryInfo = z
  .object({
    mailId: z.string(),
    state: z.enum(DeliveryStates),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    suppressed: z.array(z.string()).describe("addresses left out: on the provider's suppression list"),
    attempts: z.number(),
    lastError: z.string().nullable(),
    events: z.array(
      z.object({ state: z.string(), at: z.string(), recipient: z.string().optional(), detail: z.string().optional() }),
    ),
    updatedAt: z.string(),
  })
  .meta({ id: "MailDelivery" });
export type DeliveryInfo = z.infer<typeof DeliveryInfo>;

export const MailInfo = z
  .object({
    direction: z.enum(["inbound", "outbound"]),
    messageId: z.string(),
    from: Person,
    to: z.array(Person),
    cc: z.array(Person),
    subject: z.string(),
    recipient: z.string().nullable(),
    threadedBy: z.enum(ThreadRules).nullable().describe("which threading rule placed an inbound mail"),
    followUpOf: z.string().nullable(),
    flags: z.array(z.string()).describe("automated-mail and verdict flags: such mail never gets an automatic reply"),
    cut: z.array(z.string()).describe("what the parsing limits cut (the original is kept)"),
    quarantined: z.boolean(),
    foldAt: z.number().nullable().describe("where the quoted history starts in bodyText"),
    hasOriginal: z.boolean().describe("the raw .eml can be fetched (staff)"),
    delivery: DeliveryInfo.nullable().describe("outbound: the delivery state of this mail"),
  })
  .meta({ id: "MessageMail" });
export type MailInfo = z.infer<typeof MailInfo>;

export function toMailInfo(meta: MailMeta, delivery: DeliveryInfo | null, { staff }: { staff: boolean }): MailInfo {
  return {
    direction: meta.direction,
    messageId: meta.messageId,
    from: meta.from,
    to: meta.to,
    cc: meta.cc,
    subject: meta.subject,
    recipient: meta.recipient ?? null,
    threadedBy: staff ? (meta.threadedBy ?? null) : null,
    followUpOf: meta.followUpOf ?? null,
    flags: staff ? (meta.flags ?? []) : [],
    cut: meta.cut ?? [],
    quarantined: meta.quarantined ?? false,
    foldAt: meta.foldAt ?? null,
    hasOriginal: staff && meta.raw !== undefined,
    delivery,
  };
}

export function toDeliveryInfo(item: OutboundItem): DeliveryInfo {
  return {
    mailId: item.mailId,
    state: item.state,
    to: item.to,
    cc: item.cc ?? [],
    suppressed: item.suppressed ?? [],
    attempts: item.attempts,
    lastError: item.lastError ?? null,
    events: (item.events ?? []) as DeliveryInfo["events"],
    updatedAt: item.updatedAt,
  };
}
