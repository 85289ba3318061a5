import { createHash } from "node:crypto";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { EntityItem } from "electrodb";
import * as z from "zod";
import { canAccessClient, type TenantActor, useTenant } from "../actor";
import { batchGet, queryPrefix, type RawItem } from "../common/batch";
import { Cursor, type Page } from "../common/cursor";
import { Outdesk } from "../dynamo";
import { Forbidden, InvalidField, NotFound } from "../error";
import { fn } from "../fn";
import { Table } from "../table";
import { Statuses, UNASSIGNED } from "./constants";
import { Identifiers, TicketRowFields } from "./fields";
import { isActive, type Status } from "./lifecycle";
import { type MergeState, mergeStreams, type Stream } from "./merge";
import { type TicketSummary, toTicketSummary } from "./model";
import type { QueueStatsEntity } from "./queue-stats.entity";
import { ListInput, type Sorts } from "./schema";
import { ViewKeys } from "./view-keys";

type Input = z.output<typeof ListInput>;
type StatRow = EntityItem<QueueStatsEntity>;

// Active statuses sort together in the assignee index: new < on_hold < open < pending.
const ACTIVE_RANGE: [string, string] = ["new#", "pending#~"];
const gsi = (name: keyof typeof Table.globalIndexes) => ({ index: name, ...Table.globalIndexes[name] });

export const TicketCounts = z
  .object({
    clients: z.array(
      z.object({
        clientId: z.string(),
        ...Object.fromEntries(Statuses.map((status) => [status, z.number()])),
        unassigned: z.number(),
        mine: z.number().describe("your active tickets at this client (the switcher's count)"),
      }) as z.ZodObject<
        Record<"clientId", z.ZodString> & Record<(typeof Statuses)[number] | "unassigned" | "mine", z.ZodNumber>
      >,
    ),
    mine: z.number().describe("your active tickets at the clients you serve"),
  })
  .meta({ id: "TicketCounts" });
export type TicketCounts = z.infer<typeof TicketCounts>;

/**
 * The counters of the clients the actor serves: one Query per client (its shards and assignee
 * rows), or the provider's whole range for provider-wide actors. The cost follows the clients
 * in view, not the provider's size.
 */
async function readStats(actor: TenantActor): Promise<StatRow[]> {
  const pk = ViewKeys.statsPartition(actor.providerId);
  const prefixes =
    actor.clientIds === "all" ? [ViewKeys.statsSortPrefix()] : actor.clientIds.map(ViewKeys.statsSortPrefix);
  const items = (await Promise.all(prefixes.map((prefix) => queryPrefix(pk, prefix)))).flat();
  return Outdesk.entities.queueStats.parse({ Items: items }).data as StatRow[];
}

/** Client counters summed over their shards, for the clients the actor may see. */
function clientTotals(actor: TenantActor, rows: StatRow[]) {
  const totals = new Map<string, Record<Status | "unassigned", number>>();
  for (const row of rows) {
    if (row.scope !== "c" || !canAccessClient(actor, row.clientId)) continue;
    const sum = totals.get(row.clientId) ?? {
      ...(Object.fromEntries(Statuses.map((s) => [s, 0])) as Record<Status, number>),
      unassigned: 0,
    };
    for (const key of [...Statuses, "unassigned"] as const) sum[key] += row[key] ?? 0;
    totals.set(row.clientId, sum);
  }
  return totals;
}

function mineByClient(actor: TenantActor, rows: StatRow[]) {
  const mine = new Map<string, number>();
  for (const row of rows) {
    if (row.scope === "a" && row.part === actor.id && canAccessClient(actor, row.clientId)) {
      mine.set(row.clientId, (mine.get(row.clientId) ?? 0) + (row.active ?? 0));
    }
  }
  return mine;
}

const FACETS = ["priority", "tier", "tag", "assigneeId"] as const;
type Sort = (typeof Sorts)[number];

/**
 * The orders a view's index holds, its default first. The client and all views read partitions
 * that gsi2 (updatedAt) and gsi4 (dueAt) share, so either order costs the same; the others have one.
 */
function servedSorts(input: Input): Sort[] {
  if (input.view === "requester") return ["created"];
  if (input.view === "mine" || input.view === "unassigned" || input.assigneeId) return ["updated"];
  if (input.priority || input.tier || input.tag) return ["number"];
  return input.view === "client" ? ["updated", "due"] : ["due", "updated"];
}

function sortOf(input: Input): Sort {
  const served = servedSorts(input);
  if (input.sort === undefined) return served[0]!;
  if (served.includes(input.sort)) return input.sort;
  const facet = FACETS.find((f) => input[f] !== undefined);
  throw InvalidField(
    ["sort"],
    `the ${input.view} view${facet ? ` filtered by ${facet}` : ""} is ordered by ${served.join(" or ")}: no index holds it by ${input.sort}`,
  );
}

