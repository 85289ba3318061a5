import type { EntityItem } from "electrodb";
import * as z from "zod";
import { assertClientAccess, assertRole, canAccessClient, type TenantActor, useTenant } from "../actor";
import { writeTime } from "../clock";
import { readByKeys } from "../common/batch";
import { primaryKey } from "../common/keys";
import { isConditionFailure, type Services, type Step, step, writeTransaction } from "../common/transaction";
import { dayIn, wallOf } from "../common/zone";
import { Outdesk } from "../dynamo";
import { Conflict, Forbidden, InvalidField, NotFound } from "../error";
import { fn } from "../fn";
import { createId } from "../id";
import { rollupShard } from "../sla/rollup";
import { type ContractVersion, versionFor } from "./contract";
import type { Rounding } from "./schema";
import { Billing, EntryStatuses, type TimeEntryEntity, WorkTypes } from "./time.entity";
import { everyHour } from "./usage";

export type TimeEntryItem = EntityItem<TimeEntryEntity>;

const MINUTE = 60_000;
/** Billable minutes after rounding: up to the increment, and at least the minimum per entry. */
export function roundedMinutes(minutes: number, rounding: Rounding): number {
  if (minutes <= 0) return 0;
  const up = Math.ceil(minutes / rounding.incrementMinutes) * rounding.incrementMinutes;
  return Math.max(up, rounding.minimumMinutes);
}

/**
 * Minutes from an instant on, split by the day and hour (client's zone) they fall in: an entry
 * over midnight or across a shift's end is counted in each hour it covers.
 */
export function spread(startedAt: string, minutes: number, timeZone: string): Map<string, Record<string, number>> {
  const cells = new Map<string, Record<string, number>>();
  let at = Date.parse(startedAt);
  let left = minutes;
  while (left > 0) {
    const chunk = Math.min(left, 60 - wallOf(timeZone, at).minute);
    const day = dayIn(timeZone, at);
    const cell = cells.get(day) ?? {};
    cells.set(day, cell);
    const hour = `h${wallOf(timeZone, at).hour}`;
    cell[hour] = (cell[hour] ?? 0) + chunk;
    cell.total = (cell.total ?? 0) + chunk;
    at += chunk * MINUTE;
    left -= chunk;
  }
  return cells;
}

/** The rollup updates an approved entry adds (sign 1) or takes back (sign −1). */
function rollupSteps(services: Services, entry: TimeEntryItem, timeZone: string, sign: 1 | -1): Step[] {
  const { providerId, clientId } = entry;
  const shard = rollupShard(entry.ticketId);
  const meters: [string, number][] = [["worked", entry.minutes]];
  if (entry.billing !== "do_not_bill") meters.push(["handled", entry.minutes]);
  if (entry.billing === "billable") meters.push(["billable", entry.billedMinutes]);
  if (entry.billing === "no_charge") meters.push(["no_charge", entry.minutes]);
  return meters.flatMap(([meter, minutes]) =>
    [...spread(entry.startedAt, minutes, timeZone)].map(([day, add]) =>
      step(
        services.usageRollup
          .update({ providerId, clientId, day, meter, shard })
          .add(everyHour(Object.fromEntries(Object.entries(add).map(([k, v]) => [k, sign * v]))) as never)
          .commit(),
      ),
    ),
  );
}

export const TimeEntryInfo = z
  .object({
    id: z.string(),
    clientId: z.string(),
    ticketId: z.string(),
    ticketKey: z.string(),
    agent: z.object({ id: z.string(), name: z.string() }),
    workType: z.enum(WorkTypes),
    startedAt: z.string(),
    date: z.string().describe("in the client's time zone"),
    minutes: z.number().describe("worked"),
    billableMinutes: z.number().describe("the billable part of the minutes worked, before rounding"),
    billing: z.enum(Billing),
    billedMinutes: z.number().describe("billable minutes after the contract's rounding, set on approval"),
    note: z.string().nullable(),
    status: z
      .enum([...EntryStatuses, "invoiced"])
      .describe("draft → approved → invoiced (an approved entry of a locked month, listed and on timesheets)"),
    approvedBy: z.string().nullable(),
    approvedAt: z.string().nullable(),
    messageId: z.string().nullable().describe("the reply the time was logged with"),
    version: z.number(),
  })
  .meta({ id: "TimeEntry" });
