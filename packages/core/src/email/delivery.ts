import { createHash } from "node:crypto";
import type { EntityItem } from "electrodb";
import * as z from "zod";
import { withActor } from "../actor";
import { isConditionFailure } from "../common/transaction";
import { Dynamo, Outdesk } from "../dynamo";
import { isId } from "../id";
import { Log } from "../log";
import type { DeliveryState, OutboundMailEntity } from "./mail.entity";
import { Suppression } from "./suppression";

type OutboundMail = EntityItem<OutboundMailEntity>;

/** Newest delivery events an outbound mail keeps (a mail to 50 recipients could log 100). */
export const MAX_DELIVERY_EVENTS = 30;

/** One entry of an outbound mail's `events`; `id` names the notification, so a repeat is seen. */
export interface DeliveryEvent {
  id: string;
  /** What the event says about the mail: sent, delivered, delayed, bounced, complained, failed. */
  state: DeliveryState | "delayed";
  at: string;
  recipient?: string;
  detail?: string;
}

/**
 * Where a state stands: a mail only moves forward, and the outcomes (bounced, complained,
 * failed, suppressed) are final. SNS keeps no order, so a Delivery can come before its Send.
 */
const rank: Record<DeliveryState, number> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  bounced: 3,
  complained: 3,
  failed: 3,
  suppressed: 3,
};

export function advance(current: DeliveryState, target: DeliveryState): DeliveryState {
  if (rank[current] === 3) return current;
  return rank[target] > rank[current] ? target : current;
}

const Recipient = z.looseObject({
  emailAddress: z.string(),
  status: z.string().optional(),
  diagnosticCode: z.string().optional(),
});

/**
 * An SES event-publishing record (configuration set → SNS), as far as Outdesk reads it; SES adds
 * fields over time, so unknown ones pass. https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html
 */
export const SesEventNotification = z.looseObject({
  eventType: z.string(),
  mail: z.looseObject({
    timestamp: z.string(),
    messageId: z.string(),
    destination: z.array(z.string()).optional(),
    /** Every tag SES received with SendEmail, each as a list of values. */
    tags: z.record(z.string(), z.array(z.string())).optional(),
  }),
  send: z.looseObject({}).optional(),
  delivery: z
    .looseObject({
      timestamp: z.string(),
      recipients: z.array(z.string()),
      smtpResponse: z.string().optional(),
    })
    .optional(),
  bounce: z
    .looseObject({
      bounceType: z.string(),
      bounceSubType: z.string().optional(),
      bouncedRecipients: z.array(Recipient),
      timestamp: z.string(),
      feedbackId: z.string().optional(),
    })
    .optional(),
  complaint: z
    .looseObject({
      complainedRecipients: z.array(Recipient),
      timestamp: z.string(),
      feedbackId: z.string().optional(),
      complaintFeedbackType: z.string().optional(),
      complaintSubType: z.string().nullable().optional(),
    })
    .optional(),
  reject: z.looseObject({ reason: z.string().optional() }).optional(),
  failure: z.looseObject({ errorMessage: z.string().optional(), templateName: z.string().optional() }).optional(),
  deliveryDelay: z
    .looseObject({
      timestamp: z.string(),
      delayType: z.string().optional(),
      expirationTime: z.string().optional(),
      delayedRecipients: z.array(Recipient),
    })
    .optional(),
});
export type SesEventNotification = z.infer<typeof SesEventNotification>;

export type DeliveryOutcome =
  | { outcome: "applied" | "duplicate"; mailId: string; state: DeliveryState; suppressed: string[] }
  | { outcome: "dropped"; reason: string };

/** The key of the outboundMail item, from the tags we sent it with (core/email DESIGN: p, c, t, o). */
export interface MailKey {
  providerId: string;
  clientId: string;
  ticketId: string;
  mailId: string;
}

const MAIL_ID = /^[a-z]{2,8}_[0-9a-z]{10,40}$/;

