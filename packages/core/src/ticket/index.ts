import * as z from "zod";
import { type TenantActor, useTenant } from "../actor";
import { Attachments } from "../attachment";
import { entryDraft, toEntryInfo } from "../billing/time";
import { usageOf, usageSteps } from "../billing/usage";
import { writeTime } from "../clock";
import { readByKeys } from "../common/batch";
import { primaryKey } from "../common/keys";
import { storedBytes } from "../common/size";
import {
  type Commit,
  isConditionFailure,
  retryConflicts,
  type Services,
  step,
  writeTransaction,
} from "../common/transaction";
import { Outdesk } from "../dynamo";
import type { OutboundItem } from "../email/model";
import { Outbound } from "../email/outbound";
import { Conflict, Forbidden, InvalidField, NotFound, OutdeskError } from "../error";
import { fn } from "../fn";
import { createId } from "../id";
import { type PolicySetItem, Sla, setKey } from "../sla";
import type { Client } from "../tenancy/client";
import { BulkResult as BulkResultSchema, bulkUpdate as runBulk } from "./bulk";
import { NO_DUE_TIME, UNASSIGNED } from "./constants";
import { canTransition, type Status, statsDelta, statusAfterRequesterReply, transitions } from "./lifecycle";
import { auditTrail, type MessageItem, type TicketItem, type TicketPage, toMessageInfo, toTicketInfo } from "./model";
import { visiblePresence } from "./presence-view";
import {
  BulkInput,
  CreateInput,
  EscalateInput,
  type FieldValue,
  MergeInput,
  MessageInput,
  UpdateInput,
} from "./schema";
import { readOlderMessages, readThread, type Thread } from "./thread";
import {
  assertTicketVisible,
  type ClientItem,
  commitPlan,
  eventCommits,
  loadForWrite,
  MAX_TRANSACTION_ITEMS,
  type Plan,
  staleTicket,
  statsCommits,
  tagCommits,
  ticketPatch,
  type UserItem,
  type WriteContext,
} from "./write";

export { transitions } from "./lifecycle";
export { EventInfo, MessageInfo, MessagePage, TicketInfo, TicketPage, TicketSummary } from "./model";
export { Queue } from "./queue";
export * as TicketSchema from "./schema";

const isStaff = (actor: TenantActor) => actor.role !== "client_admin";

/** Tickets written before public replies were counted apart count all their messages. */
const publicCount = (ticket: TicketItem) => ticket.publicMessageCount ?? ticket.messageCount;

function assertStaff(actor: TenantActor) {
  if (!isStaff(actor)) throw Forbidden("Only the provider's staff can do this");
}

/**
 * Validates field values a write sets against the client's definitions. A value of a field whose
 * definition was removed may only be cleared (null): old tickets must stay editable.
 */
function checkFields(client: ClientItem, values: Record<string, z.infer<typeof FieldValue>>) {
  const byKey = new Map(((client.ticketFields ?? []) as Client.TicketField[]).map((field) => [field.key, field]));
  for (const [key, value] of Object.entries(values)) {
    const field = byKey.get(key);
    const path = ["fields", key];
    if (value === null) continue;
    if (!field) throw InvalidField(path, "no such field for this client");
    const ok =
      (field.type === "text" && typeof value === "string") ||
      (field.type === "number" && typeof value === "number" && Number.isFinite(value)) ||
      (field.type === "boolean" && typeof value === "boolean") ||
      (field.type === "date" && typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) ||
      (field.type === "select" && typeof value === "string" && (field.options ?? []).includes(value));
    if (!ok) {
      const expected = field.type === "select" ? `one of ${(field.options ?? []).join(", ")}` : `a ${field.type}`;
      throw InvalidField(path, `must be ${expected}${field.type === "date" ? " (YYYY-MM-DD)" : ""}`);
    }
  }
}