/** Refuses filter combinations no index serves, naming them (400), before anything is read. */
function checkCombination(input: Input) {
  const given = FACETS.filter((facet) => input[facet] !== undefined);
  if (given.length > 1) {
    throw InvalidField(
      [given[1]!],
      `${given.join(" + ")} cannot be combined: no index serves them together; filter by one of them`,
    );
  }
  const facet = given[0];
  if (!facet) return;
  if (input.view === "mine" || input.view === "unassigned" || input.view === "requester") {
    throw InvalidField([facet], `the ${input.view} view takes no ${facet} filter; use view=client or view=all`);
  }
  if (facet === "tier" && input.tier === "L1") {
    throw InvalidField(["tier"], "only escalated tiers (L2, L3) are indexed; without a tier filter you see every tier");
  }
}

function tagStream(providerId: string, clientId: string, tag: string, status: Status): Stream {
  return {
    id: clientId,
    hashKey: Table.partitionKey,
    rangeKey: Table.sortKey,
    partition: ViewKeys.tag(providerId, clientId, tag, status),
    range: { beginsWith: ViewKeys.tagSortPrefix },
  };
}

/** The streams of one client for a view; `keysOnly` views read the tickets afterwards. */
function clientStreams(input: Input, providerId: string, clientId: string, status: Status | undefined) {
  const s = status ?? "open";
  if (input.view === "requester") {
    return {
      stream: { id: clientId, ...gsi("gsi5"), partition: ViewKeys.requester(providerId, clientId, input.requester!) },
      keysOnly: false,
    };
  }
  if (input.view === "mine" || input.view === "unassigned") {
    return {
      stream: {
        id: clientId,
        ...gsi("gsi3"),
        partition: ViewKeys.assignee(providerId, clientId, input.view === "mine" ? useTenant().id : UNASSIGNED),
        range: status ? { beginsWith: `${status}#` } : { between: ACTIVE_RANGE },
      },
      keysOnly: false,
    };
  }
  if (input.assigneeId) {
    return {
      stream: {
        id: clientId,
        ...gsi("gsi3"),
        partition: ViewKeys.assignee(providerId, clientId, input.assigneeId),
        range: { beginsWith: `${s}#` },
      },
      keysOnly: false,
    };
  }
  if (input.priority) {
    return {
      stream: { id: clientId, ...gsi("gsi6"), partition: ViewKeys.priority(providerId, clientId, s, input.priority) },
      keysOnly: true,
    };
  }
  if (input.tier) {
    return {
      stream: { id: clientId, ...gsi("gsi7"), partition: ViewKeys.tier(providerId, clientId, s, input.tier) },
      keysOnly: true,
    };
  }
  if (input.tag) return { stream: tagStream(providerId, clientId, input.tag, s), keysOnly: true };
  const index = sortOf(input) === "updated" ? gsi("gsi2") : gsi("gsi4");
  return {
    stream: { id: clientId, ...index, partition: ViewKeys.clientStatus(providerId, clientId, s) },
    keysOnly: false,
  };
}

/** The ticket's own key for an item of a keys-only view. */
function ticketKey(providerId: string, item: RawItem): RawItem {
  const pk = item.t?.S && item.c?.S ? ViewKeys.ticket(providerId, item.c.S, item.t.S) : item[Table.partitionKey]!.S!;
  return { [Table.partitionKey]: { S: pk }, [Table.sortKey]: { S: ViewKeys.ticketSort } };
}

/** What a keys-only view reads of each ticket: the queue row, as the projected views hold it. */
const rowFields = TicketRowFields.filter((name) => name !== Identifiers.entity && name !== Identifiers.version);

/** Sealed cursors live an hour; a page kept on 304s is re-sent after this, with a fresh one. */
const CURSOR_REUSE_MS = 20 * 60 * 1000;

/** A strong entity tag for a value: its JSON hashed (the same value always gives the same tag). */
export function entityTag(value: unknown): string {
  return `"${createHash("sha256").update(JSON.stringify(value)).digest("base64url").slice(0, 27)}"`;
}

const CursorState = z.object({
  after: z.object({ s: z.string(), c: z.string() }).nullable(),
  done: z.array(z.string()).max(200),
});

/** A sealed cursor of this layout; one from another query, tenant or an older layout is a 400. */
async function openCursor(token: string, binding: string): Promise<MergeState> {
  const parsed = CursorState.safeParse(JSON.parse(await Cursor.open(token, binding)));
  if (!parsed.success) throw Cursor.invalid();
  return parsed.data;
}