export type TimeEntryInfo = z.infer<typeof TimeEntryInfo>;

export function toEntryInfo(item: TimeEntryItem): TimeEntryInfo {
  return {
    id: item.entryId,
    clientId: item.clientId,
    ticketId: item.ticketId,
    ticketKey: item.ticketKey,
    agent: { id: item.agentId, name: item.agentName },
    workType: item.workType,
    startedAt: item.startedAt,
    date: item.date,
    minutes: item.minutes,
    billableMinutes: item.billableMinutes ?? item.minutes,
    billing: item.billing,
    billedMinutes: item.billedMinutes,
    note: item.note ?? null,
    status: item.status,
    approvedBy: item.approvedBy ?? null,
    approvedAt: item.approvedAt ?? null,
    messageId: item.messageId ?? null,
    version: item.version,
  };
}

/** Approved entries of locked months read as invoiced: one BatchGet of their months' billing periods. */
async function markInvoiced(providerId: string, items: TimeEntryInfo[]): Promise<TimeEntryInfo[]> {
  const months = new Map<string, { clientId: string; month: string }>();
  for (const e of items)
    if (e.status === "approved")
      months.set(`${e.clientId}|${e.date.slice(0, 7)}`, { clientId: e.clientId, month: e.date.slice(0, 7) });
  if (months.size === 0) return items;
  const of = await readByKeys(
    [...months.values()].map((m) => primaryKey(Outdesk.entities.billingPeriod, { providerId, ...m })),
    { consistent: false },
  );
  const locked = new Set(
    Outdesk.entities.billingPeriod.parse(of("billingPeriod")).data.map((p) => `${p.clientId}|${p.month}`),
  );
  return items.map((e) =>
    e.status === "approved" && locked.has(`${e.clientId}|${e.date.slice(0, 7)}`) ? { ...e, status: "invoiced" } : e,
  );
}

const Minutes = z.number().int().min(1, "at least 1 minute").max(1440, "at most a day (1,440 minutes) per entry");
const BillableMinutes = z
  .number()
  .int()
  .min(0)
  .max(1440)
  .describe("the billable part of the minutes worked, before the contract's rounding; default: all of them");
const EntryFields = {
  minutes: Minutes,
  billableMinutes: BillableMinutes.optional(),
  billing: z.enum(Billing).default("billable"),
  workType: z.enum(WorkTypes).default("other"),
  startedAt: z.iso.datetime({ offset: true }).optional().describe("default: now minus the minutes"),
  note: z.string().trim().max(500).optional(),
};
export const CreateEntryInput = z
  .strictObject({
    ...EntryFields,
    agentId: z.string().max(64).optional().describe("provider admins: log for an agent"),
  })
  .meta({ id: "TimeEntryCreate" });
export const UpdateEntryInput = z
  .strictObject({
    minutes: Minutes.optional(),
    billableMinutes: BillableMinutes.nullable().optional().describe("null: all the minutes worked"),
    billing: z.enum(Billing).optional(),
    workType: z.enum(WorkTypes).optional(),
    startedAt: z.iso.datetime({ offset: true }).optional(),
    note: z.string().trim().max(500).nullable().optional(),
    version: z.number().int().positive().optional().describe("the entry's version you read; 409 if it changed"),
  })
  .meta({ id: "TimeEntryUpdate" });

const staff = (clientId: string, what = "Ticket"): TenantActor => {
  const actor = assertClientAccess(clientId, what);
  if (actor.role === "client_admin") throw Forbidden("Time entries are the provider's staff's");
  return actor;
};

/** A time entry draft, for a ticket write that logs time with a reply (its own transaction step). */
export function entryDraft(input: {
  ticket: { providerId: string; clientId: string; ticketId: string; key: string };
  agent: { id: string; name: string };
  minutes: number;
  timeZone: string;
  at: string;
  messageId?: string;
  workType?: (typeof WorkTypes)[number];
}): TimeEntryItem {
  const startedAt = new Date(Date.parse(input.at) - input.minutes * MINUTE).toISOString();
  const date = dayIn(input.timeZone, startedAt);
  return {
    providerId: input.ticket.providerId,
    clientId: input.ticket.clientId,
    ticketId: input.ticket.ticketId,
    entryId: createId("timeEntry"),
    ticketKey: input.ticket.key,
    agentId: input.agent.id,
    agentName: input.agent.name,
    workType: input.workType ?? "reply",
    startedAt,
    date,
    month: date.slice(0, 7),
    minutes: input.minutes,
    billing: "billable",
    billedMinutes: 0,
    status: "draft",
    ...(input.messageId ? { messageId: input.messageId } : {}),
    createdAt: input.at,
    updatedAt: input.at,
    version: 1,
  };
}