/** Solving needs every required field set; values of fields no longer defined are ignored. */
function checkRequiredFields(client: ClientItem, stored: Record<string, unknown>) {
  const definitions = (client.ticketFields ?? []) as Client.TicketField[];
  const missing = definitions.find((f) => f.required && (stored[f.key] === undefined || stored[f.key] === null));
  if (missing) throw InvalidField(["fields", missing.key], "is required before the ticket is solved");
}

/** An assignee must be an active agent serving the client, or a provider admin. */
function checkAssignee(user: UserItem | undefined, clientId: string) {
  const ok =
    user?.status === "active" &&
    (user.role === "provider_admin" || (user.role === "agent" && (user.clientIds ?? []).includes(clientId)));
  if (!ok) throw InvalidField(["assigneeId"], "not an active agent serving this client");
}

const archivedClient = () => InvalidField(["clientId"], "the client is archived and takes no new tickets");

/** Takes the client's next ticket number (one UpdateItem); an archived client takes none. */
export async function takeTicketNumber(providerId: string, clientId: string): Promise<ClientItem> {
  return retryConflicts(() =>
    Outdesk.entities.client
      .patch({ providerId, clientId })
      .add({ lastTicketNumber: 1 })
      .where((attr, op) => op.eq(attr.status, "active"))
      .go({ response: "all_new" }),
  )
    .then(({ data }) => data as ClientItem)
    .catch((error) => {
      throw isConditionFailure(error) ? archivedClient() : error;
    });
}

function illegalTransition(from: Status, to: Status) {
  return new OutdeskError("conflict", `A ticket cannot go from ${from} to ${to}`, {
    issues: [{ path: ["status"], message: `allowed from ${from}: ${transitions[from].join(", ") || "none"}` }],
    allowed: transitions[from],
  });
}

function statusChange(from: Status, to: Status, at: string): Partial<TicketItem> {
  if (!canTransition(from, to)) throw illegalTransition(from, to);
  if (from === to) return {};
  return {
    status: to,
    ...(to === "solved" ? { solvedAt: at } : {}),
    ...(to === "closed" ? { closedAt: at } : {}),
  };
}

/** Messages and tickets from an API key arrive over the api channel; the console's over web. */
const defaultChannel = (actor: TenantActor) => (actor.type === "api_key" ? ("api" as const) : ("web" as const));

function authorOf(actor: TenantActor) {
  return {
    authorType: isStaff(actor) ? ("agent" as const) : ("client_admin" as const),
    authorId: actor.id,
    authorName: actor.name ?? (actor.type === "api_key" ? "API" : "Outdesk"),
  };
}

/**
 * Message HTML is sanitized on the way in. The sanitizer (htmlparser2 and its entity tables)
 * loads with the first HTML body, not at import: most API requests never carry one.
 */
async function sanitizedHtml(html: string | undefined): Promise<string | undefined> {
  if (!html) return undefined;
  const { sanitizeMessageHtml } = await import("./sanitize");
  return sanitizeMessageHtml(html);
}

async function messageDraft(
  actor: TenantActor,
  input: {
    body: string;
    bodyHtml?: string | undefined;
    attachments: MessageItem["attachments"];
    timeSpentMinutes?: number;
  },
  visibility: "public" | "internal",
  channel: MessageItem["channel"],
  at: string,
): Promise<Omit<MessageItem, "providerId" | "clientId" | "ticketId">> {
  const message = {
    messageId: createId("message"),
    visibility,
    ...authorOf(actor),
    bodyText: input.body,
    bodyHtml: await sanitizedHtml(input.bodyHtml),
    // Empty values are left out: every stored byte counts toward the item's write units.
    attachments: input.attachments.length ? input.attachments : undefined,
    channel,
    timeSpentMinutes: input.timeSpentMinutes || undefined,
    createdAt: at,
  };
  checkMessageSize(message);
  return message;
}

