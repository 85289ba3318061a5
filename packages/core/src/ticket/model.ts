import type { EntityItem } from "electrodb";
import * as z from "zod";
import { TimeEntryInfo } from "../billing/time";
import { MailInfo, type MailMeta, type OutboundItem, toDeliveryInfo, toMailInfo } from "../email/model";
import type { SlaState } from "../sla/clock";
import { SlaInfo, type SlaRowEntry, slaInfo } from "../sla/view";
import { NO_DUE_TIME, UNASSIGNED } from "./constants";
import { TicketFields as F } from "./fields";
import { PresenceInfo } from "./presence-view";
import { Attachment, Channel, FieldValue, Priority, Status, TicketType, Tier } from "./schema";
import type { MessageEntity, TicketEntity, TicketEventEntity } from "./ticket.entity";

export type TicketItem = EntityItem<TicketEntity>;
export type MessageItem = EntityItem<MessageEntity>;
export type EventItem = EntityItem<TicketEventEntity>;

export const TicketInfo = z
  .object({
    id: z.string(),
    clientId: z.string(),
    number: z.number(),
    key: z.string().describe("human key, e.g. ACME-1042"),
    subject: z.string(),
    status: Status,
    priority: Priority,
    type: TicketType,
    category: z.string().nullable(),
    tags: z.array(z.string()),
    assigneeId: z.string().nullable(),
    tier: Tier.nullable().describe("internal work: null for client admins"),
    channel: Channel,
    requester: z.object({ name: z.string().nullable(), email: z.string() }),
    ccs: z.array(z.string()),
    fields: z.record(z.string(), FieldValue),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    firstReplyAt: z.string().nullable(),
    solvedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    mergedInto: z.string().nullable(),
    dueAt: z.string().nullable().describe("the earliest due time of the running SLA clocks"),
    sla: SlaInfo.nullable().describe("null: the client had no SLA policies when the ticket was created"),
    messageCount: z.number().describe("replies and notes; for client admins, public replies only"),
    timeSpentMinutes: z.number().nullable().describe("internal work: null for client admins"),
    version: z.number(),
  })
  .meta({ id: "Ticket" });
export type TicketInfo = z.infer<typeof TicketInfo>;

/** A queue row: what the views' indexes project (the ticket page reads the whole ticket). */
export const TicketSummary = z
  .object({
    id: z.string(),
    clientId: z.string(),
    key: z.string(),
    subject: z.string(),
    status: Status,
    priority: Priority,
    tier: Tier.nullable().describe("internal work: null for client admins"),
    assigneeId: z.string().nullable(),
    requester: z.object({ name: z.string().nullable(), email: z.string() }),
    tags: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
    dueAt: z.string().nullable(),
    sla: z
      .array(
        z.object({
          metric: z.string(),
          state: z.enum(["running", "paused", "stopped"]),
          dueAt: z.string().nullable(),
          breached: z.boolean(),
          outcome: z.enum(["met", "breached", "cancelled"]).nullable(),
        }),
      )
      .describe("each SLA clock, for countdowns in the queue"),
  })
  .meta({ id: "TicketSummary" });
export type TicketSummary = z.infer<typeof TicketSummary>;

/**
 * What is internal to the provider's staff, in one place: internal notes and events, the support
 * tier, time spent. Client admins get tickets without them (and counts without notes).
 */
export type Viewer = { staff: boolean };

/** A row from an index or a projected read, in stored (short) attribute names. */
export function toTicketSummary(row: Record<string, unknown>, viewer: Viewer): TicketSummary {
  const get = (name: keyof typeof F) => row[F[name]] as string | undefined;
  const assignee = get("assigneeId");
  const due = get("dueAt");
  return {
    id: get("ticketId") ?? "",
    clientId: get("clientId") ?? "",
    key: get("key") ?? "",
    subject: get("subject") ?? "",
    status: get("status") as TicketSummary["status"],
    priority: get("priority") as TicketSummary["priority"],
    tier: viewer.staff ? (get("tier") as TicketSummary["tier"]) : null,
    assigneeId: !assignee || assignee === UNASSIGNED ? null : assignee,
    requester: { name: get("requesterName") ?? null, email: get("requesterEmail") ?? "" },
    tags: (row[F.tags] as string[] | undefined) ?? [],
    createdAt: get("createdAt") ?? "",
    updatedAt: get("updatedAt") ?? "",
    dueAt: !due || due === NO_DUE_TIME ? null : due,
    sla: ((row[F.slaRow] as SlaRowEntry[] | undefined) ?? []).map((entry) => ({
      metric: entry.m,
      state: entry.s,
      dueAt: entry.d ?? null,
      breached: entry.b === 1,
      outcome: entry.o ?? null,
    })),
  };
}

export const MessageInfo = z
  .object({
    id: z.string(),
    visibility: z.enum(["public", "internal"]),
    author: z.object({
      type: z.enum(["agent", "client_admin", "requester", "system"]),
      id: z.string().nullable(),
      name: z.string(),
      email: z.string().nullable(),
    }),
    bodyText: z.string(),
    bodyHtml: z.string().nullable().describe("sanitized; render inert"),
    attachments: z.array(Attachment),
    channel: Channel,
    timeSpentMinutes: z.number(),
    mergedFrom: z.string().nullable(),
    mail: MailInfo.nullable().describe("set when the message came or went by email"),
    createdAt: z.string(),
  })
  .meta({ id: "TicketMessage" });
export type MessageInfo = z.infer<typeof MessageInfo>;

