import { Dynamo } from "@outdesk/core/dynamo";
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus, type Persona } from "../../../../test/api";
import { createClient, inviteAndAccept, signup } from "../../../../test/world";

/**
 * Views at a shape where filters used to walk empty pages: one big client, one small one, an
 * agent serving only the small one. Every view must return full pages (or the end) at a cost
 * that follows the page, never the tickets outside the view.
 */
let admin: Persona;
let smallAgent: Persona & { userId: string; refreshToken: string };
let big: string;
let small: string;
const BIG = 40;
const SMALL = 6;
const LIMIT = 5;
const created: { id: string; clientId: string; number: number; priority: string }[] = [];

interface Page {
  items: { id: string }[];
  cursor: string | null;
}

interface Walk {
  ids: string[];
  pages: number;
  requests: number[];
  readUnits: number[];
  sizes: number[];
}

/** Follows a view's cursors to the end, recording what each page cost. */
async function walk(persona: Persona, query: string): Promise<Walk> {
  const result: Walk = { ids: [], pages: 0, requests: [], readUnits: [], sizes: [] };
  let cursor: string | null = null;
  do {
    const url: string = `/v1/tickets?${query}&limit=${LIMIT}${cursor ? `&cursor=${cursor}` : ""}`;
    const { result: reply, requests, readUnits } = await Dynamo.measure(() => call<Page>(persona, "GET", url));
    expectStatus(reply, 200);
    result.pages++;
    result.requests.push(requests);
    result.readUnits.push(readUnits);
    result.sizes.push(reply.body.items.length);
    result.ids.push(...reply.body.items.map((t) => t.id));
    cursor = reply.body.cursor;
    if (result.pages > 100) throw new Error("runaway paging");
  } while (cursor);
  return result;
}

/** Full pages, then at most one partial page, and never an empty one. */
function expectFullPages(walk: Walk, matches: number) {
  expect(walk.pages).toBe(Math.max(1, Math.ceil(matches / LIMIT)));
  expect(walk.ids).toHaveLength(matches);
  expect(new Set(walk.ids).size).toBe(matches);
  for (const size of walk.sizes.slice(0, -1)) expect(size).toBe(LIMIT);
}

async function create(clientId: string, i: number, extra: Record<string, unknown> = {}) {
  const priority = i % 4 === 0 ? "urgent" : "normal";
  const reply = expectStatus(
    await call(admin, "POST", "/v1/tickets", {
      clientId,
      subject: `Ticket ${i}`,
      body: "body",
      requester: { email: `r${i % 3}@customer.example` },
      priority,
      ...extra,
    }),
    201,
  );
  created.push({ id: reply.body.id, clientId, number: reply.body.number, priority });
  return reply.body.id as string;
}

beforeAll(async () => {
  admin = await signup("views-scale");
  big = await createClient(admin, "bigco");
  small = await createClient(admin, "smallco");
  smallAgent = await inviteAndAccept(admin, { email: "small@agents.example", role: "agent", clientIds: [small] });
  for (let i = 0; i < BIG; i++) await create(big, i, i % 10 === 0 ? { tags: ["vip"] } : {});
  for (let i = 0; i < SMALL; i++) await create(small, i);
}, 120_000);