async function context(clientId: string, ticketId: string, entryId?: string) {
  const { providerId } = staff(clientId);
  const of = await readByKeys([
    primaryKey(Outdesk.entities.ticket, { providerId, clientId, ticketId }),
    primaryKey(Outdesk.entities.client, { providerId, clientId }),
    primaryKey(Outdesk.entities.contract, { providerId, clientId }),
    ...(entryId ? [primaryKey(Outdesk.entities.timeEntry, { providerId, clientId, ticketId, entryId })] : []),
  ]);
  const ticket = Outdesk.entities.ticket.parse(of("ticket")).data[0];
  const client = Outdesk.entities.client.parse(of("client")).data[0];
  if (!ticket || !client) throw NotFound("Ticket");
  const entry = entryId
    ? (Outdesk.entities.timeEntry.parse(of("timeEntry")).data[0] as TimeEntryItem | undefined)
    : undefined;
  if (entryId && !entry) throw NotFound("Time entry");
  const versions = (Outdesk.entities.contract.parse(of("contract")).data[0]?.versions ?? []) as ContractVersion[];
  return { providerId, ticket, client, entry, versions };
}

const lockedMonth = (month: string) =>
  InvalidField(["startedAt"], `${month} is locked for billing: its statement never changes`);

/** A locked billing month takes no more time: its statement was rated without it. */
async function assertOpenMonth(providerId: string, clientId: string, month: string) {
  const { data } = await Outdesk.entities.billingPeriod
    .get({ providerId, clientId, month })
    .go({ attributes: ["month"] });
  if (data) throw lockedMonth(month);
}

function assertBillablePart(billable: number | undefined, minutes: number) {
  if (billable !== undefined && billable > minutes)
    throw InvalidField(["billableMinutes"], `not more than the ${minutes} minutes worked`);
}

function stale(entry: TimeEntryItem) {
  return Conflict("The time entry changed since you read it; reload and retry", { currentVersion: entry.version });
}

export namespace TimeEntries {
  export const Info = TimeEntryInfo;
  export const CreateInput = CreateEntryInput;
  export const UpdateInput = UpdateEntryInput;

  /** Staff serving the client log time on a ticket: a draft until a provider admin approves it. */
  export const create = fn(
    CreateEntryInput.extend({ clientId: z.string().max(64), ticketId: z.string().max(64) }),
    async ({ clientId, ticketId, agentId, ...input }) => {
      const actor = staff(clientId);
      if (agentId && agentId !== actor.id && actor.role !== "provider_admin")
        throw Forbidden("Only provider admins log time for someone else");
      const { providerId, ticket, client } = await context(clientId, ticketId);
      let agent = { id: actor.id, name: actor.name ?? actor.id };
      if (agentId && agentId !== actor.id) {
        const { data: user } = await Outdesk.entities.user.get({ providerId, userId: agentId }).go();
        const serves =
          user &&
          user.status !== "disabled" &&
          (user.role === "provider_admin" || (user.clientIds ?? []).includes(clientId));
        if (!user || !serves) throw InvalidField(["agentId"], "no such agent serving this client");
        agent = { id: user.userId, name: user.name };
      }
      const now = writeTime();
      const startedAt = input.startedAt ? new Date(input.startedAt).toISOString() : undefined;
      if (startedAt && Date.parse(startedAt) > Date.now() + 5 * MINUTE)
        throw InvalidField(["startedAt"], "not in the future");
      const draft = entryDraft({
        ticket: { providerId, clientId, ticketId, key: ticket.key },
        agent,
        minutes: input.minutes,
        timeZone: client.timeZone,
        at: startedAt ? new Date(Date.parse(startedAt) + input.minutes * MINUTE).toISOString() : now,
        workType: input.workType,
      });
      assertBillablePart(input.billableMinutes, input.minutes);
      await assertOpenMonth(providerId, clientId, draft.month);
      const item: TimeEntryItem = {
        ...draft,
        ...(input.billableMinutes !== undefined ? { billableMinutes: input.billableMinutes } : {}),
        billing: input.billing,
        ...(input.note ? { note: input.note } : {}),
        createdAt: now,
        updatedAt: now,
      };
      await Outdesk.entities.timeEntry.create(item).go();
      return toEntryInfo(item);
    },
  );