type Tags = Record<string, string[]> | undefined;

/** A tag we set once per mail; anything else (missing, repeated) counts as absent. */
const one = (tags: Tags, name: string) => (tags?.[name]?.length === 1 ? tags[name][0] : undefined);

function tagsOf(tags: Tags): MailKey | undefined {
  const [providerId, clientId, ticketId, mailId] = [one(tags, "p"), one(tags, "c"), one(tags, "t"), one(tags, "o")];
  if (!providerId || !isId("provider", providerId)) return undefined;
  if (!clientId || !isId("client", clientId)) return undefined;
  if (!ticketId || !isId("ticket", ticketId)) return undefined;
  if (!mailId || !MAIL_ID.test(mailId)) return undefined;
  return { providerId, clientId, ticketId, mailId };
}

/** Mail to one of the provider's users (invitations, SLA notifications): tags p, k=invite|sla, u. */
function inviteTagsOf(tags: Tags): { providerId: string; userId: string; kind: string } | undefined {
  const [providerId, kind, userId] = [one(tags, "p"), one(tags, "k"), one(tags, "u")];
  if (!kind || !["invite", "sla"].includes(kind)) return undefined;
  if (!providerId || !isId("provider", providerId) || !userId || !isId("user", userId)) return undefined;
  return { providerId, userId, kind };
}

const clip = (text: string | undefined, max = 300) =>
  text === undefined ? undefined : text.length > max ? `${text.slice(0, max - 1)}…` : text;

const join = (...parts: (string | null | undefined)[]) => parts.filter(Boolean).join(" ") || undefined;

/** What one notification does: the state it points to, its log entries, who to suppress. */
interface Reading {
  target: DeliveryState;
  at: string;
  entries: Omit<DeliveryEvent, "id">[];
  suppress: { address: string; reason: "bounce" | "complaint"; detail?: string | undefined }[];
  error?: string | undefined;
}

function read(n: SesEventNotification): Reading | undefined {
  const sentAt = n.mail.timestamp;
  switch (n.eventType) {
    case "Send":
      return { target: "sent", at: sentAt, entries: [{ state: "sent", at: sentAt }], suppress: [] };
    case "Delivery": {
      if (!n.delivery) return undefined;
      const { timestamp: at, recipients, smtpResponse } = n.delivery;
      const detail = clip(smtpResponse);
      return {
        target: "delivered",
        at,
        entries: recipients.map((recipient) => ({ state: "delivered", at, recipient, detail })),
        suppress: [],
      };
    }
    case "Bounce": {
      if (!n.bounce) return undefined;
      const { bounceType, bounceSubType, bouncedRecipients, timestamp: at } = n.bounce;
      // Only a permanent bounce says the address is gone; a transient one (mailbox full) ends
      // this mail but not the address.
      const permanent = bounceType === "Permanent";
      const entries = bouncedRecipients.map((r) => ({
        state: "bounced" as const,
        at,
        recipient: r.emailAddress,
        detail: clip(join(`${bounceType}${bounceSubType ? `/${bounceSubType}` : ""}:`, r.status, r.diagnosticCode)),
      }));
      return {
        target: "bounced",
        at,
        entries,
        suppress: permanent
          ? entries.map((e) => ({ address: e.recipient, reason: "bounce" as const, detail: e.detail }))
          : [],
      };
    }
    case "Complaint": {
      if (!n.complaint) return undefined;
      const { complainedRecipients, timestamp: at, complaintFeedbackType, complaintSubType } = n.complaint;
      const detail = clip(join("Complaint:", complaintFeedbackType ?? "unspecified", complaintSubType));
      return {
        target: "complained",
        at,
        entries: complainedRecipients.map((r) => ({ state: "complained", at, recipient: r.emailAddress, detail })),
        suppress: complainedRecipients.map((r) => ({ address: r.emailAddress, reason: "complaint", detail })),
      };
    }
    case "DeliveryDelay": {
      if (!n.deliveryDelay) return undefined;
      const { delayedRecipients, timestamp: at, delayType, expirationTime } = n.deliveryDelay;
      return {
        // A delayed mail was sent; SES keeps trying until expirationTime.
        target: "sent",
        at,
        entries: delayedRecipients.map((r) => ({
          state: "delayed",
          at,
          recipient: r.emailAddress,
          detail: clip(join(delayType, r.diagnosticCode, expirationTime && `(retrying until ${expirationTime})`)),
        })),
        suppress: [],
      };
    }
    case "Reject": {
      const detail = clip(`Rejected by SES: ${n.reject?.reason ?? "unspecified"}`);
      return {
        target: "failed",
        at: sentAt,
        entries: [{ state: "failed", at: sentAt, detail }],
        suppress: [],
        error: detail,
      };
    }
    case "Rendering Failure":
    case "RenderingFailure": {
      const detail = clip(`Rendering failed: ${n.failure?.errorMessage ?? "unspecified"}`);
      return {
        target: "failed",
        at: sentAt,
        entries: [{ state: "failed", at: sentAt, detail }],
        suppress: [],
        error: detail,
      };
    }
    default:
      return undefined;
  }
}

