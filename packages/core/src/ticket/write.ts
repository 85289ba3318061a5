import type { EntityItem } from "electrodb";
import { assertClientAccess, type TenantActor } from "../actor";
import { usageOf, usageSteps } from "../billing/usage";
import { writeTime } from "../clock";
import { readByKeys } from "../common/batch";
import { primaryKey } from "../common/keys";
import { type Commit, type Services, type Step, step, writeTransaction } from "../common/transaction";
import { Outdesk } from "../dynamo";
import { Conflict, InvalidField, NotFound } from "../error";
import { createId } from "../id";
import { type PolicySetItem, rollupSteps, Sla, setKey } from "../sla";
import type { ClientEntity } from "../tenancy/client.entity";
import type { UserEntity } from "../tenancy/user.entity";
import { type StatsDelta, type Status, shardOf, statsDelta } from "./lifecycle";
import type { MessageItem, TicketItem } from "./model";

export type ClientItem = EntityItem<ClientEntity>;
export type UserItem = EntityItem<UserEntity>;

/** What a ticket write reads first, in one BatchGetItem. */
export interface WriteContext {
  actor: TenantActor;
  ticket: TicketItem;
  client: ClientItem;
  users: Map<string, UserItem>;
  /** The ticket's mail thread, when the write asked for it (a reply that goes out by mail). */
  mailThread?: { rootId?: string; recent: string[] };
  /** The client's SLA policy set as read with the ticket (null: none); undefined: not read, commitPlan reads it if the clocks need it. */
  slaSet?: PolicySetItem | null;
}

export interface EventDraft {
  field: string;
  from?: unknown;
  to?: unknown;
  reason?: string;
  internal?: boolean;
}

/** A ticket write: attribute changes, audit events, new messages, and anything else in the same transaction. */
export interface Plan {
  set: Partial<Omit<TicketItem, "providerId" | "clientId" | "ticketId" | "version">>;
  remove?: ("category" | "mergedInto" | "requesterName")[];
  events: EventDraft[];
  messages?: Omit<MessageItem, "providerId" | "clientId" | "ticketId">[];
  /** Extra items with what their failed condition means (merge: the target ticket, moved messages). */
  extra?: (services: Services) => Step[];
  /** The SLA sweeper's own writes: the clocks are already in `set`, and nobody worked the ticket. */
  sweep?: true;
}

/** DynamoDB's limit on the items of one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

export function assertTicketVisible(clientId: string): TenantActor {
  return assertClientAccess(clientId, "Ticket");
}

/**
 * Ticket, client and any users the write needs, in one BatchGetItem (strongly consistent: half
 * the units of a TransactGet, and never cancelled by a concurrent transaction; the write's
 * version condition is what protects the ticket). A ticket outside your reach is 404.
 */
export async function loadForWrite(
  clientId: string,
  ticketId: string,
  userIds: string[] = [],
  { mailThread = false } = {},
): Promise<WriteContext> {
  const actor = assertTicketVisible(clientId);
  const { providerId } = actor;
  const ids = [...new Set(userIds)];
  const { entities } = Outdesk;
  const of = await readByKeys([
    primaryKey(entities.ticket, { providerId, clientId, ticketId }),
    primaryKey(entities.client, { providerId, clientId }),
    ...ids.map((userId) => primaryKey(entities.user, { providerId, userId })),
    ...(mailThread ? [primaryKey(entities.mailThread, { providerId, clientId, ticketId })] : []),
    setKey(providerId, clientId),
  ]);
  const ticket = entities.ticket.parse(of("ticket")).data[0] as TicketItem | undefined;
  const client = entities.client.parse(of("client")).data[0] as ClientItem | undefined;
  if (!ticket || !client) throw NotFound("Ticket");
  const users = new Map<string, UserItem>();
  for (const user of entities.user.parse(of("user")).data as UserItem[]) users.set(user.userId, user);
  const thread = mailThread ? entities.mailThread.parse(of("mailThread")).data[0] : undefined;
  const slaSet = (entities.slaPolicySet.parse(of("slaPolicySet")).data[0] as PolicySetItem | undefined) ?? null;
  return { actor, ticket, client, users, slaSet, ...(thread ? { mailThread: thread } : {}) };
}

export function staleTicket(version: number) {
  return Conflict("The ticket changed since you read it; reload and retry", { currentVersion: version });
}