describe("ticket views at scale", () => {
  it("serves a priority filter on the big client in full pages: query + one BatchGet each", async () => {
    const urgent = created.filter((t) => t.clientId === big && t.priority === "urgent");
    const result = await walk(admin, `view=client&clientId=${big}&status=new&priority=urgent`);
    expectFullPages(result, urgent.length);
    expect(result.ids).toEqual(urgent.map((t) => t.id));
    expect(result.requests.every((n) => n === 2)).toBe(true);
  });

  it("walks Unassigned for an agent of the small client without touching the big one", async () => {
    const result = await walk(smallAgent, "view=unassigned");
    expectFullPages(result, SMALL);
    // the counters, then one Query of the small client's partition
    expect(result.requests).toEqual([2, 2]);
  });

  it("merges view=all across clients in SLA-due order, each page full, nothing twice", async () => {
    const result = await walk(admin, "view=all&status=new");
    expectFullPages(result, BIG + SMALL);
    // No SLA due times yet: due order falls back to the ticket number, ties by client.
    const expected = [...created]
      .sort((a, b) => a.number - b.number || (`${a.clientId}` < `${b.clientId}` ? -1 : 1))
      .map((t) => t.id);
    expect(result.ids).toEqual(expected);
    const newest = await walk(admin, "view=all&status=new&order=newest");
    expect(newest.ids).toEqual([...expected].reverse());
  });

  it("reads about what a page returns, not what the view skips", async () => {
    const filtered = await walk(admin, `view=client&clientId=${big}&status=new&priority=urgent`);
    const plain = await walk(admin, `view=client&clientId=${big}&status=new`);
    // A full keys-only page plus its tickets, and a full projected page, each cost a few units.
    expect(Math.max(...filtered.readUnits)).toBeLessThanOrEqual(4);
    expect(Math.max(...plain.readUnits)).toBeLessThanOrEqual(2);
  });

  it("serves tag views through tag items that follow the ticket's status", async () => {
    const vip = created.filter((t, i) => t.clientId === big && i % 10 === 0);
    expectFullPages(await walk(admin, `view=client&clientId=${big}&status=new&tag=vip`), vip.length);
    const moved = vip[0]!;
    expectStatus(await call(admin, "PATCH", `/v1/clients/${big}/tickets/${moved.id}`, { status: "pending" }), 200);
    expect((await walk(admin, `view=client&clientId=${big}&status=new&tag=vip`)).ids).not.toContain(moved.id);
    expect((await walk(admin, `view=client&clientId=${big}&status=pending&tag=vip`)).ids).toEqual([moved.id]);
    expectStatus(
      await call(admin, "PATCH", `/v1/clients/${big}/tickets/${moved.id}`, { removeTags: ["vip"], status: "open" }),
      200,
    );
    expect((await walk(admin, `view=client&clientId=${big}&status=open&tag=vip`)).ids).toEqual([]);
    expect((await walk(admin, `view=client&clientId=${big}&status=pending&tag=vip`)).ids).toEqual([]);
  });

  it("serves escalated tiers through a sparse index", async () => {
    const ticket = created.find((t) => t.clientId === small)!;
    expectStatus(
      await call(admin, "POST", `/v1/clients/${small}/tickets/${ticket.id}/escalate`, {
        tier: "L2",
        reason: "needs L2",
      }),
      200,
    );
    expect((await walk(admin, "view=all&status=new&tier=L2")).ids).toEqual([ticket.id]);
    expect((await walk(admin, "view=all&status=new&tier=L3")).ids).toEqual([]);
    expectStatus(
      await call(admin, "POST", `/v1/clients/${small}/tickets/${ticket.id}/escalate`, { tier: "L1", reason: "back" }),
      200,
    );
    expect((await walk(admin, "view=all&status=new&tier=L2")).ids).toEqual([]);
  });

  it("keeps mine to the clients the agent still serves, in list and count", async () => {
    const agent = await inviteAndAccept(admin, {
      email: "both@agents.example",
      role: "agent",
      clientIds: [big, small],
    });
    const [inBig, inSmall] = [created.find((t) => t.clientId === big)!, created.find((t) => t.clientId === small)!];
    for (const t of [inBig, inSmall]) {
      expectStatus(
        await call(admin, "PATCH", `/v1/clients/${t.clientId}/tickets/${t.id}`, { assigneeId: agent.userId }),
        200,
      );
    }
    expect((await walk(agent, "view=mine")).ids.sort()).toEqual([inBig.id, inSmall.id].sort());
    expectStatus(await call(admin, "PATCH", `/v1/users/${agent.userId}`, { clientIds: [small] }), 200);
    const refreshed = expectStatus(
      await call(undefined, "POST", "/v1/auth/refresh", { refreshToken: agent.refreshToken }),
      200,
    );
    const now = { name: agent.name, token: refreshed.body.accessToken };
    expect((await walk(now, "view=mine")).ids).toEqual([inSmall.id]);
    expect((await call(now, "GET", `/v1/tickets?view=mine&clientId=${big}`)).status).toBe(404);
    expect((await call(now, "GET", "/v1/tickets/counts")).body.mine).toBe(1);
  });

  it("refuses filters no index serves together, naming them", async () => {
    const both = await call(admin, "GET", `/v1/tickets?view=client&clientId=${big}&priority=urgent&tier=L2`);
    expect(both.status).toBe(400);
    expect(both.body.issues[0].message).toContain("priority + tier");
    const mine = await call(smallAgent, "GET", "/v1/tickets?view=unassigned&priority=urgent");
    expect(mine.status).toBe(400);
    expect(mine.body.issues[0].path).toEqual(["priority"]);
    expect((await call(admin, "GET", "/v1/tickets?view=all&tier=L1")).status).toBe(400);
  });

  it("answers a cursor of another layout or query with 400, not 500", async () => {
    const first = await call(admin, "GET", `/v1/tickets?view=client&clientId=${big}&status=new&limit=2`);
    const other = await call(admin, "GET", `/v1/tickets?view=all&status=new&cursor=${first.body.cursor}`);
    expect(other.status).toBe(400);
    expect(other.body.code).toBe("invalid_cursor");
    // A cursor of the old layout was ElectroDB's position, sealed under another binding.
    const legacy = await call(admin, "GET", `/v1/tickets?view=all&status=new&cursor=${"A".repeat(120)}`);
    expect(legacy.status).toBe(400);
    expect(legacy.body.code).toBe("invalid_cursor");
  });
});