/** Names a notification by what it reports, so SNS's repeats and SES's duplicates match. */
function notificationId(n: SesEventNotification, reading: Reading): string {
  const feedback = n.bounce?.feedbackId ?? n.complaint?.feedbackId ?? "";
  const recipients = reading.entries.map((e) => e.recipient ?? "").sort();
  return createHash("sha256")
    .update([n.eventType, n.mail.messageId, reading.at, feedback, ...recipients].join("\n"))
    .digest("base64url")
    .slice(0, 16);
}

function addressed(mail: OutboundMail): Set<string> {
  return new Set(
    [...mail.to, ...(mail.cc ?? [])].flatMap((value) => {
      const address = Suppression.normalize(value);
      return address ? [address] : [];
    }),
  );
}

const ATTEMPTS = 5;

/**
 * Delivery notifications: SES event records (through SNS on AWS, the local twin's poller
 * locally) update the state of the outbound mail they name and feed the suppression list.
 */
export namespace Delivery {
  /**
   * Applies one notification. The tenant comes only from the tags we sent the mail with; a
   * record without them, or for a mail that does not exist, is logged and dropped, with nothing
   * written. Applying the same notification again changes nothing. Throws on storage errors, so
   * the invocation is retried.
   */
  export async function apply(input: unknown): Promise<DeliveryOutcome> {
    const parsed = SesEventNotification.safeParse(input);
    if (!parsed.success) return dropped("not an SES event record", {});
    const notification = parsed.data;
    const context = { eventType: notification.eventType, sesMessageId: notification.mail.messageId };
    const reading = read(notification);
    if (!reading) return dropped("event type not tracked", context);
    const invite = inviteTagsOf(notification.mail.tags);
    if (invite) return suppressInvitee(invite, reading, context);
    const key = tagsOf(notification.mail.tags);
    if (!key) return dropped("no valid Outdesk tags", context);
    const actor = {
      type: "system",
      providerId: key.providerId,
      id: "mail-events",
      role: "system",
      clientIds: "all",
    } as const;
    return withActor(actor, () => applyTo(key, notification, reading));
  }