type Placement = Pick<TicketItem, "providerId" | "clientId" | "ticketId" | "status" | "assigneeId">;

/** Counter updates for a placement change: the ticket's client shard, and per-assignee counters. */
export function statsCommits(services: Services, ticket: Placement, delta: StatsDelta): Commit[] {
  const { providerId, clientId } = ticket;
  const commits: Commit[] = [];
  if (Object.keys(delta.client).length > 0) {
    commits.push(
      services.queueStats
        .update({ providerId, clientId, scope: "c", part: shardOf(ticket.ticketId) })
        .add(delta.client)
        .commit() as unknown as Commit,
    );
  }
  for (const [assigneeId, by] of delta.assignees) {
    commits.push(
      services.queueStats
        .update({ providerId, clientId, scope: "a", part: assigneeId })
        .add({ active: by })
        .commit() as unknown as Commit,
    );
  }
  return commits;
}

type Tagged = Pick<TicketItem, "providerId" | "clientId" | "ticketId" | "number" | "status" | "tags">;

/** Tag adjacency items to delete and put when a ticket's tags or status change. */
export function tagCommits(services: Services, before: Tagged | null, after: Tagged): Commit[] {
  const base = { providerId: after.providerId, clientId: after.clientId, number: after.number };
  const old = new Set(before?.tags ?? []);
  const next = new Set(after.tags ?? []);
  const moved = before !== null && before.status !== after.status;
  const commits: Commit[] = [];
  for (const tag of old) {
    if (moved || !next.has(tag)) {
      commits.push(services.ticketTag.delete({ ...base, tag, status: before!.status }).commit() as unknown as Commit);
    }
  }
  for (const tag of next) {
    if (moved || !old.has(tag)) {
      commits.push(
        services.ticketTag
          .put({ ...base, tag, status: after.status, ticketId: after.ticketId })
          .commit() as unknown as Commit,
      );
    }
  }
  return commits;
}

export function eventCommits(
  services: Services,
  ticket: TicketItem,
  actor: TenantActor,
  at: string,
  events: EventDraft[],
) {
  return events.map(
    (event, index) =>
      services.ticketEvent
        .create({
          providerId: ticket.providerId,
          clientId: ticket.clientId,
          ticketId: ticket.ticketId,
          eventId: createId("event"),
          // Same-millisecond events keep their order through a suffix on the sort key time.
          at: index === 0 ? at : `${at}.${String(index).padStart(2, "0")}`,
          actorType: actor.type,
          actorId: actor.id,
          field: event.field,
          from: event.from ?? undefined,
          to: event.to ?? undefined,
          reason: event.reason,
          internal: event.internal || undefined,
        })
        .commit() as unknown as Commit,
  );
}

/** Every attribute the ticket's index keys are built from. */
const COMPOSITES = [
  "providerId",
  "clientId",
  "ticketId",
  "number",
  "createdAt",
  "status",
  "assigneeId",
  "dueAt",
  "priority",
  "tier",
  "requesterEmail",
  "updatedAt",
  "slaNextAt",
  "slaShard",
] as const satisfies readonly (keyof TicketItem)[];

/**
 * The composites ElectroDB needs to rebuild the index keys a patch moves, for the attributes the
 * patch does not set (ElectroDB also checks them against the stored item, which the version
 * condition implies anyway).
 */
export function unchangedComposites(ticket: TicketItem, set: Record<string, unknown>) {
  return Object.fromEntries(COMPOSITES.filter((name) => !(name in set)).map((name) => [name, ticket[name]]));
}

/**
 * The ticket's update in a transaction: only the attributes that changed, so that an index whose
 * key and projected attributes are untouched gets no write.
 */
export function ticketPatch(
  services: Services,
  before: TicketItem,
  after: TicketItem,
  plan: Pick<Plan, "set" | "remove">,
) {
  const key = { providerId: before.providerId, clientId: before.clientId, ticketId: before.ticketId };
  const changed: Record<string, unknown> = Object.fromEntries(
    Object.entries(plan.set).filter(
      ([name, value]) => JSON.stringify(before[name as keyof TicketItem]) !== JSON.stringify(value),
    ),
  );
  const set = { ...changed, updatedAt: after.updatedAt, version: after.version };
  let patch = services.ticket
    .patch(key)
    .set(set)
    .composite(unchangedComposites(before, set) as never);
  if (plan.remove?.length) patch = patch.remove(plan.remove);
  return patch.where((attr, op) => op.eq(attr.version, before.version));
}