  /** A draft's author or a provider admin corrects it; an approved entry is reopened first. */
  export const update = fn(
    UpdateEntryInput.extend({
      clientId: z.string().max(64),
      ticketId: z.string().max(64),
      entryId: z.string().max(64),
    }),
    async ({ clientId, ticketId, entryId, version, ...change }) => {
      const actor = staff(clientId);
      const { client, entry } = await context(clientId, ticketId, entryId);
      if (!entry) throw NotFound("Time entry");
      if (actor.role !== "provider_admin" && entry.agentId !== actor.id) throw Forbidden("Only your own time entries");
      if (entry.status !== "draft") throw Conflict("An approved entry is reopened before it changes");
      if (version !== undefined && version !== entry.version) throw stale(entry);
      const startedAt = change.startedAt ? new Date(change.startedAt).toISOString() : entry.startedAt;
      const date = dayIn(client.timeZone, startedAt);
      for (const month of new Set([entry.month, date.slice(0, 7)]))
        await assertOpenMonth(entry.providerId, clientId, month);
      const next: TimeEntryItem = {
        ...entry,
        ...(change.minutes !== undefined ? { minutes: change.minutes } : {}),
        ...(change.billing ? { billing: change.billing } : {}),
        ...(change.workType ? { workType: change.workType } : {}),
        startedAt,
        date,
        month: date.slice(0, 7),
        updatedAt: writeTime(),
        version: entry.version + 1,
      };
      if (change.note === null) delete next.note;
      else if (change.note !== undefined) next.note = change.note;
      if (change.billableMinutes === null) delete next.billableMinutes;
      else if (change.billableMinutes !== undefined) next.billableMinutes = change.billableMinutes;
      assertBillablePart(next.billableMinutes, next.minutes);
      try {
        await Outdesk.entities.timeEntry
          .put(next)
          .where((attr, op) => `${op.eq(attr.version, entry.version)} AND ${op.eq(attr.status, "draft")}`)
          .go();
      } catch (error) {
        if (isConditionFailure(error)) throw stale(entry);
        throw error;
      }
      return toEntryInfo(next);
    },
  );

  const EntryRef = z.object({
    clientId: z.string().max(64),
    ticketId: z.string().max(64),
    entryId: z.string().max(64),
    version: z.number().int().positive().optional(),
  });

  /**
   * Approves a draft or reopens an approved entry (provider admins): the entry and the usage
   * rollups it adds to (or gives back) in one transaction, conditional on the state read.
   */
  async function move(
    { clientId, ticketId, entryId, version }: z.infer<typeof EntryRef>,
    from: TimeEntryItem["status"],
    next: (entry: TimeEntryItem, ctx: Awaited<ReturnType<typeof context>>, now: string) => TimeEntryItem,
  ) {
    staff(clientId);
    assertRole("provider_admin");
    const ctx = await context(clientId, ticketId, entryId);
    const entry = ctx.entry;
    if (!entry) throw NotFound("Time entry");
    if (entry.status !== from)
      throw Conflict(from === "draft" ? "The entry is approved already" : "The entry is a draft already");
    if (version !== undefined && version !== entry.version) throw stale(entry);
    const moved = { ...next(entry, ctx, writeTime()), version: entry.version + 1 };
    const approving = from === "draft";
    // The month's lock is checked in the transaction itself: no lock can slip in between.
    await writeTransaction((services) => [
      step(
        services.billingPeriod
          .check({ providerId: entry.providerId, clientId, month: entry.month })
          .where((attr, op) => op.notExists(attr.month))
          .commit(),
        lockedMonth(entry.month),
      ),
      step(
        services.timeEntry
          .put(moved)
          .where((attr, op) => `${op.eq(attr.version, entry.version)} AND ${op.eq(attr.status, from)}`)
          .commit(),
        stale(entry),
      ),
      ...rollupSteps(services, approving ? moved : entry, ctx.client.timeZone, approving ? 1 : -1),
    ]);
    return toEntryInfo(moved);
  }

