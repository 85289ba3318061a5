import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus, type Persona } from "../../../../test/api";
import { buildWorld, createTicket, type World } from "../../../../test/world";
import { type Sort, servedSorts } from "../../../web/src/queue-sorts";

/** The queue screen's API: bulk changes and merges, conditional views and counts, sort orders. */
let world: World;
let admin: Persona;
let agent: Persona;
let outsider: Persona;
const path = (clientId: string, ticketId: string, rest = "") => `/v1/clients/${clientId}/tickets/${ticketId}${rest}`;
const ticketOf = async (persona: Persona, clientId: string, ticketId: string) =>
  expectStatus(await call(persona, "GET", path(clientId, ticketId)), 200).body.ticket;

beforeAll(async () => {
  world = await buildWorld();
  ({ adminA: admin, agentA1: agent, adminB: outsider } = world.personas);
});

interface BulkReply {
  results: { ticketId: string; ok: boolean; version: number | null; error: { code: string; message: string } | null }[];
}

describe("bulk changes", () => {
  it("sets priority, tier (with its reason) and tags on each ticket, in its own transaction", async () => {
    const a1 = world.ids.clientA1;
    const ids = [
      await createTicket(admin, a1, "Bulk A", { tags: ["keep", "old"] }),
      await createTicket(admin, a1, "Bulk B"),
    ];
    const reply = expectStatus(
      await call<BulkReply>(admin, "POST", "/v1/tickets/bulk", {
        tickets: ids.map((ticketId) => ({ clientId: a1, ticketId })),
        status: "open",
        priority: "urgent",
        tier: "L2",
        reason: "needs the network team",
        addTags: ["Outage"],
        removeTags: ["old"],
      }),
      200,
    );
    expect(reply.body.results.map((r) => [r.ok, r.version])).toEqual([
      [true, 2],
      [true, 2],
    ]);
    const [first, second] = await Promise.all(ids.map((id) => ticketOf(admin, a1, id)));
    expect(first).toMatchObject({ status: "open", priority: "urgent", tier: "L2", tags: ["keep", "outage"] });
    expect(second).toMatchObject({ status: "open", priority: "urgent", tier: "L2", tags: ["outage"] });
    // One transaction per ticket: one version step for all of it, and the tier's reason in the trail.
    const trail = expectStatus(await call(admin, "GET", path(a1, ids[0]!)), 200).body.events;
    expect(trail.find((e: { field: string }) => e.field === "tier")).toMatchObject({
      from: "L1",
      to: "L2",
      reason: "needs the network team",
    });
    // The indexes moved with it: the tag and tier views find both.
    const tagged = expectStatus(
      await call(admin, "GET", `/v1/tickets?view=client&clientId=${a1}&status=open&tag=outage`),
      200,
    );
    expect(tagged.body.items.map((t: { id: string }) => t.id).sort()).toEqual([...ids].sort());
    const tiered = expectStatus(
      await call(admin, "GET", `/v1/tickets?view=client&clientId=${a1}&status=open&tier=L2`),
      200,
    );
    expect(tiered.body.items.map((t: { id: string }) => t.id)).toEqual(expect.arrayContaining(ids));
  });

  it("answers each ticket apart: an illegal move fails with why, the others go through", async () => {
    const a1 = world.ids.clientA1;
    const fine = await createTicket(admin, a1, "Fine");
    const closed = await createTicket(admin, a1, "Closed");
    expectStatus(await call(admin, "PATCH", path(a1, closed), { status: "solved" }), 200);
    expectStatus(await call(admin, "PATCH", path(a1, closed), { status: "closed" }), 200);
    const reply = expectStatus(
      await call<BulkReply>(admin, "POST", "/v1/tickets/bulk", {
        tickets: [
          { clientId: a1, ticketId: fine },
          { clientId: a1, ticketId: closed },
        ],
        status: "pending",
        addTags: ["waiting"],
      }),
      200,
    );
    expect(reply.body.results[0]).toMatchObject({ ticketId: fine, ok: true, error: null });
    expect(reply.body.results[1]).toMatchObject({
      ticketId: closed,
      ok: false,
      version: null,
      error: { code: "conflict" },
    });
    expect((await ticketOf(admin, a1, closed)).tags).toEqual([]);
  });

  it("refuses bad input with 400 naming the field", async () => {
    const tickets = [{ clientId: world.ids.clientA1, ticketId: world.ids.ticketA1 }];
    const cases: [Record<string, unknown>, string][] = [
      [{ tickets }, "status"],
      [{ tickets, tier: "L3" }, "reason"],
      [{ tickets, priority: "sky-high" }, "priority"],
      [{ tickets, addTags: ["not a tag!"] }, "addTags"],
      [{ tickets, addTags: ["x"], removeTags: ["x"] }, "removeTags"],
      [{ tickets, mergeInto: world.ids.ticketA1, status: "open" }, "status"],
      [{ tickets: [], status: "open" }, "tickets"],
    ];
    for (const [body, field] of cases) {
      const reply = await call(admin, "POST", "/v1/tickets/bulk", body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.issues[0].path[0], JSON.stringify(body)).toBe(field);
    }
  });

  it("another provider's ticket ids come back not_found, and nothing changes", async () => {
    const before = await ticketOf(admin, world.ids.clientA1, world.ids.ticketA1);
    const bodies = [
      { status: "pending", priority: "low", addTags: ["pwned"] },
      { tier: "L3", reason: "outsider escalates" },
      { mergeInto: world.ids.ticketB1 },
    ];
    for (const change of bodies) {
      const reply = expectStatus(
        await call<BulkReply>(outsider, "POST", "/v1/tickets/bulk", {
          tickets: [
            { clientId: world.ids.clientA1, ticketId: world.ids.ticketA1 },
            { clientId: world.ids.clientA2, ticketId: world.ids.ticketA2 },
          ],
          ...change,
        }),
        200,
      );
      expect(reply.body.results.map((r) => [r.ok, r.error?.code])).toEqual([
        [false, "not_found"],
        [false, "not_found"],
      ]);
    }
    // An agent reaches only the clients it serves.
    const agentReply = expectStatus(
      await call<BulkReply>(agent, "POST", "/v1/tickets/bulk", {
        tickets: [{ clientId: world.ids.clientA2, ticketId: world.ids.ticketA2 }],
        priority: "low",
      }),
      200,
    );
    expect(agentReply.body.results[0]?.error?.code).toBe("not_found");
    const after = await ticketOf(admin, world.ids.clientA1, world.ids.ticketA1);
    expect(after).toEqual(before);
    expect((await ticketOf(admin, world.ids.clientA2, world.ids.ticketA2)).version).toBe(1);
  });

  it("merges the selected into one ticket through the merge operation", async () => {
    const a1 = world.ids.clientA1;
    const target = await createTicket(admin, a1, "Printer offline (main)");
    const dupes = [await createTicket(admin, a1, "Printer offline again"), await createTicket(admin, a1, "Printer!!")];
    const other = await createTicket(admin, world.ids.clientA2, "Other client's printer");
    const reply = expectStatus(
      await call<BulkReply>(admin, "POST", "/v1/tickets/bulk", {
        tickets: [
          ...dupes.map((ticketId) => ({ clientId: a1, ticketId })),
          { clientId: world.ids.clientA2, ticketId: other },
          { clientId: a1, ticketId: target },
        ],
        mergeInto: target,
      }),
      200,
    );
    expect(reply.body.results.map((r) => [r.ticketId, r.ok, r.error?.code ?? null])).toEqual([
      [dupes[0], true, null],
      [dupes[1], true, null],
      [other, false, "validation"],
      [target, true, null],
    ]);
    for (const id of dupes)
      expect(await ticketOf(admin, a1, id)).toMatchObject({ status: "closed", mergedInto: target });
    expect((await ticketOf(admin, a1, target)).messageCount).toBe(3);
    expect((await ticketOf(admin, world.ids.clientA2, other)).status).toBe("new");
  });
});