/**
 * The plan with the SLA clocks' changes added: attributes of the ticket patch and one event item.
 * The policy set comes from the write's BatchGet; paths that did not read it (bulk, timers) read
 * it here, and only for a measured ticket.
 */
async function withClocks(ctx: WriteContext, plan: Plan, at: string): Promise<Plan> {
  const { ticket } = ctx;
  let set = ctx.slaSet;
  if (set === undefined) {
    if (!ticket.sla) return plan;
    const { data } = await Outdesk.entities.slaPolicySet
      .get({ providerId: ticket.providerId, clientId: ticket.clientId })
      .go();
    set = (data as PolicySetItem | null) ?? null;
  }
  const publicMessages = (plan.messages ?? []).filter((m) => m.visibility === "public");
  const after = { ...ticket, ...plan.set } as TicketItem;
  const clocks = Sla.onWrite({
    set: set ?? undefined,
    before: ticket,
    after,
    at,
    timeZone: ctx.client.timeZone,
    staffReply: publicMessages.some((m) => m.authorType === "agent"),
    requesterMessage: publicMessages.some((m) => m.authorType === "requester" || m.authorType === "client_admin"),
  });
  if (clocks.events.length === 0 && Object.keys(clocks.set).length === 0) return plan;
  const extra = plan.extra;
  return {
    ...plan,
    set: { ...plan.set, ...clocks.set },
    events: [...plan.events, ...clocks.events],
    extra: (services) => [...(extra?.(services) ?? []), ...rollupSteps(services, after, clocks.rollups)],
  };
}

/**
 * Commits a plan as one TransactWriteItems, conditional on the version the write was based on:
 * ticket patch + events + messages + queue counters + tag items (+ extra items). Returns the new ticket.
 */
export async function commitPlan(ctx: WriteContext, plan: Plan, expectedVersion?: number): Promise<TicketItem> {
  const { actor, ticket } = ctx;
  if (expectedVersion !== undefined && expectedVersion !== ticket.version) throw staleTicket(ticket.version);
  const now = writeTime();
  if (!plan.sweep) plan = await withClocks(ctx, plan, now);
  // Metering rides in the same transaction: a ledger item and a rollup update per metered event.
  const usage = plan.sweep
    ? undefined
    : usageOf(ticket, { ...ticket, ...plan.set } as TicketItem, plan.messages ?? [], now, ctx.client.timeZone);
  if (usage?.set.solvedMeteredIn) plan = { ...plan, set: { ...plan.set, ...usage.set } };
  // A sweep (a warning, a breach) is not activity: the queues ordered by last update keep their order.
  const updatedAt = plan.sweep ? ticket.updatedAt : now;
  const after: TicketItem = { ...ticket, ...plan.set, updatedAt, version: ticket.version + 1 };
  for (const key of plan.remove ?? []) delete after[key];
  const key = { providerId: ticket.providerId, clientId: ticket.clientId, ticketId: ticket.ticketId };
  await writeTransaction((services) => {
    const steps: Step[] = [
      step(ticketPatch(services, ticket, after, plan).commit() as unknown as Commit, staleTicket(ticket.version)),
      ...eventCommits(services, ticket, actor, now, plan.events).map((commit) => step(commit)),
      ...(plan.messages ?? []).map((message) =>
        step(services.message.create({ ...key, ...message }).commit() as unknown as Commit),
      ),
      ...statsCommits(
        services,
        ticket,
        statsDelta(
          { status: ticket.status as Status, assigneeId: ticket.assigneeId },
          { status: after.status as Status, assigneeId: after.assigneeId },
        ),
      ).map((commit) => step(commit)),
      ...tagCommits(services, ticket, after).map((commit) => step(commit)),
      ...(plan.extra?.(services) ?? []),
      ...usageSteps(services, after, usage?.records ?? [], ctx.client.timeZone, actor.id),
    ];
    if (steps.length > MAX_TRANSACTION_ITEMS) {
      throw InvalidField(
        ["tags"],
        `this change touches ${steps.length} records; at most ${MAX_TRANSACTION_ITEMS} fit in one step`,
      );
    }
    return steps;
  });
  return after;
}