/** Hides what client admins must never see: internal notes and events, and how many notes a merge moved. */
function pageFor(
  actor: TenantActor,
  { ticket, messages, events, deliveries, timeEntries, presence, olderMessages }: Thread & { ticket: TicketItem },
) {
  const staff = isStaff(actor);
  const withoutNotes = (value: unknown) => {
    if (staff || value === null || typeof value !== "object" || !("notes" in value)) return value;
    const { notes: _notes, ...rest } = value as Record<string, unknown>;
    return rest;
  };
  const page: TicketPage = {
    ticket: toTicketInfo(ticket, { staff }),
    messages: visibleMessages(actor, messages, deliveries),
    events: auditTrail(ticket, messages, events)
      .filter((e) => staff || !e.internal)
      .map(({ internal: _internal, ...event }) => ({
        ...event,
        from: withoutNotes(event.from),
        to: withoutNotes(event.to),
      })),
    timeEntries: staff ? timeEntries.map(toEntryInfo).sort((a, b) => a.startedAt.localeCompare(b.startedAt)) : [],
    presence: visiblePresence(presence, actor),
    olderMessages,
  };
  return page;
}

function visibleMessages(actor: TenantActor, messages: MessageItem[], deliveries: OutboundItem[] = []) {
  const staff = isStaff(actor);
  const byMessage = new Map(deliveries.map((d) => [d.messageId, d]));
  return messages
    .filter((m) => staff || m.visibility === "public")
    .map((m) => toMessageInfo(m, { staff, delivery: byMessage.get(m.messageId) }));
}

/**
 * What one message may store, text and sanitized HTML together: DynamoDB's item limit is 400 KB,
 * and sanitizing can grow HTML (every bare `>` becomes `&gt;`), so the bound is measured on what
 * will be stored, not on what was sent.
 */
export const MAX_MESSAGE_BYTES = 300_000;

function checkMessageSize(message: object) {
  const bytes = storedBytes(message);
  if (bytes > MAX_MESSAGE_BYTES) {
    throw new OutdeskError(
      "payload_too_large",
      `The message would store ${bytes} bytes (text and sanitized HTML); at most ${MAX_MESSAGE_BYTES}`,
      { issues: [{ path: ["bodyHtml"], message: `stores ${bytes} bytes, at most ${MAX_MESSAGE_BYTES}` }] },
    );
  }
}

export namespace Ticket {
  export const create = fn(CreateInput, async (input) => {
    const actor = assertTicketVisible(input.clientId);
    const { providerId } = actor;
    if (!isStaff(actor) && input.assigneeId) throw Forbidden("Only the provider's staff can assign tickets");
    // Everything is checked before a number is taken, so a refused create leaves no gap: the
    // client (fields, status) and the assignee in one BatchGet, then one UpdateItem takes the number.
    const { entities } = Outdesk;
    const of = await readByKeys([
      primaryKey(entities.client, { providerId, clientId: input.clientId }),
      ...(input.assigneeId ? [primaryKey(entities.user, { providerId, userId: input.assigneeId })] : []),
      setKey(providerId, input.clientId),
    ]);
    const read = entities.client.parse(of("client")).data[0] as ClientItem | undefined;
    const slaSet = entities.slaPolicySet.parse(of("slaPolicySet")).data[0] as PolicySetItem | undefined;
    if (!read) throw NotFound("Client");
    if (read.status !== "active") throw archivedClient();
    checkFields(read, input.fields);
    if (input.assigneeId)
      checkAssignee(entities.user.parse(of("user")).data[0] as UserItem | undefined, input.clientId);
    const now = writeTime();
    const channel = input.channel ?? defaultChannel(actor);
    const ticketId = createId("ticket");
    const attachments = await Attachments.claim({ clientId: input.clientId, ticketId }, input.attachments);
    const message = await messageDraft(actor, { ...input, attachments }, "public", channel, now);
    const client = await takeTicketNumber(providerId, input.clientId);
    const ticket: TicketItem = {
      providerId,
      clientId: input.clientId,
      ticketId,
      number: client.lastTicketNumber,
      key: `${client.ticketPrefix}-${client.lastTicketNumber}`,
      subject: input.subject,
      status: "new",
      priority: input.priority,
      type: input.type,
      category: input.category || undefined,
      tags: input.tags,
      assigneeId: input.assigneeId ?? UNASSIGNED,
      tier: "L1",
      channel,
      requesterName: input.requester.name,
      requesterEmail: input.requester.email,
      ccs: input.ccs.length ? input.ccs : undefined,
      fields: Object.keys(input.fields).length ? input.fields : undefined,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
      dueAt: NO_DUE_TIME,
      slaNextAt: NO_DUE_TIME,
      slaShard: "0",
      messageCount: 1,
      publicMessageCount: 1,
      timeSpentMinutes: 0,
      version: 1,
    };
    // Creation is recorded by the ticket item itself (createdAt, createdBy, channel); the SLA
    // clocks it starts are one event item.
    // The first message is the request, whoever typed it in: it starts the clocks, answers nothing.
    const clocks = Sla.onWrite({ set: slaSet, before: null, after: ticket, at: now, timeZone: read.timeZone });
    Object.assign(ticket, clocks.set);
    await writeTransaction((services) => [
      step(services.ticket.create(ticket).commit()),
      ...eventCommits(services, ticket, actor, now, clocks.events).map((commit) => step(commit)),
      step(
        services.message
          .create({ providerId, clientId: ticket.clientId, ticketId: ticket.ticketId, ...message })
          .commit(),
      ),
      ...statsCommits(services, ticket, statsDelta(null, ticket)).map((commit) => step(commit)),
      ...tagCommits(services, null, ticket).map((commit) => step(commit)),
      ...usageSteps(services, ticket, usageOf(null, ticket, [], now, read.timeZone).records, read.timeZone, actor.id),
    ]);
    return toTicketInfo(ticket, { staff: isStaff(actor) });
  });

