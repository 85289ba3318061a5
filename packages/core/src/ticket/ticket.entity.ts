import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";
import { Channels, NO_DUE_TIME, Priorities, Statuses, TicketTypes, Tiers, UNASSIGNED } from "./constants";
import { TicketFields as F } from "./fields";

/** A ticket's messages and events share its partition: the ticket page is one Query. */
const threadKey = key("pk", ["providerId", "clientId", "ticketId"]);

/**
 * The ticket. Views (see queue.ts for which view reads which index):
 * - gsi2 byClientStatus  (provider, client, status) → updatedAt   client queue, oldest/newest
 * - gsi3 byAssignee      (provider, client, assignee) → status, updatedAt   mine, unassigned, assignee filter
 * - gsi4 byClientDue     (provider, client, status) → dueAt   all open, SLA due first
 * - gsi5 byRequester     (provider, client, requester) → createdAt
 * - gsi6 byPriority      (provider, client, status, priority) → number   keys only
 * - gsi7 byTier          (provider, client, status, tier) → number   keys only; escalated (L2, L3) only
 * - gsi8 byNumber       (provider, client) → number   keys only; written once, at creation
 * - gsi9 bySlaNext      (shard) → next SLA action   keys only, every tenant's; measured tickets only
 * Range keys end in the ticket number, unique per client, so positions are exact.
 * The number-ordered indexes move only when status, priority or tier change.
 */
export const ticketEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "ticket", version: "2" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true, field: F.providerId },
        clientId: { type: "string", required: true, readOnly: true, field: F.clientId },
        ticketId: { type: "string", required: true, readOnly: true, field: F.ticketId },
        number: { type: "number", required: true, readOnly: true, field: F.number, padding: { length: 8, char: "0" } },
        /** Human key at creation (ACME-1042): used in subjects, stable if the prefix changes. */
        key: { type: "string", required: true, readOnly: true, field: F.key },
        subject: { type: "string", required: true, field: F.subject },
        status: { type: Statuses, required: true, field: F.status },
        priority: { type: Priorities, required: true, field: F.priority },
        type: { type: TicketTypes, required: true, field: F.type },
        category: { type: "string", field: F.category },
        tags: { type: "list", items: { type: "string" }, required: true, default: () => [], field: F.tags },
        assigneeId: { type: "string", required: true, default: UNASSIGNED, field: F.assigneeId },
        tier: { type: Tiers, required: true, default: "L1", field: F.tier },
        channel: { type: Channels, required: true, readOnly: true, field: F.channel },
        requesterName: { type: "string", field: F.requesterName },
        requesterEmail: { type: "string", required: true, field: F.requesterEmail },
        ccs: { type: "list", items: { type: "string" }, field: F.ccs },
        fields: { type: "any", field: F.fields },
        createdBy: { type: "string", required: true, readOnly: true, field: F.createdBy },
        createdAt: { type: "string", required: true, readOnly: true, field: F.createdAt },
        updatedAt: { type: "string", required: true, field: F.updatedAt },
        firstReplyAt: { type: "string", field: F.firstReplyAt },
        solvedAt: { type: "string", field: F.solvedAt },
        /** The month (client's zone) whose usage counted this ticket's solve: a re-solve in it bills once. */
        solvedMeteredIn: { type: "string", field: F.solvedMeteredIn },
        closedAt: { type: "string", field: F.closedAt },
        mergedInto: { type: "string", field: F.mergedInto },
        dueAt: { type: "string", required: true, default: NO_DUE_TIME, field: F.dueAt },
        /** The SLA clocks (sla/clock.ts SlaState); absent when the client had no policies at creation. */
        sla: { type: "any", field: F.sla },
        /** Each clock's state and due time in a few bytes, for the queue rows (projected into the views). */
        slaRow: { type: "any", field: F.slaRow },
        /** The next instant the sweeper acts on (a warning, breach or escalation); "~" when none. */
        slaNextAt: { type: "string", required: true, default: NO_DUE_TIME, field: F.slaNextAt },
        slaShard: { type: "string", required: true, default: "0", field: F.slaShard },
        messageCount: { type: "number", required: true, default: 0, field: F.messageCount },
        /** Replies without internal notes: the count client admins see. */
        publicMessageCount: { type: "number", field: F.publicMessageCount },
        timeSpentMinutes: { type: "number", required: true, default: 0, field: F.timeSpentMinutes },
        version: { type: "number", required: true, default: 1, field: F.version },
      },
      indexes: {
        byTicket: { pk: threadKey, sk: key("sk", [], "t") },
        byClientStatus: {
          index: "gsi2",
          pk: key("gsi2pk", ["providerId", "clientId", "status"]),
          sk: key("gsi2sk", ["updatedAt", "number"]),
        },
        byAssignee: {
          index: "gsi3",
          pk: key("gsi3pk", ["providerId", "clientId", "assigneeId"]),
          sk: key("gsi3sk", ["status", "updatedAt", "number"]),
        },
        byClientDue: {
          index: "gsi4",
          pk: key("gsi2pk", ["providerId", "clientId", "status"]),
          sk: key("gsi4sk", ["dueAt", "number"]),
        },
        byRequester: {
          index: "gsi5",
          pk: key("gsi5pk", ["providerId", "clientId", "requesterEmail"]),
          sk: key("gsi5sk", ["createdAt", "number"]),
        },
        byPriority: {
          index: "gsi6",
          pk: key("gsi6pk", ["providerId", "clientId", "status", "priority"]),
          sk: key("gsi6sk", ["number"], ""),
        },
        byTier: {
          index: "gsi7",
          // Sparse: only escalated tickets are placed, so L1 (most tickets) costs no index write.
          condition: (attr) => attr.tier !== "L1",
          pk: key("gsi7pk", ["providerId", "clientId", "status", "tier"]),
          sk: key("gsi7sk", ["number"], ""),
        },
        bySlaNext: {
          index: "gsi9",
          // Sparse: only tickets with a clock to watch; the sweeper's cost follows what is due.
          condition: (attr) => attr.slaNextAt !== undefined && attr.slaNextAt !== NO_DUE_TIME,
          pk: key("gsi9pk", ["slaShard"], "sla"),
          sk: key("gsi9sk", ["slaNextAt"]),
        },
        byNumber: {
          index: "gsi8",
          pk: key("gsi8pk", ["providerId", "clientId"]),
          sk: key("gsi8sk", ["number"], ""),
        },
      },
    },
    entityConfig,
  );

