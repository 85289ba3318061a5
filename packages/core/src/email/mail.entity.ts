import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

/** Outbound states, in the order a mail moves through them (bounced and complained are final). */
export const DeliveryStates = ["queued", "sent", "delivered", "bounced", "complained", "suppressed", "failed"] as const;
export type DeliveryState = (typeof DeliveryStates)[number];

/** Shards of the outbox index: the retry sweep reads each, whatever the number of providers. */
export const OUTBOX_SHARDS = 4;

/**
 * One outbound mail of a ticket (a public reply, an auto-acknowledgement), in the ticket's
 * partition beside its messages, so the ticket page reads delivery states in its one Query.
 * Written queued in the reply's own transaction; sent after the commit. While queued it sits in
 * gsi1's sparse outbox partitions (by next attempt), where the retry sweep finds it: the sweep
 * costs what is queued, not what exists.
 */
export const outboundMailEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "outboundMail", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true, field: "p" },
        clientId: { type: "string", required: true, readOnly: true, field: "c" },
        ticketId: { type: "string", required: true, readOnly: true, field: "t" },
        mailId: { type: "string", required: true, readOnly: true, field: "id" },
        /** The ticket message this mail carries. */
        messageId: { type: "string", required: true, readOnly: true, field: "mi" },
        /** The message's createdAt: with messageId, its key. */
        messageAt: { type: "string", required: true, readOnly: true, field: "ma" },
        kind: { type: ["reply", "auto_ack"] as const, required: true, readOnly: true, field: "k" },
        /** Our RFC 5322 Message-ID, `<…@mail domain>`; also a thread key of the ticket. */
        rfcMessageId: { type: "string", required: true, readOnly: true, field: "rm" },
        from: { type: "string", required: true, readOnly: true, field: "fr" },
        fromName: { type: "string", readOnly: true, field: "fn" },
        replyTo: { type: "string", required: true, readOnly: true, field: "rt" },
        to: { type: "list", items: { type: "string" }, required: true, readOnly: true, field: "to" },
        cc: { type: "list", items: { type: "string" }, readOnly: true, field: "cc" },
        subject: { type: "string", required: true, readOnly: true, field: "su" },
        /** The client's signature, rendered when the reply was written. */
        footer: { type: "string", readOnly: true, field: "ft" },
        inReplyTo: { type: "string", readOnly: true, field: "ir" },
        references: { type: "list", items: { type: "string" }, readOnly: true, field: "rf" },
        /** Addresses left out because they are on the provider's suppression list. */
        suppressed: { type: "list", items: { type: "string" }, field: "sp" },
        state: { type: DeliveryStates, required: true, field: "st" },
        attempts: { type: "number", required: true, default: 0, field: "at" },
        /** While queued: when the sweep tries again. Removed once sent (leaves the outbox index). */
        nextAttemptAt: { type: "string", field: "na" },
        outboxShard: { type: "string", field: "sh" },
        sesMessageId: { type: "string", field: "sm" },
        lastError: { type: "string", field: "le" },
        /** Delivery notifications as they arrive: [{state, at, recipient?, detail?}], bounded. */
        events: { type: "any", field: "ev" },
        createdAt: { type: "string", required: true, readOnly: true, field: "ca" },
        updatedAt: { type: "string", required: true, field: "ua" },
      },
      indexes: {
        byTicket: { pk: key("pk", ["providerId", "clientId", "ticketId"]), sk: key("sk", ["mailId"], "o") },
        outbox: {
          index: "gsi1",
          condition: (attr) => attr.state === "queued" && attr.nextAttemptAt !== undefined,
          pk: key("gsi1pk", ["outboxShard"], "outbox"),
          sk: key("gsi1sk", ["nextAttemptAt", "mailId"]),
        },
      },
    },
    entityConfig,
  );

/**
 * A Message-ID of a ticket's thread (every inbound mail's and every mail we sent) → the ticket.
 * Replies find their ticket through In-Reply-To/References with one BatchGet of these. The id is
 * hashed into the key so a sender's 1000-byte Message-ID costs no more than a short one.
 */