  /** The ticket page: ticket, messages and audit trail in one Query on its item collection. */
  export async function get(clientId: string, ticketId: string): Promise<TicketPage> {
    const actor = assertTicketVisible(clientId);
    const thread = await readThread(actor.providerId, clientId, ticketId);
    if (!thread.ticket) throw NotFound("Ticket");
    return pageFor(actor, { ...thread, ticket: thread.ticket });
  }

  /** The messages before those a ticket page showed, from its `olderMessages` cursor. */
  export async function olderMessages(clientId: string, ticketId: string, cursor: string) {
    const actor = assertTicketVisible(clientId);
    const { providerId } = actor;
    // The ticket first: another tenant's or a missing ticket is a 404 whatever the cursor says.
    const { data: ticket } = await Outdesk.entities.ticket.get({ providerId, clientId, ticketId }).go();
    if (!ticket) throw NotFound("Ticket");
    const older = await readOlderMessages(providerId, clientId, ticketId, cursor);
    return { messages: visibleMessages(actor, older.messages), olderMessages: older.olderMessages };
  }

  /** The changes of an update as a plan, given what was read. Shared by PATCH and bulk updates. */
  function planUpdate(ctx: WriteContext, input: z.output<typeof UpdateInput>): Plan {
    const { ticket, client } = ctx;
    const now = writeTime();
    const set: Plan["set"] = {};
    const events: Plan["events"] = [];
    const remove: Plan["remove"] = [];
    const change = <K extends keyof TicketItem>(field: K, to: TicketItem[K], eventField: string = field) => {
      const from = ticket[field];
      if (JSON.stringify(from ?? null) === JSON.stringify(to ?? null)) return;
      (set as Record<string, unknown>)[field] = to;
      events.push({ field: eventField, from: from ?? null, to: to ?? null });
    };
    if (input.subject !== undefined) change("subject", input.subject);
    if (input.requester !== undefined) {
      const from = { name: ticket.requesterName ?? null, email: ticket.requesterEmail };
      const to = { name: input.requester.name ?? null, email: input.requester.email };
      if (from.name !== to.name || from.email !== to.email) {
        set.requesterEmail = to.email;
        if (to.name) set.requesterName = to.name;
        else if (ticket.requesterName) remove.push("requesterName");
        events.push({ field: "requester", from, to });
      }
    }
    if (input.priority !== undefined) change("priority", input.priority);
    if (input.type !== undefined) change("type", input.type);
    if (input.ccs !== undefined) change("ccs", input.ccs);
    if (input.category !== undefined) {
      if (input.category === null || input.category === "") {
        if (ticket.category) {
          remove.push("category");
          events.push({ field: "category", from: ticket.category, to: null });
        }
      } else change("category", input.category);
    }
    if (input.tags !== undefined || input.addTags || input.removeTags) {
      const base = input.tags ?? ticket.tags ?? [];
      const removed = new Set(input.removeTags ?? []);
      const tags = [...new Set([...base, ...(input.addTags ?? [])])].filter((tag) => !removed.has(tag));
      if (tags.length > 30) throw InvalidField(["tags"], "at most 30 tags");
      change("tags", tags);
    }
    let fields = (ticket.fields ?? {}) as Record<string, z.infer<typeof FieldValue>>;
    if (input.fields !== undefined) {
      fields = { ...fields, ...input.fields };
      for (const [key, value] of Object.entries(fields)) if (value === null) delete fields[key];
      change("fields", fields);
    }
    if (input.assigneeId !== undefined) {
      const to = input.assigneeId ?? UNASSIGNED;
      if (to !== UNASSIGNED) checkAssignee(ctx.users.get(to), ticket.clientId);
      if (to !== ticket.assigneeId) {
        set.assigneeId = to;
        events.push({
          field: "assignee",
          from: ticket.assigneeId === UNASSIGNED ? null : ticket.assigneeId,
          to: to === UNASSIGNED ? null : to,
        });
      }
    }
    if (input.status !== undefined) {
      const moved = statusChange(ticket.status as Status, input.status, now);
      if (moved.status) {
        Object.assign(set, moved);
        events.push({ field: "status", from: ticket.status, to: moved.status });
      }
    }
    checkFields(client, input.fields ?? {});
    if (set.status === "solved") checkRequiredFields(client, fields);
    return { set, events, remove };
  }