export const EventInfo = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.object({ type: z.string(), id: z.string() }),
    field: z.string().describe("what changed: created, status, assignee, priority, tier, tags, reply, note, merged, …"),
    from: z.unknown().nullable(),
    to: z.unknown().nullable(),
    reason: z.string().nullable(),
  })
  .meta({ id: "TicketEvent" });
export type EventInfo = z.infer<typeof EventInfo>;

const OlderMessages = z
  .string()
  .nullable()
  .describe("a long thread's page carries its newest messages; this cursor reads the ones before");

export const TicketPage = z
  .object({
    ticket: TicketInfo,
    messages: z.array(MessageInfo),
    events: z.array(EventInfo),
    timeEntries: z.array(TimeEntryInfo).describe("the time logged on the ticket; staff only ([] for client admins)"),
    presence: z
      .array(PresenceInfo)
      .describe("who else has the ticket open, read in the same Query (as GET …/presence answers)"),
    olderMessages: OlderMessages,
  })
  .meta({ id: "TicketPage" });

export const MessagePage = z
  .object({ messages: z.array(MessageInfo), olderMessages: OlderMessages })
  .meta({ id: "TicketMessagePage" });
export type TicketPage = z.infer<typeof TicketPage>;

export function toTicketInfo(item: TicketItem, viewer: Viewer): TicketInfo {
  return {
    id: item.ticketId,
    clientId: item.clientId,
    number: item.number,
    key: item.key,
    subject: item.subject,
    status: item.status,
    priority: item.priority,
    type: item.type,
    category: item.category ?? null,
    tags: item.tags ?? [],
    assigneeId: item.assigneeId === UNASSIGNED ? null : item.assigneeId,
    tier: viewer.staff ? item.tier : null,
    channel: item.channel,
    requester: { name: item.requesterName ?? null, email: item.requesterEmail },
    ccs: item.ccs ?? [],
    fields: (item.fields ?? {}) as TicketInfo["fields"],
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    firstReplyAt: item.firstReplyAt ?? null,
    solvedAt: item.solvedAt ?? null,
    closedAt: item.closedAt ?? null,
    mergedInto: item.mergedInto ?? null,
    dueAt: item.dueAt === NO_DUE_TIME ? null : item.dueAt,
    sla: slaInfo(item.sla as SlaState | undefined),
    messageCount: viewer.staff ? item.messageCount : (item.publicMessageCount ?? item.messageCount),
    timeSpentMinutes: viewer.staff ? item.timeSpentMinutes : null,
    version: item.version,
  };
}

/** A message as the API shows it; `delivery` is the state of the mail that carried it, if any. */
export function toMessageInfo(
  item: MessageItem,
  { staff, delivery }: { staff: boolean; delivery?: OutboundItem | undefined },
): MessageInfo {
  return {
    id: item.messageId,
    visibility: item.visibility,
    author: {
      type: item.authorType,
      id: item.authorId ?? null,
      name: item.authorName,
      email: item.authorEmail ?? null,
    },
    bodyText: item.bodyText,
    bodyHtml: item.bodyHtml ?? null,
    // Stored refs also name the ticket whose key prefix holds the file: not the API's business.
    attachments: ((item.attachments ?? []) as (MessageInfo["attachments"][number] & { ticketId?: string })[]).map(
      ({ ticketId: _storedUnder, ...attachment }) => attachment,
    ),
    channel: item.channel,
    timeSpentMinutes: item.timeSpentMinutes ?? 0,
    mergedFrom: item.mergedFrom ?? null,
    mail: item.mail ? toMailInfo(item.mail as MailMeta, delivery ? toDeliveryInfo(delivery) : null, { staff }) : null,
    createdAt: item.createdAt,
  };
}

/** Ids carry their kind (`usr_…`, `key_…`), so an actor's type needs no attribute of its own. */
function actorTypeOf(id: string | undefined): string {
  if (id?.startsWith("usr_")) return "user";
  if (id?.startsWith("key_")) return "api_key";
  return "system";
}

/**
 * The audit trail: the stored events, plus the records that are their own event — the ticket's
 * creation (on the ticket item) and each reply or note (the message item) — merged by time.
 */
export function auditTrail(
  ticket: TicketItem,
  messages: MessageItem[],
  events: EventItem[],
): (EventInfo & { internal: boolean })[] {
  const created = {
    id: `${ticket.ticketId}.created`,
    at: ticket.createdAt,
    actor: { type: actorTypeOf(ticket.createdBy), id: ticket.createdBy },
    field: "created",
    from: null,
    to: { channel: ticket.channel, subject: ticket.subject },
    reason: null,
    internal: false,
  };
  const posted = messages
    .filter((m) => !m.mergedFrom)
    .map((m) => ({
      id: m.messageId,
      at: m.createdAt,
      actor: { type: m.authorId ? actorTypeOf(m.authorId) : "system", id: m.authorId ?? "system" },
      field: m.visibility === "public" ? "reply" : "note",
      from: null,
      to: m.messageId,
      reason: null,
      internal: m.visibility === "internal",
    }));
  const stored = events.map((e) => ({ ...toEventInfo(e), internal: e.internal ?? false }));
  // The ticket's first message is its description, not a reply.
  const replies = posted.filter((m) => m.at !== ticket.createdAt || m.field !== "reply");
  return [created, ...replies, ...stored].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

export function toEventInfo(item: EventItem): EventInfo {
  return {
    id: item.eventId,
    at: item.at,
    actor: { type: item.actorType, id: item.actorId },
    field: item.field,
    from: item.from ?? null,
    to: item.to ?? null,
    reason: item.reason ?? null,
  };
}
