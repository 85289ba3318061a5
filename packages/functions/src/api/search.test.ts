import { Dynamo } from "@outdesk/core/dynamo";
import { compact, dropSegments } from "@outdesk/core/search";
import { startSubscribers } from "@outdesk/local/subscribers";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { call, expectStatus, type Persona } from "../../../../test/api";
import { buildWorld, createTicket, type World } from "../../../../test/world";

/**
 * GET /v1/search through the local stream path: writes go through the API, the table's stream
 * feeds the indexer handler (packages/local/src/subscribers.ts, as `npm start` runs it), and
 * search reads the result. This file has a table of its own (test/private-tables.ts).
 */
let world: World;
let stopStream: () => Promise<void>;
const tag = `z${Date.now().toString(36)}`;

interface Item {
  id: string;
  clientId: string;
  key: string;
  score: number;
  status: string;
  highlights: { field: string; text: string; ranges: [number, number][] }[];
}

const search = (persona: Persona, query: Record<string, string>) =>
  call<{ items: Item[]; issues: { path: string[] }[] }>(persona, "GET", `/v1/search?${new URLSearchParams(query)}`);

/** Polls until `ticketId` is among the results (or `timeoutMs` passes); returns the reply and how long it took. */
async function findable(persona: Persona, query: Record<string, string>, ticketId: string, timeoutMs = 5_000) {
  const started = Date.now();
  for (;;) {
    const reply = expectStatus(await search(persona, query), 200);
    if (reply.body.items.some((item) => item.id === ticketId))
      return { items: reply.body.items, ms: Date.now() - started };
    if (Date.now() - started > timeoutMs)
      throw new Error(`${ticketId} not found for ${JSON.stringify(query)} in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const ids: Record<string, string> = {};
let keys: Record<string, string> = {};

beforeAll(async () => {
  stopStream = startSubscribers({ endpoint: inject("dynamoEndpoint"), tableName: Dynamo.table() });
  world = await buildWorld();
  const { adminA } = world.personas;
  const { clientA1 } = world.ids;
  expectStatus(
    await call(adminA, "PATCH", `/v1/clients/${clientA1}`, {
      ticketFields: [{ key: "order_id", label: "Order ID", type: "text" }],
    }),
    200,
  );
  ids.scanner = await createTicket(adminA, clientA1, `Scanner ${tag} jammed`);
  ids.scannerBody = await createTicket(adminA, clientA1, "Office supplies", {
    body: `The scanner${tag} next to the printer, and also scanner ${tag} once more`,
  });
  ids.requester = await createTicket(adminA, clientA1, "Password reset", {
    requester: { name: "Zelda Quistorff", email: `zelda.${tag}@hyrule.example` },
  });
  ids.tagged = await createTicket(adminA, clientA1, "Refund please", { tags: [`refund-${tag}`] });
  ids.field = await createTicket(adminA, clientA1, "Where is my parcel", { fields: { order_id: `ORD-${tag}-77` } });
  ids.body = await createTicket(adminA, clientA1, "It is broken", { body: "The flux capacitor overheats at night" });
  expectStatus(
    await call(adminA, "POST", `/v1/clients/${clientA1}/tickets/${ids.body}/notes`, {
      body: `Secret ${tag}: escalate to the vendor`,
    }),
    201,
  );
  expectStatus(
    await call(adminA, "POST", `/v1/clients/${clientA1}/tickets/${ids.body}/replies`, {
      body: "We replaced the kilowatt regulator",
      status: "pending",
    }),
    201,
  );
  ids.a2 = await createTicket(adminA, world.ids.clientA2, `Globex ${tag} outage`);
  ids.b1 = await createTicket(world.personas.adminB, world.ids.clientB1, `Initech ${tag} outage`);
  const reply = expectStatus(await call(adminA, "GET", `/v1/clients/${clientA1}/tickets/${ids.scanner}`), 200);
  keys = { scanner: reply.body.ticket.key };
  // Everything written above has been indexed once the last write is findable.
  await findable(world.personas.adminB, { q: `initech ${tag}` }, ids.b1, 15_000);
  await findable(adminA, { q: "kilowatt" }, ids.body, 15_000);
}, 120_000);

afterAll(async () => {
  await stopStream?.();
});

describe("GET /v1/search", () => {
  it("finds a ticket by its number, first, with the number marked", async () => {
    const { items } = await findable(world.personas.adminA, { q: keys.scanner! }, ids.scanner!);
    expect(items[0]?.id).toBe(ids.scanner);
    const number = items[0]?.highlights.find((h) => h.field === "number");
    expect(number?.text).toBe(keys.scanner);
    expect(number?.ranges.length).toBeGreaterThan(0);
  });

  it("finds by subject, requester name and address, message text, tag and custom field value", async () => {
    const adminA = world.personas.adminA;
    const cases: [string, string, string][] = [
      [`jammed ${tag}`, ids.scanner!, "subject"],
      ["Quistorff", ids.requester!, "requester"],
      [`zelda.${tag}@hyrule.example`, ids.requester!, "requester"],
      ["flux capacitor", ids.body!, "message"],
      [`refund-${tag}`, ids.tagged!, "tags"],
      [`ORD-${tag}-77`, ids.field!, "fields"],
    ];
    for (const [q, id, field] of cases) {
      const { items } = expectStatus(await search(adminA, { q }), 200).body;
      expect(items[0]?.id, q).toBe(id);
      const highlight = items[0]?.highlights.find((h) => h.field === field);
      expect(highlight, `${q} highlights ${field}`).toBeDefined();
      // Every range marks a word of the text that the query matched.
      for (const [start, end] of highlight?.ranges ?? [])
        expect(highlight?.text.slice(start, end).length).toBeGreaterThan(0);
    }
  });

  it("ranks a subject match above a mention in the text, forgives a typo and matches a prefix", async () => {
    const adminA = world.personas.adminA;
    const { items } = expectStatus(await search(adminA, { q: `scanner ${tag}` }), 200).body;
    expect(items.map((item) => item.id).slice(0, 2)).toEqual([ids.scanner, ids.scannerBody]);
    expect(items[0]!.score).toBeGreaterThan(items[1]!.score);
    expect(expectStatus(await search(adminA, { q: "capacitr" }), 200).body.items[0]?.id).toBe(ids.body);
    expect(expectStatus(await search(adminA, { q: "Quistor" }), 200).body.items[0]?.id).toBe(ids.requester);
    const text = expectStatus(await search(adminA, { q: "flux" }), 200).body.items[0]?.highlights.find(
      (h) => h.field === "message",
    );
    expect(text?.text.slice(...(text?.ranges[0] ?? [0, 0]))).toBe("flux");
  });

  it("filters by client, status and creation date", async () => {
    const adminA = world.personas.adminA;
    const q = `outage ${tag}`;
    const both = expectStatus(await search(adminA, { q }), 200).body.items.map((item) => item.id);
    expect(both).toContain(ids.a2);
    expect(both).not.toContain(ids.b1);
    const a1Only = expectStatus(await search(adminA, { q, clientId: world.ids.clientA1 }), 200).body.items;
    expect(a1Only.map((item) => item.id)).not.toContain(ids.a2);
    const pending = expectStatus(await search(adminA, { q: "kilowatt", status: "pending" }), 200).body.items;
    expect(pending.map((item) => item.id)).toEqual([ids.body]);
    expect(expectStatus(await search(adminA, { q: "kilowatt", status: "new" }), 200).body.items).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    expect(
      expectStatus(await search(adminA, { q: "kilowatt", from: yesterday, to: today }), 200).body.items,
    ).toHaveLength(1);
    expect(expectStatus(await search(adminA, { q: "kilowatt", from: tomorrow }), 200).body.items).toEqual([]);
    expect(expectStatus(await search(adminA, { q: "kilowatt", to: yesterday }), 200).body.items).toEqual([]);
  });

  it("never matches or shows notes to a client admin, and keeps other clients and tenants out", async () => {
    const { adminA, agentA1, clientAdminA1, clientAdminA2, adminB } = world.personas;
    // Staff find the note and see it marked as a note.
    const staff = expectStatus(await search(agentA1, { q: `secret ${tag}` }), 200).body.items;
    expect(staff[0]?.id).toBe(ids.body);
    expect(staff[0]?.highlights.some((h) => h.field === "note")).toBe(true);
    // The client admin: no match on the note's words, and no note text on a ticket they find.
    const hidden = expectStatus(await search(clientAdminA1, { q: `secret vendor ${tag}` }), 200).body.items;
    expect(hidden.map((item) => item.id)).not.toContain(ids.body);
    expect(expectStatus(await search(clientAdminA1, { q: "VIP" }), 200).body.items).toEqual([]);
    const own = expectStatus(await search(clientAdminA1, { q: "kilowatt" }), 200).body;
    expect(own.items.map((item) => item.id)).toEqual([ids.body]);
    expect(JSON.stringify(own)).not.toContain("vendor");
    expect(own.items[0]?.highlights.every((h) => h.field !== "note")).toBe(true);
    // Other clients of the provider: nothing, and 404 when asked by id.
    expect(expectStatus(await search(clientAdminA2, { q: "kilowatt" }), 200).body.items).toEqual([]);
    const agentSees = expectStatus(await search(agentA1, { q: `globex ${tag} outage` }), 200).body.items;
    expect(agentSees.map((item) => item.clientId)).not.toContain(world.ids.clientA2);
    expectStatus(await search(agentA1, { q: "outage", clientId: world.ids.clientA2 }), 404);
    expectStatus(await search(clientAdminA1, { q: "outage", clientId: world.ids.clientA2 }), 404);
    // Another tenant: nothing, and 404 for a client of ours.
    expect(expectStatus(await search(adminB, { q: "kilowatt" }), 200).body.items).toEqual([]);
    expectStatus(await search(adminB, { q: "kilowatt", clientId: world.ids.clientA1 }), 404);
    expectStatus(await search(adminA, { q: "outage", clientId: world.ids.clientB1 }), 404);
    // The API key scoped to a1 sees a1 only.
    const keySees = expectStatus(await search(world.personas.keyA1, { q: `outage ${tag}` }), 200).body.items;
    expect(keySees.length).toBeGreaterThan(0);
    expect(new Set(keySees.map((item) => item.clientId))).toEqual(new Set([world.ids.clientA1]));
    expectStatus(await call(undefined, "GET", "/v1/search?q=kilowatt"), 401);
  });

  it("answers 400 naming the field for bad input", async () => {
    const adminA = world.personas.adminA;
    const bad: [Record<string, string>, string][] = [
      [{}, "q"],
      [{ q: "   " }, "q"],
      [{ q: "x".repeat(201) }, "q"],
      [{ q: "a", limit: "0" }, "limit"],
      [{ q: "a", limit: "51" }, "limit"],
      [{ q: "a", status: "bogus" }, "status"],
      [{ q: "a", from: "yesterday" }, "from"],
      [{ q: "a", from: "2026-05-02", to: "2026-05-01" }, "to"],
    ];
    for (const [query, field] of bad) {
      const reply = expectStatus(await search(adminA, query), 400);
      expect(
        reply.body.issues.map((issue: { path: string[] }) => issue.path[0]),
        JSON.stringify(query),
      ).toContain(field);
    }
  });

  it("finds a new ticket and a new reply within 5 s of the write", async () => {
    const adminA = world.personas.adminA;
    const word = `quasar${tag}`;
    const ticket = await createTicket(adminA, world.ids.clientA1, `Telescope ${word} misaligned`);
    const created = await findable(adminA, { q: word }, ticket);
    expect(created.ms).toBeLessThan(5_000);
    const replyWord = `nebula${tag}`;
    expectStatus(
      await call(adminA, "POST", `/v1/clients/${world.ids.clientA1}/tickets/${ticket}/replies`, {
        body: `Aligned it against the ${replyWord}`,
      }),
      201,
    );
    const replied = await findable(world.personas.clientAdminA1, { q: replyWord }, ticket);
    expect(replied.ms).toBeLessThan(5_000);
  });

  it("answers the same from a compacted snapshot after a cold start, with later writes overlaid", async () => {
    const adminA = world.personas.adminA;
    const before = expectStatus(await search(adminA, { q: `scanner ${tag}` }), 200).body.items.map((i) => i.id);
    const result = await compact(world.ids.providerA, world.ids.clientA1);
    expect(result.documents).toBeGreaterThanOrEqual(8);
    const late = await createTicket(adminA, world.ids.clientA1, `Scanner ${tag} again`);
    dropSegments();
    const { items } = await findable(adminA, { q: `scanner ${tag}` }, late);
    expect(items.map((i) => i.id)).toEqual(expect.arrayContaining(before));
  });
});