  function assertOpenForChanges(ticket: TicketItem) {
    if (ticket.status === "closed") {
      throw Conflict("The ticket is closed; closed tickets are final", {
        issues: [{ path: ["status"], message: "closed" }],
      });
    }
  }

  export const update = fn(
    UpdateInput.extend({ clientId: z.string(), ticketId: z.string() }),
    async ({ clientId, ticketId, version, ...input }) => {
      const ctx = await loadForWrite(clientId, ticketId, input.assigneeId ? [input.assigneeId] : []);
      assertStaff(ctx.actor);
      assertOpenForChanges(ctx.ticket);
      const plan = planUpdate(ctx, input);
      if (plan.events.length === 0) {
        // Nothing to change still answers to the version: a stale client learns it is stale.
        if (version !== undefined && version !== ctx.ticket.version) throw staleTicket(ctx.ticket.version);
        return toTicketInfo(ctx.ticket, { staff: true });
      }
      return toTicketInfo(await commitPlan(ctx, plan, version), { staff: true });
    },
  );

  /** Assign to yourself. */
  export const take = fn(
    z.strictObject({ clientId: z.string(), ticketId: z.string(), version: z.number().int().optional() }),
    async ({ clientId, ticketId, version }) => {
      const actor = assertTicketVisible(clientId);
      if (actor.type !== "user") throw Forbidden("Only a user can take a ticket");
      return update({ clientId, ticketId, version, assigneeId: actor.id });
    },
  );