  /**
   * An invitation has no outbound item to move; its bounce or complaint still puts the invitee's
   * address (and only that one: the user item says which it is) on the provider's list.
   */
  async function suppressInvitee(
    invite: { providerId: string; userId: string; kind: string },
    reading: Reading,
    context: Record<string, unknown>,
  ): Promise<DeliveryOutcome> {
    await Dynamo.ready();
    const { data: user } = await Outdesk.entities.user
      .get({ providerId: invite.providerId, userId: invite.userId })
      .go();
    if (!user) return dropped("no such invited user", context);
    const invitee = Suppression.normalize(user.email);
    const mailId = `${invite.kind}:${invite.userId}`;
    const suppressed: string[] = [];
    for (const { address: reported, reason, detail } of reading.suppress) {
      const address = Suppression.normalize(reported);
      if (!address || address !== invitee) continue;
      if (await Suppression.record({ providerId: invite.providerId, address, reason, detail, mailId, at: reading.at }))
        suppressed.push(address);
    }
    return { outcome: "applied", mailId, state: reading.target, suppressed };
  }

  function dropped(reason: string, context: Record<string, unknown>): DeliveryOutcome {
    Log.warn("SES event dropped", { reason, ...context });
    return { outcome: "dropped", reason };
  }

  async function applyTo(key: MailKey, n: SesEventNotification, reading: Reading): Promise<DeliveryOutcome> {
    await Dynamo.ready();
    const id = notificationId(n, reading);
    for (let attempt = 1; ; attempt++) {
      const { data: mail } = await Outdesk.entities.outboundMail.get(key).go({ consistent: true });
      if (!mail) return dropped("no such outbound mail", { mailId: key.mailId, sesMessageId: n.mail.messageId });
      const events = (mail.events as DeliveryEvent[] | undefined) ?? [];
      const state = advance(mail.state, reading.target);
      if (events.some((event) => event.id === id)) {
        // Seen before; the first run may have stopped before the suppression list.
        return {
          outcome: "duplicate",
          mailId: key.mailId,
          state: mail.state,
          suppressed: await suppress(key, mail, reading),
        };
      }
      const added = reading.entries.map((entry) => ({ id, ...entry }));
      const next = [...events, ...added].slice(-MAX_DELIVERY_EVENTS);
      const leavesOutbox = mail.state === "queued" && state !== "queued";
      try {
        await Outdesk.entities.outboundMail
          .patch(key)
          .set({
            state,
            events: next,
            updatedAt: new Date().toISOString(),
            // A send that timed out after SES took the mail never stored SES's id.
            ...(mail.sesMessageId ? {} : { sesMessageId: n.mail.messageId }),
            ...(reading.error && state === "failed" && mail.state !== "failed" ? { lastError: reading.error } : {}),
          })
          // SES has the mail: the retry sweep must not send it again.
          .remove(leavesOutbox ? ["nextAttemptAt", "outboxShard"] : [])
          // Only over what was read: the sender and other notifications write the same item.
          .where((attr, op) =>
            [
              op.eq(attr.state, mail.state),
              mail.events === undefined ? op.notExists(attr.events) : op.eq(attr.events, mail.events),
            ].join(" AND "),
          )
          .go();
      } catch (error) {
        if (isConditionFailure(error) && attempt < ATTEMPTS) continue;
        throw error;
      }
      const suppressed = await suppress(key, mail, reading);
      Log.info("delivery event applied", {
        mailId: key.mailId,
        eventType: n.eventType,
        from: mail.state,
        state,
        suppressed: suppressed.length,
      });
      return { outcome: "applied", mailId: key.mailId, state, suppressed };
    }
  }

  /** Suppresses the bounced or complaining recipients this mail was addressed to; returns the new entries. */
  async function suppress(key: MailKey, mail: OutboundMail, reading: Reading): Promise<string[]> {
    if (reading.suppress.length === 0) return [];
    const recipients = addressed(mail);
    const added: string[] = [];
    for (const { address: reported, reason, detail } of reading.suppress) {
      const address = Suppression.normalize(reported);
      if (!address || !recipients.has(address)) {
        Log.warn("SES reported a recipient the mail was not addressed to", { mailId: key.mailId, reason });
        continue;
      }
      const created = await Suppression.record({ ...key, address, reason, detail, at: reading.at });
      if (created) added.push(address);
    }
    return added;
  }
}
