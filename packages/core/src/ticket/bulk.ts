import * as z from "zod";
import { canAccessClient, useTenant } from "../actor";
import { readByKeys } from "../common/batch";
import { primaryKey } from "../common/keys";
import { Outdesk } from "../dynamo";
import { Forbidden, InvalidField, NotFound, OutdeskError } from "../error";
import { type PolicySetItem, setKey } from "../sla";
import type { TicketItem } from "./model";
import type { BulkInput, UpdateInput } from "./schema";
import { type ClientItem, commitPlan, type Plan, type UserItem, type WriteContext } from "./write";

export const BulkResult = z
  .object({
    results: z.array(
      z.object({
        ticketId: z.string(),
        ok: z.boolean(),
        version: z.number().nullable().describe("the ticket's version after the change; null for a merge's target"),
        error: z.object({ code: z.string(), message: z.string() }).nullable(),
      }),
    ),
  })
  .meta({ id: "TicketBulkResult" });
export type BulkResult = z.infer<typeof BulkResult>;
type Result = BulkResult["results"][number];

/** What bulk borrows from the single-ticket operations (index.ts), so both apply the same rules. */
export interface BulkOperations {
  planUpdate: (ctx: WriteContext, input: z.output<typeof UpdateInput>) => Plan;
  assertOpenForChanges: (ticket: TicketItem) => void;
  merge: (input: { clientId: string; ticketId: string; targetTicketId: string }) => Promise<{ version: number }>;
}

const failure = (ticketId: string, error: unknown): Result => {
  if (!(error instanceof OutdeskError)) throw error;
  return { ticketId, ok: false, version: null, error: { code: error.code, message: error.message } };
};

/**
 * Up to 100 tickets: one BatchGet reads them all (with their clients, SLA policy sets and the
 * assignee), then one transaction per ticket, so each succeeds or fails on its own and the
 * result says which and why. A ticket outside the actor's clients is not_found, untouched.
 * A merge runs the merge operation once per listed ticket, into `mergeInto`.
 */
export async function bulkUpdate(input: z.output<typeof BulkInput>, ops: BulkOperations): Promise<BulkResult> {
  const actor = useTenant();
  if (actor.role === "client_admin") throw Forbidden("Only the provider's staff can do this");
  const { tickets, mergeInto, reason, tier, ...changes } = input;
  const unique = [...new Map(tickets.map((t) => [t.ticketId, t])).values()];
  if (mergeInto !== undefined) return bulkMerge(unique, mergeInto, ops);
  const { providerId } = actor;
  const visible = unique.filter((t) => canAccessClient(actor, t.clientId));
  const clientIds = [...new Set(visible.map((t) => t.clientId))];
  const { entities } = Outdesk;
  const [ticketRead, of, userRead] = await Promise.all([
    visible.length
      ? entities.ticket.get(visible.map((t) => ({ providerId, ...t }))).go({ consistent: true })
      : Promise.resolve({ data: [] as TicketItem[] }),
    readByKeys(
      clientIds.flatMap((clientId) => [
        primaryKey(entities.client, { providerId, clientId }),
        setKey(providerId, clientId),
      ]),
    ),
    changes.assigneeId
      ? entities.user.get({ providerId, userId: changes.assigneeId }).go()
      : Promise.resolve({ data: null }),
  ]);
  const byId = new Map((ticketRead.data as TicketItem[]).map((t) => [t.ticketId, t]));
  const clients = new Map((entities.client.parse(of("client")).data as ClientItem[]).map((c) => [c.clientId, c]));
  const sets = new Map(
    (entities.slaPolicySet.parse(of("slaPolicySet")).data as PolicySetItem[]).map((set) => [set.clientId, set]),
  );
  const users = new Map<string, UserItem>(userRead.data ? [[userRead.data.userId, userRead.data as UserItem]] : []);
  const results: Result[] = [];
  for (const { ticketId, clientId } of unique) {
    const ticket = byId.get(ticketId);
    const client = clients.get(clientId);
    try {
      if (!ticket || !client || ticket.clientId !== clientId) throw NotFound("Ticket");
      ops.assertOpenForChanges(ticket);
      const ctx: WriteContext = { actor, ticket, client, users, slaSet: sets.get(clientId) ?? null };
      const plan = ops.planUpdate(ctx, changes);
      // The tier is internal work with a reason, as an escalation records it; the same tier is no change.
      if (tier !== undefined && tier !== ticket.tier) {
        plan.set.tier = tier;
        plan.events.push({ field: "tier", from: ticket.tier, to: tier, reason, internal: true });
      }
      const after = plan.events.length ? await commitPlan(ctx, plan) : ticket;
      results.push({ ticketId, ok: true, version: after.version, error: null });
    } catch (error) {
      results.push(failure(ticketId, error));
    }
  }
  return { results };
}

/** Each listed ticket merges into the target; the target, if listed, reports whether any did. */
async function bulkMerge(
  tickets: { clientId: string; ticketId: string }[],
  targetTicketId: string,
  ops: BulkOperations,
): Promise<BulkResult> {
  const results: Result[] = [];
  for (const { clientId, ticketId } of tickets) {
    if (ticketId === targetTicketId) continue;
    try {
      const merged = await ops.merge({ clientId, ticketId, targetTicketId });
      results.push({ ticketId, ok: true, version: merged.version, error: null });
    } catch (error) {
      results.push(failure(ticketId, error));
    }
  }
  if (tickets.some((t) => t.ticketId === targetTicketId)) {
    const merged = results.some((r) => r.ok);
    results.push(
      merged
        ? { ticketId: targetTicketId, ok: true, version: null, error: null }
        : failure(
            targetTicketId,
            results[0]?.error
              ? new OutdeskError(results[0].error.code as OutdeskError["code"], results[0].error.message)
              : InvalidField(["tickets"], "list the tickets to merge besides the target"),
          ),
    );
  }
  return { results };
}