  /** A public reply or an internal note (staff only), optionally setting the status in the same step. */
  export const addMessage = fn(
    MessageInput.extend({
      clientId: z.string(),
      ticketId: z.string(),
      visibility: z.enum(["public", "internal"]),
    }),
    async ({ clientId, ticketId, visibility, version, status, email, ...input }) => {
      const actor0 = assertTicketVisible(clientId);
      // A public staff reply goes to the requester by mail unless the agent says not to.
      const mails = isStaff(actor0) && visibility === "public" && email?.send !== false;
      const ctx = await loadForWrite(clientId, ticketId, [], { mailThread: mails });
      const { actor, ticket } = ctx;
      const staff = isStaff(actor);
      if (!staff && (visibility === "internal" || status !== undefined || input.timeSpentMinutes > 0)) {
        throw Forbidden("Client admins can only add public replies");
      }
      assertOpenForChanges(ticket);
      const now = writeTime();
      const from = ticket.status as Status;
      // Staff replies open new tickets; replies from the client's side reopen pending or solved ones.
      const target: Status =
        status ??
        (visibility === "public" ? (staff ? (from === "new" ? "open" : from) : statusAfterRequesterReply(from)) : from);
      const moved = statusChange(from, target, now);
      const set: Plan["set"] = {
        ...moved,
        messageCount: ticket.messageCount + 1,
        ...(visibility === "public" ? { publicMessageCount: publicCount(ticket) + 1 } : {}),
        timeSpentMinutes: ticket.timeSpentMinutes + input.timeSpentMinutes,
        ...(staff && visibility === "public" && !ticket.firstReplyAt ? { firstReplyAt: now } : {}),
      };
      if (moved.status === "solved") checkRequiredFields(ctx.client, ticket.fields ?? {});
      const attachments = await Attachments.claim({ clientId, ticketId }, input.attachments);
      const message = await messageDraft(actor, { ...input, attachments }, visibility, defaultChannel(actor), now);
      const outbound = mails
        ? await Outbound.draftReply({ client: ctx.client, ticket, thread: ctx.mailThread, message, cc: email?.cc })
        : undefined;
      if (outbound) message.mail = Outbound.mailMeta(outbound);
      // Time logged with a reply becomes the agent's time entry (a draft until approved).
      const entry =
        staff && input.timeSpentMinutes > 0
          ? entryDraft({
              ticket: { providerId: ticket.providerId, clientId, ticketId, key: ticket.key },
              agent: { id: actor.id, name: message.authorName },
              minutes: input.timeSpentMinutes,
              timeZone: ctx.client.timeZone,
              at: now,
              messageId: message.messageId,
            })
          : undefined;
      // The message is its own audit record; only a status change it causes is an event.
      const events: Plan["events"] = moved.status ? [{ field: "status", from, to: moved.status }] : [];
      const key = { providerId: ticket.providerId, clientId, ticketId };
      const after = await commitPlan(
        ctx,
        {
          set,
          events,
          messages: [message],
          extra: (services) => [
            ...(outbound
              ? [
                  ...Outbound.commits(services, key, { outbound }),
                  Outbound.threadStep(services, key, ctx.mailThread, [outbound.rfcMessageId]),
                ]
              : []),
            ...(entry ? [step(services.timeEntry.create(entry).commit())] : []),
          ],
        },
        version,
      );
      // Committed first, sent after: a failed send is retried by the outbox sweep.
      const delivery = outbound ? await Outbound.deliverSafely(outbound, { message }) : undefined;
      return {
        ticket: toTicketInfo(after, { staff }),
        message: toMessageInfo({ ...message, ...key }, { staff, delivery }),
      };
    },
  );

  /** Moves the ticket to another support tier; the reason is kept in the audit trail. */
  export const escalate = fn(
    EscalateInput.extend({ clientId: z.string(), ticketId: z.string() }),
    async ({ clientId, ticketId, tier, reason, version }) => {
      const ctx = await loadForWrite(clientId, ticketId);
      assertStaff(ctx.actor);
      assertOpenForChanges(ctx.ticket);
      if (ctx.ticket.tier === tier) throw InvalidField(["tier"], `the ticket is already at ${tier}`);
      const after = await commitPlan(
        ctx,
        { set: { tier }, events: [{ field: "tier", from: ctx.ticket.tier, to: tier, reason, internal: true }] },
        version,
      );
      return toTicketInfo(after, { staff: true });
    },
  );