/**
 * The views agents work from (the access-pattern table in the README):
 * - client: one client's queue by status (gsi2), oldest or newest updated first
 * - mine / unassigned: active tickets of the clients you serve (gsi3, one partition per client)
 * - all: by status across the clients you serve, SLA due time first (gsi4, per client, merged)
 * - requester: one person's tickets at one client (gsi5), newest first
 * - assigneeId filter: gsi3; priority: gsi6; tier (L2, L3): gsi7; tag: tag items — the last
 *   three are keys-only, ordered by ticket number, and read the page's tickets in one BatchGet.
 * Views over several clients read one partition per client that has tickets there (known from
 * the counters) and merge them by sort key: a full page costs about the page plus a little per
 * client, never the tickets outside the view.
 */
export namespace Queue {
  /**
   * A page of a view and its entity tag: a hash of what the page shows and where it continues
   * (the cursor's position, not its sealing, which differs every time), so an unchanged view
   * answers 304. The tag also turns over every CURSOR_REUSE_MS: a body kept on a 304 never
   * holds a cursor older than its hour of validity.
   */
  export const view = fn(ListInput, async (input): Promise<{ page: Page<TicketSummary>; etag: string }> => {
    const actor = useTenant();
    const { providerId } = actor;
    const staff = actor.role !== "client_admin";
    checkCombination(input);
    sortOf(input);
    if ((input.view === "mine" || input.view === "unassigned") && !staff) {
      throw Forbidden("This view is for the provider's staff");
    }
    if (input.tier !== undefined && !staff) throw Forbidden("The support tier is internal to the provider's staff");
    if (input.view === "client" && !input.clientId)
      throw InvalidField(["clientId"], "the client view needs a clientId");
    if (input.view === "requester" && (!input.clientId || !input.requester)) {
      throw InvalidField(["requester"], "the requester view needs clientId and requester");
    }
    if (input.clientId && !canAccessClient(actor, input.clientId)) throw NotFound("Client");
    const status = input.status;
    const binding = Cursor.binding(providerId, "ticket.list.v2", {
      ...{ ...input, cursor: undefined, limit: undefined },
      actor: actor.id,
    });
    const state = input.cursor ? await openCursor(input.cursor, binding) : null;

    // Which clients the view spans: one, or those of the actor's clients that have such tickets.
    let clientIds: string[];
    if (input.clientId) clientIds = [input.clientId];
    else {
      const rows = await readStats(actor);
      const totals = clientTotals(actor, rows);
      const s = status ?? "open";
      const has = (id: string) => (totals.get(id)?.[s] ?? 0) > 0;
      if (input.view === "mine" && (!status || isActive(status))) {
        clientIds = [...mineByClient(actor, rows)].filter(([, n]) => n > 0).map(([id]) => id);
      } else if (input.view === "unassigned" && !status) {
        clientIds = [...totals].filter(([, t]) => t.unassigned > 0).map(([id]) => id);
      } else clientIds = [...totals.keys()].filter(has);
    }
    const built = clientIds.sort().map((clientId) => clientStreams(input, providerId, clientId, status));
    const keysOnly = built[0]?.keysOnly ?? false;
    const order = input.order ?? (input.view === "requester" ? "newest" : "oldest");
    const page = await mergeStreams(
      built.map((b) => b.stream),
      { limit: input.limit, forward: order === "oldest", state },
    );
    const rows = keysOnly
      ? await batchGet(
          page.items.map((item) => ticketKey(providerId, item)),
          { projection: rowFields },
        )
      : page.items;
    const next: MergeState | null = page.next ? { after: page.next.after, done: page.next.done.slice(0, 200) } : null;
    const items = rows.map((row) => toTicketSummary(unmarshall(row), { staff }));
    const period = Math.floor(Date.now() / CURSOR_REUSE_MS);
    return {
      page: { items, cursor: next ? await Cursor.seal(JSON.stringify(next), binding) : null },
      etag: entityTag([binding, period, items, next]),
    };
  });

  /** Counts for the sidebar: every counter of the provider in one Query, cut to what you may see. */
  export async function counts(): Promise<TicketCounts> {
    const actor = useTenant();
    const rows = await readStats(actor);
    const mineAt = mineByClient(actor, rows);
    const clients = [...clientTotals(actor, rows)].map(([clientId, totals]) => ({
      clientId,
      ...(Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, Math.max(0, v)])) as Record<
        Status | "unassigned",
        number
      >),
      mine: Math.max(0, mineAt.get(clientId) ?? 0),
    }));
    const mine = [...mineAt.values()].reduce((sum, n) => sum + n, 0);
    return { clients, mine: Math.max(0, mine) };
  }
}