  /** Approval rounds the billable minutes by the contract version of the entry's month. */
  export const approve = fn(EntryRef, (input) =>
    move(input, "draft", (entry, { versions }, now) => {
      const rounding = versionFor(versions, entry.month)?.terms.rounding ?? { incrementMinutes: 1, minimumMinutes: 0 };
      return {
        ...entry,
        status: "approved",
        billedMinutes:
          entry.billing === "billable" ? roundedMinutes(entry.billableMinutes ?? entry.minutes, rounding) : 0,
        approvedBy: useTenant().id,
        approvedAt: now,
        updatedAt: now,
      };
    }),
  );

  /** Reopening gives the entry's minutes back to the month's usage. */
  export const reopen = fn(EntryRef, (input) =>
    move(input, "approved", ({ approvedAt: _, approvedBy: __, ...entry }, _ctx, now) => ({
      ...entry,
      status: "draft",
      billedMinutes: 0,
      updatedAt: now,
    })),
  );

  /** A draft is deleted by its author or a provider admin; an approved one is reopened first. */
  export const remove = fn(
    z.object({ clientId: z.string().max(64), ticketId: z.string().max(64), entryId: z.string().max(64) }),
    async ({ clientId, ticketId, entryId }) => {
      const actor = staff(clientId);
      const { providerId, entry } = await context(clientId, ticketId, entryId);
      if (!entry) throw NotFound("Time entry");
      if (actor.role !== "provider_admin" && entry.agentId !== actor.id) throw Forbidden("Only your own time entries");
      if (entry.status !== "draft") throw Conflict("An approved entry is reopened before it is deleted");
      await Outdesk.entities.timeEntry
        .delete({ providerId, clientId, ticketId, entryId })
        .where((attr, op) => op.eq(attr.status, "draft"))
        .go();
    },
  );

  /** A ticket's time entries, oldest first (staff). */
  export const forTicket = fn(
    z.object({ clientId: z.string().max(64), ticketId: z.string().max(64) }),
    async ({ clientId, ticketId }) => {
      const { providerId } = staff(clientId);
      const { data: ticket } = await Outdesk.entities.ticket.get({ providerId, clientId, ticketId }).go();
      if (!ticket) throw NotFound("Ticket");
      const { data } = await Outdesk.entities.timeEntry.query
        .byTicket({ providerId, clientId, ticketId })
        .go({ pages: "all" });
      const items = (data as TimeEntryItem[]).map(toEntryInfo).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
      return { items: await markInvoiced(providerId, items) };
    },
  );

  /**
   * An agent's timesheet for the week starting `week` (a Monday, YYYY-MM-DD): entries across
   * every client, with totals per client and day. Agents read their own; provider admins anyone's.
   * Entries of clients the reader does not serve are left out.
   */
  export const timesheet = fn(
    z.object({
      agentId: z.string().max(64),
      week: z.iso.date().refine((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 1, "a Monday"),
    }),
    async ({ agentId, week }) => {
      const actor = assertRole("provider_admin", "agent");
      if (actor.role !== "provider_admin" && agentId !== actor.id) throw Forbidden("Only your own timesheet");
      const end = new Date(Date.parse(`${week}T00:00:00Z`) + 6 * 86_400_000).toISOString().slice(0, 10);
      const { data } = await Outdesk.entities.timeEntry.query
        .byAgent({ providerId: actor.providerId, agentId })
        .between({ date: week }, { date: `${end}~` })
        .go({ pages: "all" });
      const items = await markInvoiced(
        actor.providerId,
        (data as TimeEntryItem[]).filter((e) => canAccessClient(actor, e.clientId)).map(toEntryInfo),
      );
      const perClient = new Map<
        string,
        { clientId: string; minutes: number; billedMinutes: number; byDay: Record<string, number> }
      >();
      for (const e of items) {
        const row = perClient.get(e.clientId) ?? { clientId: e.clientId, minutes: 0, billedMinutes: 0, byDay: {} };
        perClient.set(e.clientId, row);
        row.minutes += e.minutes;
        row.billedMinutes += e.billedMinutes;
        row.byDay[e.date] = (row.byDay[e.date] ?? 0) + e.minutes;
      }
      return {
        agentId,
        week,
        items,
        clients: [...perClient.values()],
        minutes: items.reduce((sum, e) => sum + e.minutes, 0),
      };
    },
  );
}
