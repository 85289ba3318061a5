import type { EntityItem } from "electrodb";
import { assertClientAccess, type TenantActor } from "../actor";
import { ensureCommitted, step } from "../common/transaction";
import { Outdesk } from "../dynamo";
import { Conflict, NotFound, type OutdeskError } from "../error";
import { createId } from "../id";
import type { ClientEntity } from "../tenancy/client.entity";
import type { UserEntity } from "../tenancy/user.entity";
import { type StatsDelta, type Status, statsDelta } from "./lifecycle";
import type { MessageItem, TicketItem } from "./model";

export type ClientItem = EntityItem<typeof ClientEntity>;
export type UserItem = EntityItem<typeof UserEntity>;

/** What a ticket write reads first, in one TransactGetItems. */
export interface WriteContext {
  actor: TenantActor;
  ticket: TicketItem;
  client: ClientItem;
  users: Map<string, UserItem>;
}

export interface EventDraft {
  field: string;
  from?: unknown;
  to?: unknown;
  reason?: string;
  internal?: boolean;
}

type Services = Parameters<Parameters<typeof Outdesk.transaction.write>[0]>[0];
type Commit = ReturnType<ReturnType<Services["ticket"]["create"]>["commit"]>;

/** A ticket write: attribute changes, audit events, new messages, and anything else in the same transaction. */
export interface Plan {
  set: Partial<Omit<TicketItem, "providerId" | "clientId" | "ticketId" | "version">>;
  remove?: ("category" | "mergedInto")[];
  events: EventDraft[];
  messages?: Omit<MessageItem, "providerId" | "clientId" | "ticketId">[];
  /** Extra items with what their failed condition means (merge: the target ticket, moved messages). */
  extra?: (services: Services) => { commit: Commit; conflict?: OutdeskError }[];
}

export function assertTicketVisible(clientId: string): TenantActor {
  return assertClientAccess(clientId, "Ticket");
}

/** Ticket, client and any users the write needs, in one request. A ticket outside your reach is 404. */
export async function loadForWrite(clientId: string, ticketId: string, userIds: string[] = []): Promise<WriteContext> {
  const actor = assertTicketVisible(clientId);
  const { providerId } = actor;
  const ids = [...new Set(userIds)];
  const { data } = await Outdesk.transaction
    .get(({ ticket, client, user }) => [
      ticket.get({ providerId, clientId, ticketId }).commit(),
      client.get({ providerId, clientId }).commit(),
      ...ids.map((userId) => user.get({ providerId, userId }).commit()),
    ])
    .go();
  const ticket = data[0]?.item as TicketItem | null;
  const client = data[1]?.item as ClientItem | null;
  if (!ticket || !client) throw NotFound("Ticket");
  const users = new Map<string, UserItem>();
  ids.forEach((id, index) => {
    const user = data[index + 2]?.item as UserItem | null;
    if (user) users.set(id, user);
  });
  return { actor, ticket, client, users };
}

export function staleTicket(version: number) {
  return Conflict("The ticket changed since you read it; reload and retry", { currentVersion: version });
}

/** Adds counter updates for a placement change to a transaction. */
export function statsCommits(services: Services, providerId: string, clientId: string, delta: StatsDelta): Commit[] {
  const commits: Commit[] = [];
  if (Object.keys(delta.client).length > 0) {
    commits.push(
      services.queueStats
        .update({ providerId, scope: "client", scopeId: clientId })
        .add(delta.client)
        .commit() as unknown as Commit,
    );
  }
  for (const [assigneeId, by] of delta.assignees) {
    commits.push(
      services.queueStats
        .update({ providerId, scope: "assignee", scopeId: assigneeId })
        .add({ active: by })
        .commit() as unknown as Commit,
    );
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
          from: event.from ?? null,
          to: event.to ?? null,
          reason: event.reason,
          internal: event.internal ?? false,
        })
        .commit() as unknown as Commit,
  );
}

/**
 * Commits a plan as one TransactWriteItems, conditional on the version the write was based on:
 * ticket patch + events + messages + queue counters (+ extra items). Returns the new ticket.
 */
export async function commitPlan(ctx: WriteContext, plan: Plan, expectedVersion?: number): Promise<TicketItem> {
  const { actor, ticket } = ctx;
  if (expectedVersion !== undefined && expectedVersion !== ticket.version) throw staleTicket(ticket.version);
  const now = new Date().toISOString();
  const after: TicketItem = { ...ticket, ...plan.set, updatedAt: now, version: ticket.version + 1 };
  for (const key of plan.remove ?? []) delete after[key];
  const key = { providerId: ticket.providerId, clientId: ticket.clientId, ticketId: ticket.ticketId };
  let explain: (OutdeskError | undefined)[] = [];
  const result = await Outdesk.transaction
    .write((services) => {
      let patch = services.ticket.patch(key).set({
        ...plan.set,
        // Every GSI composite is written on every update, so ElectroDB can rebuild all index keys.
        status: after.status,
        assigneeId: after.assigneeId,
        dueAt: after.dueAt,
        updatedAt: now,
        version: after.version,
      });
      if (plan.remove?.length) patch = patch.remove(plan.remove);
      const steps = [
        step(
          patch.where((attr, op) => op.eq(attr.version, ticket.version)).commit() as unknown as Commit,
          staleTicket(ticket.version),
        ),
        ...eventCommits(services, ticket, actor, now, plan.events).map((commit) => step(commit)),
        ...(plan.messages ?? []).map((message) =>
          step(services.message.create({ ...key, ...message }).commit() as unknown as Commit),
        ),
        ...statsCommits(
          services,
          ticket.providerId,
          ticket.clientId,
          statsDelta(
            { status: ticket.status as Status, assigneeId: ticket.assigneeId },
            { status: after.status as Status, assigneeId: after.assigneeId },
          ),
        ).map((commit) => step(commit)),
        ...(plan.extra?.(services) ?? []).map((extra) => step(extra.commit, extra.conflict)),
      ];
      explain = steps.map((s) => s.conflict);
      return steps.map((s) => s.commit);
    })
    .go();
  ensureCommitted(result, explain);
  return after;
}
