import { Dynamo } from "@outdesk/core/dynamo";
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus, type Persona } from "../../../../test/api";
import { buildWorld, createClient, createTicket, type World } from "../../../../test/world";

/** Issue 8, items 8–13: input that ended in a 500 or a stuck state, and what client admins see. */
let world: World;
let admin: Persona;
let agent: Persona;
let boss: Persona;
const path = (clientId: string, ticketId: string, rest = "") => `/v1/clients/${clientId}/tickets/${ticketId}${rest}`;
const page = async (persona: Persona, clientId: string, ticketId: string) =>
  expectStatus(await call(persona, "GET", path(clientId, ticketId)), 200).body;

beforeAll(async () => {
  world = await buildWorld();
  ({ adminA: admin, agentA1: agent, clientAdminA1: boss } = world.personas);
});

/** Every message of a ticket, across the page and its older-message pages, oldest first. */
async function allMessages(persona: Persona, clientId: string, ticketId: string) {
  const first = await page(persona, clientId, ticketId);
  const messages: { id: string }[] = [...first.messages];
  for (let cursor = first.olderMessages; cursor; ) {
    const older = expectStatus(
      await call(persona, "GET", path(clientId, ticketId, `/messages?before=${encodeURIComponent(cursor)}`)),
      200,
    ).body;
    messages.unshift(...older.messages);
    cursor = older.olderMessages;
  }
  return { ticket: first.ticket, messages };
}

/** A reply storing about 250 KB, near the API's 256 KB body limit. */
const largeReply = (i: number) => ({
  body: `${i} ${"t".repeat(60_000)}`,
  bodyHtml: `<p>${i} ${"h".repeat(189_000)}</p>`,
});

describe("ids, numbers and sizes", () => {
  it("refuses empty ids everywhere a body or query names one", async () => {
    const create = await call(admin, "POST", "/v1/tickets", {
      clientId: world.ids.clientA1,
      subject: "Hidden?",
      body: "x",
      requester: { email: "r@x.example" },
      assigneeId: "",
    });
    expect(create.status).toBe(400);
    expect(create.body.issues[0].path).toEqual(["assigneeId"]);
    const id = await createTicket(agent, world.ids.clientA1, "Empty assignee");
    const patch = await call(agent, "PATCH", path(world.ids.clientA1, id), { assigneeId: "" });
    expect(patch.status).toBe(400);
    expect(patch.body.issues[0].path).toEqual(["assigneeId"]);
    const bulk = await call(agent, "POST", "/v1/tickets/bulk", {
      tickets: [{ clientId: world.ids.clientA1, ticketId: id }],
      assigneeId: "",
    });
    expect(bulk.status).toBe(400);
    const list = await call(agent, "GET", "/v1/tickets?view=all&assigneeId=");
    expect(list.status).toBe(400);
    const key = await call(admin, "POST", "/v1/api-keys", { name: "empty", clientId: "" });
    expect(key.status).toBe(400);
    const invite = await call(admin, "POST", "/v1/users", {
      name: "Empty",
      email: `empty-${Date.now()}@x.example`,
      role: "agent",
      clientIds: [""],
    });
    expect(invite.status).toBe(400);
  });

  it("refuses numbers DynamoDB cannot store exactly, on create and PATCH (400, not 500)", async () => {
    const client = await createClient(admin, `numbers-${Date.now()}`);
    expectStatus(
      await call(admin, "PATCH", `/v1/clients/${client}`, {
        ticketFields: [{ key: "seats", label: "Seats", type: "number" }],
      }),
      200,
    );
    for (const seats of [2 ** 53 + 2, -(2 ** 60), 1e-131, 1e300]) {
      const create = await call(admin, "POST", "/v1/tickets", {
        clientId: client,
        subject: "Seats",
        body: "x",
        requester: { email: "r@x.example" },
        fields: { seats },
      });
      expect(create.status, String(seats)).toBe(400);
      expect(create.body.issues[0].path).toEqual(["fields", "seats"]);
    }
    const id = await createTicket(admin, client, "Seats ok");
    const patch = await call(admin, "PATCH", path(client, id), { fields: { seats: 2 ** 53 + 2 } });
    expect(patch.status).toBe(400);
    expectStatus(await call(admin, "PATCH", path(client, id), { fields: { seats: 1.5e-9 } }), 200);
  });

  it("measures HTML on what will be stored: sanitizing that grows it past the limit is a 413, writing nothing", async () => {
    const grows = ">".repeat(190_000); // each bare > is stored as &gt;
    const id = await createTicket(agent, world.ids.clientA1, "Growing HTML");
    const before = (await page(agent, world.ids.clientA1, id)).ticket;
    for (const kind of ["/replies", "/notes"]) {
      const reply = await call(agent, "POST", path(world.ids.clientA1, id, kind), { body: "x", bodyHtml: grows });
      expect(reply.status, kind).toBe(413);
      expect(reply.body.issues[0].path).toEqual(["bodyHtml"]);
    }
    const after = (await page(agent, world.ids.clientA1, id)).ticket;
    expect(after).toMatchObject({ version: before.version, messageCount: before.messageCount });
    const create = await call(agent, "POST", "/v1/tickets", {
      clientId: world.ids.clientA1,
      subject: "Growing",
      body: "x",
      bodyHtml: grows,
      requester: { email: "r@x.example" },
    });
    expect(create.status).toBe(413);
    // The refused create took no ticket number.
    const next = (await page(agent, world.ids.clientA1, await createTicket(agent, world.ids.clientA1, "Next"))).ticket;
    expect(next.number).toBe(after.number + 1);
  });

  it("drops bidi controls from attachment names, and judges the extension without them", async () => {
    const uploads = `/v1/clients/${world.ids.clientA1}/attachments`;
    const grant = expectStatus(
      await call(agent, "POST", uploads, { filename: "invoice\u202Efdp.txt", contentType: "text/plain", size: 2 }),
      201,
    ).body;
    await fetch(grant.url, { method: "PUT", headers: grant.headers, body: "hi" });
    const created = expectStatus(
      await call(agent, "POST", "/v1/tickets", {
        clientId: world.ids.clientA1,
        subject: "Invoice",
        body: "see attached",
        requester: { email: "r@x.example" },
        attachments: [{ uploadId: grant.uploadId }],
      }),
      201,
    );
    const thread = await page(agent, world.ids.clientA1, created.body.id);
    expect(thread.messages[0].attachments[0].filename).toBe("invoicefdp.txt");
    // `invoice\u202Efdp.exe` shows as `invoiceexe.pdf`: it is a program, and refused as one.
    const disguised = await call(agent, "POST", uploads, {
      filename: "invoice\u202Efdp.exe",
      contentType: "application/pdf",
      size: 10,
    });
    expect(disguised.status).toBe(400);
    const onlyControls = await call(agent, "POST", uploads, {
      filename: "\u202E\u2066",
      contentType: "text/plain",
      size: 1,
    });
    expect(onlyControls.status).toBe(400);
  });
});