export const messageEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "message", version: "2" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true, field: "p" },
        clientId: { type: "string", required: true, readOnly: true, field: "c" },
        ticketId: { type: "string", required: true, readOnly: true, field: "t" },
        messageId: { type: "string", required: true, readOnly: true, field: "id" },
        /** Internal notes never reach requesters or client admins. */
        visibility: { type: ["public", "internal"] as const, required: true, readOnly: true, field: "vi" },
        authorType: {
          type: ["agent", "client_admin", "requester", "system"] as const,
          required: true,
          field: "at",
        },
        authorId: { type: "string", field: "ai" },
        authorName: { type: "string", required: true, field: "an" },
        authorEmail: { type: "string", field: "ae" },
        bodyText: { type: "string", required: true, field: "bt" },
        bodyHtml: { type: "string", field: "bh" },
        attachments: { type: "any", field: "att" },
        channel: { type: Channels, required: true, field: "ch" },
        timeSpentMinutes: { type: "number", field: "ts" },
        /** Set when the message moved here by a merge. */
        mergedFrom: { type: "string", field: "mf" },
        /** Mail metadata of a message that came or went by email (core/email/model.ts MailMeta). */
        mail: { type: "any", field: "ml" },
        createdAt: { type: "string", required: true, field: "ca" },
      },
      indexes: {
        byTicket: { pk: threadKey, sk: key("sk", ["createdAt", "messageId"], "m") },
      },
    },
    entityConfig,
  );

/**
 * The append-only audit trail: who changed what, from → to, when. Creation and each message
 * are their own record (the ticket and the message items); events hold every other change.
 */
export const ticketEventEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "ticketEvent", version: "2" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true, field: "p" },
        clientId: { type: "string", required: true, readOnly: true, field: "c" },
        ticketId: { type: "string", required: true, readOnly: true, field: "t" },
        eventId: { type: "string", required: true, readOnly: true, field: "id" },
        at: { type: "string", required: true, readOnly: true, field: "at" },
        actorType: { type: "string", required: true, readOnly: true, field: "ty" },
        actorId: { type: "string", required: true, readOnly: true, field: "ai" },
        field: { type: "string", required: true, readOnly: true, field: "fd" },
        from: { type: "any", readOnly: true, field: "fr" },
        to: { type: "any", readOnly: true, field: "to" },
        reason: { type: "string", readOnly: true, field: "rs" },
        /** Internal events (tiers) are hidden from client admins. */
        internal: { type: "boolean", readOnly: true, field: "in" },
      },
      indexes: {
        byTicket: { pk: threadKey, sk: key("sk", ["at", "eventId"], "e") },
      },
    },
    entityConfig,
  );

/**
 * A tag's adjacency item: one per tag of a ticket, in a partition per (client, tag, status),
 * ordered by ticket number. Tag views read these keys, then the tickets. Written in the ticket
 * write's transaction when tags or the status change.
 */
export const ticketTagEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "ticketTag", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true, field: "p" },
        clientId: { type: "string", required: true, readOnly: true, field: "c" },
        tag: { type: "string", required: true, readOnly: true, field: "g" },
        status: { type: Statuses, required: true, readOnly: true, field: "st" },
        number: { type: "number", required: true, readOnly: true, field: "n", padding: { length: 8, char: "0" } },
        ticketId: { type: "string", required: true, readOnly: true, field: "t" },
      },
      indexes: {
        byTag: {
          pk: key("pk", ["providerId", "clientId", "tag", "status"]),
          sk: key("sk", ["number"], "g"),
        },
      },
    },
    entityConfig,
  );

export type TicketEntity = ReturnType<typeof ticketEntity>;

export type MessageEntity = ReturnType<typeof messageEntity>;

export type TicketEventEntity = ReturnType<typeof ticketEventEntity>;

export type TicketTagEntity = ReturnType<typeof ticketTagEntity>;
