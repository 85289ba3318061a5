import { z } from "zod";
import { type TenantActor, useTenant } from "../actor";
import { Cursor, paginate } from "../common/cursor";
import { Outdesk } from "../dynamo";
import { Forbidden, InvalidField, NotFound } from "../error";
import { fn } from "../fn";
import { type TicketItem, toTicketInfo } from "./model";
import { ListInput } from "./schema";
import { Statuses, UNASSIGNED } from "./ticket.entity";

type Input = z.output<typeof ListInput>;
type Attr = Parameters<Parameters<ReturnType<typeof Outdesk.entities.ticket.query.byClientStatus>["where"]>[0]>[0];
type Op = Parameters<Parameters<ReturnType<typeof Outdesk.entities.ticket.query.byClientStatus>["where"]>[0]>[1];

/** The secondary filters of a view, applied inside the same Query (one request per page). */
function filters(actor: TenantActor, input: Input, restrictClients: boolean) {
  return (attr: Attr, op: Op) => {
    const parts: string[] = [];
    if (input.priority) parts.push(op.eq(attr.priority, input.priority));
    if (input.tier) parts.push(op.eq(attr.tier, input.tier));
    if (input.tag) parts.push(op.contains(attr.tags, input.tag));
    if (input.assigneeId) parts.push(op.eq(attr.assigneeId, input.assigneeId));
    if (input.view !== "client" && input.clientId) parts.push(op.eq(attr.clientId, input.clientId));
    if (restrictClients && actor.clientIds !== "all") {
      const ids = actor.clientIds.length ? actor.clientIds : ["-"];
      parts.push(`(${ids.map((id) => op.eq(attr.clientId, id)).join(" OR ")})`);
    }
    return parts.join(" AND ");
  };
}

// Active statuses sort between these bounds in the assignee index (new < on_hold < open < pending).
const ACTIVE_FROM = { status: "new" } as const;
const ACTIVE_TO = { status: "pending", updatedAt: "~" } as const;

export const TicketCounts = z
  .object({
    clients: z.array(
      z.object({
        clientId: z.string(),
        ...Object.fromEntries(Statuses.map((status) => [status, z.number()])),
        unassigned: z.number(),
      }) as z.ZodObject<
        Record<"clientId", z.ZodString> & Record<(typeof Statuses)[number] | "unassigned", z.ZodNumber>
      >,
    ),
    mine: z.number().describe("your active tickets"),
  })
  .meta({ id: "TicketCounts" });
export type TicketCounts = z.infer<typeof TicketCounts>;

/**
 * The views agents work from. Each runs ONE Query on the index that serves it:
 * - client: one client's queue by status (gsi1), oldest or newest first
 * - mine: the caller's tickets (gsi2), active ones unless a status is given
 * - unassigned: active unassigned tickets of the clients you serve (gsi2)
 * - all: provider-wide by status across the clients you serve (gsi3, SLA due time first)
 * - requester: one person's tickets at one client (gsi4), newest first
 */
export namespace Queue {
  export const list = fn(ListInput, async (input) => {
    const actor = useTenant();
    const { providerId } = actor;
    const staff = actor.role !== "client_admin";
    const order = (input.order ?? (input.view === "requester" ? "newest" : "oldest")) === "newest" ? "desc" : "asc";
    const status = input.status;
    const query = Outdesk.entities.ticket.query;
    const run = (position: string | null) => {
      const options = { cursor: position, limit: input.limit, order } as const;
      switch (input.view) {
        case "client": {
          if (!input.clientId) throw InvalidField(["clientId"], "the client view needs a clientId");
          if (actor.clientIds !== "all" && !actor.clientIds.includes(input.clientId)) throw NotFound("Client");
          return query
            .byClientStatus({ providerId, clientId: input.clientId, status: status ?? "open" })
            .where(filters(actor, input, false))
            .go(options);
        }
        case "requester": {
          if (!input.clientId || !input.requester) {
            throw InvalidField(["requester"], "the requester view needs clientId and requester");
          }
          if (actor.clientIds !== "all" && !actor.clientIds.includes(input.clientId)) throw NotFound("Client");
          return query
            .byRequester({ providerId, clientId: input.clientId, requesterEmail: input.requester })
            .where(filters(actor, { ...input, view: "client" }, false))
            .go(options);
        }
        case "mine":
        case "unassigned": {
          if (!staff) throw Forbidden("This view is for the provider's staff");
          const assigneeId = input.view === "mine" ? actor.id : UNASSIGNED;
          const base = query.byAssignee({ providerId, assigneeId });
          const ranged = status
            ? query.byAssignee({ providerId, assigneeId, status })
            : base.between(ACTIVE_FROM, ACTIVE_TO);
          return ranged.where(filters(actor, input, input.view === "unassigned")).go(options);
        }
        default:
          return query
            .byProviderStatus({ providerId, status: status ?? "open" })
            .where(filters(actor, input, true))
            .go(options);
      }
    };
    const { cursor: _cursor, limit: _limit, ...params } = input;
    return paginate<TicketItem, ReturnType<typeof toTicketInfo>>(run, {
      cursor: input.cursor,
      binding: Cursor.binding(providerId, "ticket.list", { ...params, actor: actor.id }),
      map: toTicketInfo,
    });
  });

  /** Counts for the sidebar: every counter of the provider in one Query, cut to what you may see. */
  export async function counts(): Promise<TicketCounts> {
    const actor = useTenant();
    const { data } = await Outdesk.entities.queueStats.query
      .byScope({ providerId: actor.providerId })
      .go({ pages: "all" });
    const visible = (clientId: string) => actor.clientIds === "all" || actor.clientIds.includes(clientId);
    const clients = data
      .filter((row) => row.scope === "client" && visible(row.scopeId))
      .map((row) => ({
        clientId: row.scopeId,
        ...(Object.fromEntries(Statuses.map((status) => [status, Math.max(0, row[status] ?? 0)])) as Record<
          (typeof Statuses)[number],
          number
        >),
        unassigned: Math.max(0, row.unassigned ?? 0),
      }));
    const mine = data.find((row) => row.scope === "assignee" && row.scopeId === actor.id)?.active ?? 0;
    return { clients, mine: Math.max(0, mine) };
  }
}