export const threadKeyEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "threadKey", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true, field: "p" },
        clientId: { type: "string", required: true, readOnly: true, field: "c" },
        /** base64url SHA-256 of the normalised Message-ID (core/email/tokens.ts messageIdHash). */
        idHash: { type: "string", required: true, readOnly: true, field: "h" },
        ticketId: { type: "string", required: true, readOnly: true, field: "t" },
        messageId: { type: "string", required: true, readOnly: true, field: "mi" },
        createdAt: { type: "string", required: true, readOnly: true, field: "ca" },
      },
      indexes: {
        byId: { pk: key("pk", ["providerId", "clientId", "idHash"]), sk: key("sk", [], "mk") },
      },
    },
    entityConfig,
  );

export type OutboundMailEntity = ReturnType<typeof outboundMailEntity>;
export type ThreadKeyEntity = ReturnType<typeof threadKeyEntity>;

/**
 * One inbound mail as handled for one client: written in the same transaction as the ticket
 * change it caused, under a key derived from the mail's identity, so a second delivery (or a
 * re-run after a crash) finds it and changes nothing. Kept 90 days, like a retry window.
 */
export const inboundMailEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "inboundMail", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true, field: "p" },
        clientId: { type: "string", required: true, readOnly: true, field: "c" },
        /** `in_` + hash of Message-ID and content (core/email/inbound.ts dedupeKey). */
        dedupeKey: { type: "string", required: true, readOnly: true, field: "k" },
        ticketId: { type: "string", required: true, readOnly: true, field: "t" },
        messageId: { type: "string", required: true, readOnly: true, field: "mi" },
        sesMessageId: { type: "string", required: true, readOnly: true, field: "sm" },
        threadedBy: { type: "string", required: true, readOnly: true, field: "tb" },
        receivedAt: { type: "string", required: true, readOnly: true, field: "ra" },
        expiresAt: { type: "number", required: true, readOnly: true },
      },
      indexes: {
        byKey: { pk: key("pk", ["providerId", "clientId", "dedupeKey"]), sk: key("sk", [], "im") },
      },
    },
    entityConfig,
  );

/**
 * A client's contact: every sender becomes one (the requester of the tickets they open). Also
 * where the auto-acknowledgement limit lives (one per sender per client per 24 h).
 */
export const contactEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "contact", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true, field: "p" },
        clientId: { type: "string", required: true, readOnly: true, field: "c" },
        email: { type: "string", required: true, readOnly: true, field: "em" },
        name: { type: "string", field: "n" },
        firstSeenAt: { type: "string", field: "fs" },
        lastSeenAt: { type: "string", field: "ls" },
        lastAutoAckAt: { type: "string", field: "aa" },
      },
      indexes: {
        byEmail: { pk: key("pk", ["providerId", "clientId"]), sk: key("sk", ["email"], "ct") },
      },
    },
    entityConfig,
  );

export type InboundMailEntity = ReturnType<typeof inboundMailEntity>;
export type ContactEntity = ReturnType<typeof contactEntity>;

/**
 * A ticket's mail thread: its first Message-ID and the newest few, in the ticket's partition.
 * Outbound replies take In-Reply-To and References from it; inbound mail and replies update it
 * in the ticket write's own transaction (the ticket's version condition orders them).
 */
export const mailThreadEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "mailThread", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true, field: "p" },
        clientId: { type: "string", required: true, readOnly: true, field: "c" },
        ticketId: { type: "string", required: true, readOnly: true, field: "t" },
        rootId: { type: "string", field: "r" },
        /** Newest last, at most MAIL_THREAD_RECENT. */
        recent: { type: "list", items: { type: "string" }, required: true, default: () => [], field: "rc" },
      },
      indexes: {
        byTicket: { pk: key("pk", ["providerId", "clientId", "ticketId"]), sk: key("sk", [], "mt") },
      },
    },
    entityConfig,
  );

export const MAIL_THREAD_RECENT = 10;

export type MailThreadEntity = ReturnType<typeof mailThreadEntity>;