  /**
   * A merge moves messages in batches that fit one transaction: at most 100 items (two per
   * message, plus both tickets) and well under its 4 MB, counted in the items' stored bytes.
   */
  const MERGE_BATCH_MESSAGES = 45;
  const MERGE_BATCH_BYTES = 3_000_000;

  function mergeBatches(messages: MessageItem[]): MessageItem[][] {
    const batches: MessageItem[][] = [];
    let batch: MessageItem[] = [];
    let bytes = 0;
    for (const message of messages) {
      const size = storedBytes(message);
      if (batch.length > 0 && (batch.length === MERGE_BATCH_MESSAGES || bytes + size > MERGE_BATCH_BYTES)) {
        batches.push(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(message);
      bytes += size;
    }
    if (batch.length > 0) batches.push(batch);
    return batches;
  }

  /**
   * Merges this ticket (a duplicate) into another of the same client. First one transaction
   * closes the duplicate with a pointer to the target and records the merge on both; then its
   * messages move in batches, each batch one transaction that also moves the counts, so every
   * state in between is consistent. A merge cut short (a conflict, a timeout) resumes when asked
   * again with the same target.
   */
  export const merge = fn(
    MergeInput.extend({ clientId: z.string(), ticketId: z.string() }),
    async ({ clientId, ticketId, targetTicketId, version }) => {
      const ctx = await loadForWrite(clientId, ticketId);
      assertStaff(ctx.actor);
      if (targetTicketId === ticketId) throw InvalidField(["targetTicketId"], "a ticket cannot merge into itself");
      const resuming = ctx.ticket.status === "closed" && ctx.ticket.mergedInto === targetTicketId;
      if (!resuming) assertOpenForChanges(ctx.ticket);
      const { providerId } = ctx.actor;
      const [{ data: moving }, { data: target }] = await Promise.all([
        Outdesk.entities.message.query.byTicket({ providerId, clientId, ticketId }).go({ pages: "all" }),
        Outdesk.entities.ticket.get({ providerId, clientId, ticketId: targetTicketId }).go({ consistent: true }),
      ]);
      if (!target) throw InvalidField(["targetTicketId"], "no such ticket for this client");
      if (target.status === "closed") throw InvalidField(["targetTicketId"], "the target ticket is closed");
      const now = writeTime();
      let duplicate = ctx.ticket;
      const targetKey = { providerId, clientId, ticketId: targetTicketId };
      const moveCommits = (services: Services, batch: MessageItem[]) =>
        batch.flatMap((message) => [
          step(services.message.create({ ...message, ...targetKey, mergedFrom: ctx.ticket.key }).commit()),
          step(services.message.delete(message).commit()),
        ]);
      let batches = mergeBatches(moving);
      if (!resuming) {
        // What moves, as the trail tells it: replies, and notes apart (client admins see replies only).
        const replies = moving.filter((m) => m.visibility === "public").length;
        const counts = { messages: replies, notes: moving.length - replies };
        // A thread that fits moves in this same transaction (the common case: one write).
        // Room left by the tickets, events and counters, and the duplicate's tag items (deleted and put).
        const room = MAX_TRANSACTION_ITEMS - 10 - 2 * (ctx.ticket.tags?.length ?? 0);
        const inOne = batches.length <= 1 && 2 * moving.length <= room ? (batches[0] ?? []) : [];
        const movedReplies = inOne.filter((m) => m.visibility === "public").length;
        duplicate = await commitPlan(
          ctx,
          {
            // Merging closes the duplicate whatever its status: the one way to close without solving.
            set: {
              status: "closed",
              closedAt: now,
              mergedInto: targetTicketId,
              messageCount: ctx.ticket.messageCount - inOne.length,
              publicMessageCount: publicCount(ctx.ticket) - movedReplies,
            },
            events: [{ field: "merged", to: { into: targetTicketId, key: target.key, ...counts } }],
            extra: (services) => [
              step(
                ticketPatch(
                  services,
                  target,
                  { ...target, updatedAt: now, version: target.version + 1 },
                  {
                    set: {
                      timeSpentMinutes: target.timeSpentMinutes + ctx.ticket.timeSpentMinutes,
                      messageCount: target.messageCount + inOne.length,
                      publicMessageCount: publicCount(target) + movedReplies,
                    },
                  },
                ).commit(),
                Conflict("The target ticket changed meanwhile; retry"),
              ),
              ...eventCommits(services, target, ctx.actor, now, [
                { field: "merged", from: { ticket: ticketId, key: ctx.ticket.key, ...counts } },
              ]).map((commit) => step(commit)),
              ...moveCommits(services, inOne),
            ],
          },
          version,
        );
        if (inOne.length > 0) batches = [];
      }
      const duplicateKey = { providerId, clientId, ticketId };
      for (const batch of batches) {
        const replies = batch.filter((m) => m.visibility === "public").length;
        // Counts move with the messages; versions bump so stale pages of either ticket answer 409.
        await writeTransaction((services) => [
          step(
            services.ticket
              .update(targetKey)
              .add({ messageCount: batch.length, publicMessageCount: replies, version: 1 })
              .where((attr, op) => op.ne(attr.status, "closed"))
              .commit() as unknown as Commit,
            InvalidField(["targetTicketId"], "the target ticket closed meanwhile"),
          ),
          step(
            services.ticket
              .update(duplicateKey)
              .add({ messageCount: -batch.length, publicMessageCount: -replies, version: 1 })
              .commit() as unknown as Commit,
          ),
          ...moveCommits(services, batch),
        ]);
        duplicate = {
          ...duplicate,
          messageCount: duplicate.messageCount - batch.length,
          publicMessageCount: publicCount(duplicate) - replies,
          version: duplicate.version + 1,
        };
      }
      return toTicketInfo(duplicate, { staff: true });
    },
  );

  export const BulkResult = BulkResultSchema;

  /** Up to 100 tickets, each in its own transaction (bulk.ts), by the same rules as PATCH and merge. */
  export const bulkUpdate = fn(BulkInput, (input) => runBulk(input, { planUpdate, assertOpenForChanges, merge }));

  /**
   * Closes solved tickets whose client's auto-close period has passed. Run by the timer for
   * one provider at a time, as the system actor: one Query per client, one transaction per ticket.
   */
  export async function autoCloseSolved(now = new Date()): Promise<number> {
    const actor = useTenant();
    if (actor.role !== "system") throw Forbidden();
    const { providerId } = actor;
    const { data: clients } = await Outdesk.entities.client.query.byId({ providerId }).go({ pages: "all" });
    let closed = 0;
    for (const client of clients) {
      const cutoff = new Date(now.getTime() - client.autoCloseDays * 24 * 3600 * 1000).toISOString();
      // The queue index finds them (its rows are partial); each write reads the whole ticket.
      const { data: due } = await Outdesk.entities.ticket.query
        .byClientStatus({ providerId, clientId: client.clientId, status: "solved" })
        .lt({ updatedAt: cutoff })
        .go({ pages: "all" });
      for (const row of due) {
        const at = now.toISOString();
        try {
          const { data: ticket } = await Outdesk.entities.ticket
            .get({ providerId, clientId: client.clientId, ticketId: row.ticketId })
            .go({ consistent: true });
          if (ticket?.status !== "solved") continue;
          await commitPlan(
            { actor, ticket, client, users: new Map() },
            {
              set: { status: "closed", closedAt: at },
              events: [
                {
                  field: "status",
                  from: "solved",
                  to: "closed",
                  reason: `auto-closed after ${client.autoCloseDays} days`,
                },
              ],
            },
          );
          closed++;
        } catch (error) {
          // A ticket touched meanwhile is simply skipped; the next run sees its new state.
          if (!(error instanceof OutdeskError && error.code === "conflict")) throw error;
        }
      }
    }
    return closed;
  }
}
