import { Entity } from "electrodb";

export const Statuses = ["new", "open", "pending", "on_hold", "solved", "closed"] as const;
export const Priorities = ["low", "normal", "high", "urgent"] as const;
export const Tiers = ["L1", "L2", "L3"] as const;
export const Channels = ["email", "web", "api", "phone", "chat"] as const;
export const TicketTypes = ["question", "incident", "problem", "task"] as const;

/** Written in place of an assignee, so unassigned tickets sit in the assignee index too. */
export const UNASSIGNED = "none";
/** Sorts after every ISO time: tickets without an SLA due time come last in due-time order. */
export const NO_DUE_TIME = "~";

/** The ticket's own key: provider, client, ticket. Messages and events share it (one Query). */
const thread = {
  pk: { field: "pk", composite: ["providerId", "clientId", "ticketId"] },
  collection: "ticketThread",
} as const;

export const TicketEntity = new Entity({
  model: { service: "outdesk", entity: "ticket", version: "1" },
  attributes: {
    providerId: { type: "string", required: true, readOnly: true },
    clientId: { type: "string", required: true, readOnly: true },
    ticketId: { type: "string", required: true, readOnly: true },
    number: { type: "number", required: true, readOnly: true },
    /** Human key at creation (ACME-1042): used in subjects, stable if the prefix changes. */
    key: { type: "string", required: true, readOnly: true },
    subject: { type: "string", required: true },
    status: { type: Statuses, required: true },
    priority: { type: Priorities, required: true },
    type: { type: TicketTypes, required: true },
    category: { type: "string" },
    tags: { type: "list", items: { type: "string" }, required: true, default: () => [] },
    assigneeId: { type: "string", required: true, default: UNASSIGNED },
    tier: { type: Tiers, required: true, default: "L1" },
    channel: { type: Channels, required: true, readOnly: true },
    requesterName: { type: "string" },
    requesterEmail: { type: "string", required: true },
    ccs: { type: "list", items: { type: "string" }, required: true, default: () => [] },
    fields: { type: "any", required: true, default: () => ({}) },
    createdBy: { type: "string", required: true, readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
    updatedAt: { type: "string", required: true },
    firstReplyAt: { type: "string" },
    solvedAt: { type: "string" },
    closedAt: { type: "string" },
    mergedInto: { type: "string" },
    dueAt: { type: "string", required: true, default: NO_DUE_TIME },
    messageCount: { type: "number", required: true, default: 0 },
    timeSpentMinutes: { type: "number", required: true, default: 0 },
    version: { type: "number", required: true, default: 1 },
  },
  indexes: {
    byTicket: { ...thread, sk: { field: "sk", composite: [] } },
    byClientStatus: {
      index: "gsi1",
      pk: { field: "gsi1pk", composite: ["providerId", "clientId", "status"] },
      sk: { field: "gsi1sk", composite: ["updatedAt"] },
    },
    byAssignee: {
      index: "gsi2",
      pk: { field: "gsi2pk", composite: ["providerId", "assigneeId"] },
      sk: { field: "gsi2sk", composite: ["status", "updatedAt"] },
    },
    byProviderStatus: {
      index: "gsi3",
      pk: { field: "gsi3pk", composite: ["providerId", "status"] },
      sk: { field: "gsi3sk", composite: ["dueAt", "updatedAt"] },
    },
    byRequester: {
      index: "gsi4",
      pk: { field: "gsi4pk", composite: ["providerId", "clientId", "requesterEmail"] },
      sk: { field: "gsi4sk", composite: ["createdAt"] },
    },
  },
});

export const MessageEntity = new Entity({
  model: { service: "outdesk", entity: "message", version: "1" },
  attributes: {
    providerId: { type: "string", required: true, readOnly: true },
    clientId: { type: "string", required: true, readOnly: true },
    ticketId: { type: "string", required: true, readOnly: true },
    messageId: { type: "string", required: true, readOnly: true },
    /** Internal notes never reach requesters or client admins. */
    visibility: { type: ["public", "internal"] as const, required: true, readOnly: true },
    authorType: { type: ["agent", "client_admin", "requester", "system"] as const, required: true },
    authorId: { type: "string" },
    authorName: { type: "string", required: true },
    authorEmail: { type: "string" },
    bodyText: { type: "string", required: true },
    bodyHtml: { type: "string" },
    attachments: { type: "any", required: true, default: () => [] },
    channel: { type: ["email", "web", "api", "phone", "chat"] as const, required: true },
    timeSpentMinutes: { type: "number", required: true, default: 0 },
    /** Set when the message moved here by a merge. */
    mergedFrom: { type: "string" },
    createdAt: { type: "string", required: true },
  },
  indexes: {
    byTicket: { ...thread, sk: { field: "sk", composite: ["createdAt", "messageId"] } },
  },
});

/** The append-only audit trail: who changed what, from → to, when. */
export const TicketEventEntity = new Entity({
  model: { service: "outdesk", entity: "ticketEvent", version: "1" },
  attributes: {
    providerId: { type: "string", required: true, readOnly: true },
    clientId: { type: "string", required: true, readOnly: true },
    ticketId: { type: "string", required: true, readOnly: true },
    eventId: { type: "string", required: true, readOnly: true },
    at: { type: "string", required: true, readOnly: true },
    actorType: { type: "string", required: true, readOnly: true },
    actorId: { type: "string", required: true, readOnly: true },
    field: { type: "string", required: true, readOnly: true },
    from: { type: "any", readOnly: true },
    to: { type: "any", readOnly: true },
    reason: { type: "string", readOnly: true },
    /** Internal events (notes, tiers) are hidden from client admins. */
    internal: { type: "boolean", required: true, default: false, readOnly: true },
  },
  indexes: {
    byTicket: { ...thread, sk: { field: "sk", composite: ["at", "eventId"] } },
  },
});