describe("tickets that must not get stuck", () => {
  it("does not take a number for a refused create", async () => {
    const first = (await page(agent, world.ids.clientA1, await createTicket(agent, world.ids.clientA1, "N1"))).ticket;
    const refused = await call(agent, "POST", "/v1/tickets", {
      clientId: world.ids.clientA1,
      subject: "Bad field",
      body: "x",
      requester: { email: "r@x.example" },
      fields: { nope: "x" },
    });
    expect(refused.status).toBe(400);
    const wrongAssignee = await call(agent, "POST", "/v1/tickets", {
      clientId: world.ids.clientA1,
      subject: "Bad assignee",
      body: "x",
      requester: { email: "r@x.example" },
      assigneeId: world.ids.clientAdminA1,
    });
    expect(wrongAssignee.status).toBe(400);
    const second = (await page(agent, world.ids.clientA1, await createTicket(agent, world.ids.clientA1, "N2"))).ticket;
    expect(second.number).toBe(first.number + 1);
  });

  it("keeps tickets solvable and clearable when a field definition is removed", async () => {
    const client = await createClient(admin, `fields-${Date.now()}`);
    const defined = (ticketFields: unknown[]) =>
      call(admin, "PATCH", `/v1/clients/${client}`, { ticketFields }).then((r) => expectStatus(r, 200));
    await defined([{ key: "legacy", label: "Legacy", type: "text", required: true }]);
    const created = expectStatus(
      await call(admin, "POST", "/v1/tickets", {
        clientId: client,
        subject: "Legacy",
        body: "x",
        requester: { email: "r@x.example" },
        fields: { legacy: "old value" },
      }),
      201,
    );
    await defined([]);
    const id = created.body.id;
    expectStatus(await call(admin, "PATCH", path(client, id), { status: "solved" }), 200);
    expectStatus(await call(admin, "PATCH", path(client, id), { status: "open" }), 200);
    const cleared = expectStatus(await call(admin, "PATCH", path(client, id), { fields: { legacy: null } }), 200);
    expect(cleared.body.fields).toEqual({});
    // Setting a value of an undefined field is still refused.
    expect((await call(admin, "PATCH", path(client, id), { fields: { legacy: "again" } })).status).toBe(400);
  });

  it("answers 409 to a stale version even when nothing would change", async () => {
    const id = await createTicket(agent, world.ids.clientA1, "Stale no-op");
    expectStatus(await call(agent, "PATCH", path(world.ids.clientA1, id), { priority: "high", version: 1 }), 200);
    const stale = await call(agent, "PATCH", path(world.ids.clientA1, id), { priority: "high", version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe(2);
    expectStatus(await call(agent, "PATCH", path(world.ids.clientA1, id), { priority: "high", version: 2 }), 200);
  });

  it("pages a long thread: the ticket page stays near 1 MB of messages, older ones come by cursor", async () => {
    const id = await createTicket(agent, world.ids.clientA1, "Long thread");
    for (let i = 1; i <= 5; i++) {
      expectStatus(await call(agent, "POST", path(world.ids.clientA1, id, "/replies"), largeReply(i)), 201);
    }
    const first = expectStatus(await call(agent, "GET", path(world.ids.clientA1, id)), 200);
    const size = Buffer.byteLength(JSON.stringify(first.body));
    expect(size).toBeLessThan(1_600_000);
    expect(first.body.ticket.messageCount).toBe(6);
    expect(first.body.olderMessages).toEqual(expect.any(String));
    const seen: string[] = first.body.messages.map((m: { id: string }) => m.id);
    let cursor = first.body.olderMessages;
    const older: string[] = [];
    while (cursor) {
      const next = expectStatus(
        await call(agent, "GET", path(world.ids.clientA1, id, `/messages?before=${encodeURIComponent(cursor)}`)),
        200,
      );
      older.unshift(...next.body.messages.map((m: { id: string }) => m.id));
      cursor = next.body.olderMessages;
    }
    const all = [...older, ...seen];
    expect(all).toHaveLength(6);
    expect(new Set(all).size).toBe(6);
    expect([...all].sort()).toEqual(all); // ULIDs: oldest first, across pages
    // A cursor of another ticket, or a forged one, is refused.
    const other = await createTicket(agent, world.ids.clientA1, "Other");
    const foreign = await call(
      agent,
      "GET",
      path(world.ids.clientA1, other, `/messages?before=${encodeURIComponent(first.body.olderMessages)}`),
    );
    expect(foreign.status).toBe(400);
  }, 60_000);

  it("merges a thread larger than one transaction, in steps that stay consistent if cut short", async () => {
    const target = await createTicket(agent, world.ids.clientA1, "Merge target");
    const duplicate = await createTicket(agent, world.ids.clientA1, "Merge duplicate");
    for (let i = 1; i <= 17; i++) {
      expectStatus(await call(agent, "POST", path(world.ids.clientA1, duplicate, "/replies"), largeReply(i)), 201);
    }
    expectStatus(await call(agent, "POST", path(world.ids.clientA1, duplicate, "/notes"), { body: "note" }), 201);
    // 19 messages, about 4.3 MB: more than one transaction may carry. Cut the merge short after
    // its first batch, as a timeout would.
    let transactions = 0;
    const stack = Dynamo.raw().middlewareStack;
    stack.add(
      (next, context) => async (args) => {
        if (context.commandName === "TransactWriteItemsCommand" && ++transactions === 3) {
          throw new Error("injected: the function stopped here");
        }
        return next(args);
      },
      { step: "initialize", name: "cutMergeShort" },
    );
    try {
      const cut = await call(agent, "POST", path(world.ids.clientA1, duplicate, "/merge"), { targetTicketId: target });
      expect(cut.status).toBe(500);
    } finally {
      stack.remove("cutMergeShort");
    }
    const left = await allMessages(agent, world.ids.clientA1, duplicate);
    const moved = await allMessages(agent, world.ids.clientA1, target);
    expect(left.ticket).toMatchObject({ status: "closed", mergedInto: target });
    // Every message is in exactly one of the two, and each ticket's count says how many it holds.
    const ids = [...left.messages, ...moved.messages].map((m) => m.id);
    expect(new Set(ids).size).toBe(20);
    expect(left.ticket.messageCount).toBe(left.messages.length);
    expect(moved.ticket.messageCount).toBe(moved.messages.length);
    expect(moved.messages.length).toBeGreaterThan(1);
    expect(left.messages.length).toBeGreaterThan(0);
    // Asked again, it resumes and finishes.
    const done = expectStatus(
      await call(agent, "POST", path(world.ids.clientA1, duplicate, "/merge"), { targetTicketId: target }),
      200,
    );
    expect(done.body).toMatchObject({ status: "closed", mergedInto: target, messageCount: 0 });
    const targetPage = await page(agent, world.ids.clientA1, target);
    expect(targetPage.ticket.messageCount).toBe(20);
    expect((await allMessages(agent, world.ids.clientA1, target)).messages).toHaveLength(20);
    const merged = targetPage.events.find((e: { field: string }) => e.field === "merged");
    expect(merged.from).toMatchObject({ messages: 18, notes: 1 });
    // Client admins see the count of replies, never of notes.
    const seenByClient = await page(boss, world.ids.clientA1, target);
    const mergedForClient = seenByClient.events.find((e: { field: string }) => e.field === "merged");
    expect(mergedForClient.from).toEqual({ ticket: duplicate, key: expect.any(String), messages: 18 });
    expect(seenByClient.ticket.messageCount).toBe(19);
  }, 120_000);
});

describe("what client admins see", () => {
  it("lists an agent's or client admin's own clients by key: pages and cursors say nothing of others", async () => {
    for (const [persona, own] of [
      [agent, world.ids.clientA1],
      [boss, world.ids.clientA1],
      [world.personas.clientAdminA2, world.ids.clientA2],
    ] as const) {
      const first = expectStatus(await call(persona, "GET", "/v1/clients?limit=1"), 200).body;
      expect(first.items.map((c: { id: string }) => c.id)).toEqual([own]);
      expect(first.cursor, persona.name).toBeNull();
    }
    // Provider admins page through all of them.
    const all = expectStatus(await call(admin, "GET", "/v1/clients?limit=1"), 200).body;
    expect(all.items).toHaveLength(1);
    expect(all.cursor).toEqual(expect.any(String));
  });

  it("counts public replies only and hides the tier and time spent", async () => {
    const id = await createTicket(agent, world.ids.clientA1, "Visibility");
    expectStatus(
      await call(agent, "POST", path(world.ids.clientA1, id, "/notes"), { body: "internal", timeSpentMinutes: 30 }),
      201,
    );
    expectStatus(
      await call(agent, "POST", path(world.ids.clientA1, id, "/escalate"), { tier: "L2", reason: "needs L2" }),
      200,
    );
    const staff = (await page(agent, world.ids.clientA1, id)).ticket;
    expect(staff).toMatchObject({ messageCount: 2, timeSpentMinutes: 30, tier: "L2" });
    const client = (await page(boss, world.ids.clientA1, id)).ticket;
    expect(client).toMatchObject({ messageCount: 1, timeSpentMinutes: null, tier: null });
    const reply = expectStatus(
      await call(boss, "POST", path(world.ids.clientA1, id, "/replies"), { body: "any news?" }),
      201,
    );
    expect(reply.body.ticket).toMatchObject({ messageCount: 2, timeSpentMinutes: null, tier: null });
    const list = expectStatus(await call(boss, "GET", `/v1/tickets?view=client&clientId=${world.ids.clientA1}`), 200);
    expect(list.body.items.every((row: { tier: unknown }) => row.tier === null)).toBe(true);
    expect((await call(boss, "GET", `/v1/tickets?view=client&clientId=${world.ids.clientA1}&tier=L2`)).status).toBe(
      403,
    );
  });

  it("pages view=all with limit=1 over the client admin's own tickets only", async () => {
    const own = expectStatus(await call(boss, "GET", "/v1/tickets/counts"), 200).body.clients;
    expect(own.map((c: { clientId: string }) => c.clientId)).toEqual([world.ids.clientA1]);
    let cursor: string | null = null;
    let pages = 0;
    const ids = new Set<string>();
    do {
      const query: string = `/v1/tickets?view=all&status=new&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const next = expectStatus(await call(boss, "GET", query), 200);
      for (const row of next.body.items) {
        expect(row.clientId).toBe(world.ids.clientA1);
        ids.add(row.id);
      }
      cursor = next.body.cursor;
      pages++;
    } while (cursor);
    // One page per ticket of theirs: the pages say nothing of other clients' tickets.
    expect(pages).toBe(Math.max(1, ids.size));
    expect(ids.size).toBe(own[0].new);
  });
});