describe("conditional views and counts", () => {
  it("answers 304 on If-None-Match while nothing changed, and a new tag after a change", async () => {
    const a2 = world.ids.clientA2;
    const urls = [
      `/v1/tickets?view=client&clientId=${a2}&status=new`,
      "/v1/tickets/counts",
      "/v1/tickets?view=unassigned",
    ];
    for (const url of urls) {
      const first = expectStatus(await call(admin, "GET", url), 200);
      const etag = first.headers.get("etag");
      expect(etag, url).toMatch(/^"[\w-]+"$/);
      expect(first.headers.get("cache-control")).toBe("no-store");
      const again = await call(admin, "GET", url, undefined, { "if-none-match": etag! });
      expect(again.status, url).toBe(304);
      expect(again.body, url).toBeUndefined();
      expect(again.headers.get("etag")).toBe(etag);
      // Another tag (or a weak form of this one, as proxies may rewrite it) is compared as it is.
      expect((await call(admin, "GET", url, undefined, { "if-none-match": '"other"' })).status).toBe(200);
      expect((await call(admin, "GET", url, undefined, { "if-none-match": `W/${etag}` })).status).toBe(304);
    }
    const view = urls[0]!;
    const etag = (await call(admin, "GET", view)).headers.get("etag")!;
    const countsTag = (await call(admin, "GET", "/v1/tickets/counts")).headers.get("etag")!;
    await createTicket(admin, a2, "Something new");
    const changed = expectStatus(await call(admin, "GET", view, undefined, { "if-none-match": etag }), 200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(changed.body.items.some((t: { subject: string }) => t.subject === "Something new")).toBe(true);
    expect((await call(admin, "GET", "/v1/tickets/counts", undefined, { "if-none-match": countsTag })).status).toBe(
      200,
    );
  });

  it("ties the tag to who asks: another user's tag for the same URL is not current", async () => {
    const url = `/v1/tickets?view=all&status=new&clientId=${world.ids.clientA1}`;
    const adminTag = (await call(admin, "GET", url)).headers.get("etag")!;
    expect((await call(agent, "GET", url, undefined, { "if-none-match": adminTag })).status).toBe(200);
  });

  it("keeps a paged view's tag steady although each answer seals its cursor anew", async () => {
    const url = `/v1/tickets?view=client&clientId=${world.ids.clientA1}&status=new&limit=1`;
    const first = expectStatus(await call(admin, "GET", url), 200);
    expect(first.body.cursor).not.toBeNull();
    const second = expectStatus(await call(admin, "GET", url), 200);
    expect(second.body.cursor).not.toBe(first.body.cursor);
    expect(second.headers.get("etag")).toBe(first.headers.get("etag"));
    expect((await call(admin, "GET", url, undefined, { "if-none-match": first.headers.get("etag")! })).status).toBe(
      304,
    );
  });
});

describe("counts", () => {
  it("count your active tickets per client as well as in all", async () => {
    const a1 = world.ids.clientA1;
    const id = await createTicket(admin, a1, "Mine at a1");
    expectStatus(await call(agent, "POST", path(a1, id, "/take"), {}), 200);
    const counts = expectStatus(await call(agent, "GET", "/v1/tickets/counts"), 200).body;
    expect(counts.clients.map((c: { clientId: string }) => c.clientId)).toEqual([a1]);
    expect(counts.clients[0].mine).toBeGreaterThanOrEqual(1);
    expect(counts.clients[0].mine).toBe(counts.mine);
  });
});

describe("sort orders the indexes serve", () => {
  it("orders client and all views by update or SLA due time, either way, and refuses the rest naming sort", async () => {
    const a2 = world.ids.clientA2;
    const created: string[] = [];
    for (const priority of ["low", "urgent", "normal"]) {
      created.push(await createTicket(admin, a2, `Sorted ${priority}`, { priority }));
    }
    const ids = async (query: string) =>
      expectStatus(await call(admin, "GET", `/v1/tickets?${query}`), 200)
        .body.items.map((t: { id: string }) => t.id)
        .filter((id: string) => created.includes(id));
    const base = `view=client&clientId=${a2}&status=new`;
    expect(await ids(`${base}&sort=updated`)).toEqual(created);
    expect(await ids(`${base}&sort=updated&order=newest`)).toEqual([...created].reverse());
    expect(await ids(`${base}`)).toEqual(created);
    // No SLA policy here: every due time is the same sentinel, so ticket number decides.
    expect(await ids(`${base}&sort=due`)).toEqual(created);
    expect(await ids(`view=all&status=new&clientId=${a2}&sort=updated&order=newest`)).toEqual([...created].reverse());
    expect(await ids(`view=client&clientId=${a2}&status=new&priority=urgent&sort=number`)).toEqual([created[1]]);
    for (const query of [
      `view=mine&sort=due`,
      `view=unassigned&sort=number`,
      `${base}&priority=low&sort=updated`,
      `${base}&sort=created`,
      `${base}&sort=subject`,
    ]) {
      const reply = await call(admin, "GET", `/v1/tickets?${query}`);
      expect(reply.status, query).toBe(400);
      expect(reply.body.issues[0].path, query).toEqual(["sort"]);
    }
  });

  it("agrees with the console on which orders each view takes (queue-sorts.ts)", async () => {
    const combos: Record<string, string>[] = [];
    for (const view of ["client", "all"]) {
      const facets: Record<string, string>[] = [
        {},
        { priority: "urgent" },
        { tag: "x" },
        { assigneeId: world.ids.agentA1 },
      ];
      for (const facet of facets) {
        combos.push({ view, status: "new", ...(view === "client" ? { clientId: world.ids.clientA1 } : {}), ...facet });
      }
    }
    combos.push({ view: "mine" }, { view: "unassigned" });
    for (const combo of combos) {
      for (const sort of ["updated", "due", "number", "created"]) {
        const query = new URLSearchParams({ ...combo, sort });
        const reply = await call(admin, "GET", `/v1/tickets?${query}`);
        expect(reply.status, `${query}`).toBe(servedSorts(query).includes(sort as Sort) ? 200 : 400);
      }
    }
  });

  it("keeps the sort in the cursor: a page's cursor does not continue another order", async () => {
    const base = `/v1/tickets?view=client&clientId=${world.ids.clientA2}&status=new&limit=1`;
    const first = expectStatus(await call(admin, "GET", `${base}&sort=updated`), 200);
    const crossed = await call(admin, "GET", `${base}&sort=due&cursor=${first.body.cursor}`);
    expect(crossed.status).toBe(400);
    expect(crossed.body.issues[0].path).toEqual(["cursor"]);
  });
});
