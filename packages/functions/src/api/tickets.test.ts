import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus, type Persona } from "../../../../test/api";
import { buildWorld, createClient, createTicket, inviteAndAccept, type World } from "../../../../test/world";
import { handler as autoClose } from "../auto-close";

let world: World;
let admin: Persona;
let agent: Persona;
let boss: Persona;
const path = (clientId: string, ticketId: string, rest = "") => `/v1/clients/${clientId}/tickets/${ticketId}${rest}`;

beforeAll(async () => {
  world = await buildWorld();
  ({ adminA: admin, agentA1: agent, clientAdminA1: boss } = world.personas);
});

const page = async (persona: Persona, clientId: string, ticketId: string) =>
  expectStatus(await call(persona, "GET", path(clientId, ticketId)), 200).body;

describe("ticket lifecycle", () => {
  it("creates a numbered ticket with its first message and audit entry", async () => {
    const reply = expectStatus(
      await call(agent, "POST", "/v1/tickets", {
        clientId: world.ids.clientA1,
        subject: "Cannot log in",
        body: "Since this morning I get an error.",
        requester: { name: "Sam", email: "Sam@Customer.example" },
        channel: "phone",
        priority: "high",
        tags: ["Login", "login", "sso"],
      }),
      201,
    );
    expect(reply.body).toMatchObject({
      key: expect.stringMatching(/^ACME\d*-\d+$/),
      status: "new",
      priority: "high",
      channel: "phone",
      tags: ["login", "sso"],
      requester: { name: "Sam", email: "sam@customer.example" },
      assigneeId: null,
      tier: "L1",
      version: 1,
    });
    const thread = await page(agent, world.ids.clientA1, reply.body.id);
    expect(thread.messages).toHaveLength(1);
    expect(thread.messages[0]).toMatchObject({ visibility: "public", bodyText: "Since this morning I get an error." });
    expect(thread.events.map((e: { field: string }) => e.field)).toEqual(["created"]);
  });

  it("numbers tickets per client, in sequence", async () => {
    const first = await createTicket(admin, world.ids.clientA2, "One");
    const second = await createTicket(admin, world.ids.clientA2, "Two");
    const a = (await page(admin, world.ids.clientA2, first)).ticket;
    const b = (await page(admin, world.ids.clientA2, second)).ticket;
    expect(b.number).toBe(a.number + 1);
  });

  it("opens on the first staff reply, records first reply time, and sets pending in the same step", async () => {
    const id = await createTicket(boss, world.ids.clientA1, "Reply flow");
    const replied = expectStatus(
      await call(agent, "POST", path(world.ids.clientA1, id, "/replies"), {
        body: "Looking into it",
        timeSpentMinutes: 5,
      }),
      201,
    );
    expect(replied.body.ticket).toMatchObject({ status: "open", timeSpentMinutes: 5, messageCount: 2 });
    expect(replied.body.ticket.firstReplyAt).toBeTruthy();
    const pending = expectStatus(
      await call(agent, "POST", path(world.ids.clientA1, id, "/replies"), {
        body: "Can you try again?",
        status: "pending",
      }),
      201,
    );
    expect(pending.body.ticket.status).toBe("pending");
    // The client's side answering reopens it.
    const answered = expectStatus(
      await call(boss, "POST", path(world.ids.clientA1, id, "/replies"), { body: "Still broken" }),
      201,
    );
    expect(answered.body.ticket.status).toBe("open");
    expect(answered.body.message.author).toMatchObject({ type: "client_admin" });
  });

  it("keeps internal notes from client admins, and refuses notes from them", async () => {
    const staffView = await page(admin, world.ids.clientA1, world.ids.ticketA1);
    expect(staffView.messages.some((m: { id: string }) => m.id === world.ids.noteA1)).toBe(true);
    const clientView = await page(boss, world.ids.clientA1, world.ids.ticketA1);
    expect(JSON.stringify(clientView)).not.toContain(world.ids.noteA1);
    expect(JSON.stringify(clientView)).not.toContain("VIP");
    expect(clientView.events.some((e: { field: string }) => e.field === "note")).toBe(false);
    const refused = await call(boss, "POST", path(world.ids.clientA1, world.ids.ticketA1, "/notes"), {
      body: "sneaky",
    });
    expect(refused.status).toBe(403);
  });

  it("enforces transitions: 409 with the allowed ones; closed is final", async () => {
    const id = await createTicket(agent, world.ids.clientA1, "Transitions");
    const illegal = await call(agent, "PATCH", path(world.ids.clientA1, id), { status: "closed" });
    expect(illegal.status).toBe(409);
    expect(illegal.body.allowed).toEqual(["open", "pending", "on_hold", "solved"]);
    expectStatus(await call(agent, "PATCH", path(world.ids.clientA1, id), { status: "solved" }), 200);
    expectStatus(await call(agent, "PATCH", path(world.ids.clientA1, id), { status: "closed" }), 200);
    const after = await call(agent, "PATCH", path(world.ids.clientA1, id), { priority: "low" });
    expect(after.status).toBe(409);
    const reply = await call(boss, "POST", path(world.ids.clientA1, id, "/replies"), { body: "hello?" });
    expect(reply.status).toBe(409);
  });

  it("assigns only to active staff serving the client; take assigns to yourself", async () => {
    const id = await createTicket(admin, world.ids.clientA2, "Assignment");
    const wrongClient = await call(admin, "PATCH", path(world.ids.clientA2, id), { assigneeId: world.ids.agentA1 });
    expect(wrongClient.status).toBe(400);
    expect(wrongClient.body.issues[0].path).toEqual(["assigneeId"]);
    const unknown = await call(admin, "PATCH", path(world.ids.clientA2, id), { assigneeId: "usr_nobody" });
    expect(unknown.status).toBe(400);
    const boss2 = await call(admin, "PATCH", path(world.ids.clientA2, id), { assigneeId: world.ids.clientAdminA2 });
    expect(boss2.status).toBe(400);
    const mine = await createTicket(admin, world.ids.clientA1, "Take me");
    const before = (await call(agent, "GET", "/v1/tickets/counts")).body.mine;
    const taken = expectStatus(await call(agent, "POST", path(world.ids.clientA1, mine, "/take")), 200);
    expect(taken.body.assigneeId).toBe(world.ids.agentA1);
    expect((await call(agent, "GET", "/v1/tickets/counts")).body.mine).toBe(before + 1);
    const trail = await page(admin, world.ids.clientA1, mine);
    expect(trail.events.at(-1)).toMatchObject({ field: "assignee", from: null, to: world.ids.agentA1 });
  });

  it("escalates with a reason that the audit trail keeps, hidden from the client", async () => {
    const id = await createTicket(admin, world.ids.clientA1, "Escalate me");
    const noReason = await call(agent, "POST", path(world.ids.clientA1, id, "/escalate"), { tier: "L2" });
    expect(noReason.status).toBe(400);
    expect(noReason.body.issues[0].path).toEqual(["reason"]);
    const up = expectStatus(
      await call(agent, "POST", path(world.ids.clientA1, id, "/escalate"), { tier: "L2", reason: "needs DB access" }),
      200,
    );
    expect(up.body.tier).toBe("L2");
    const trail = await page(admin, world.ids.clientA1, id);
    expect(trail.events.at(-1)).toMatchObject({ field: "tier", from: "L1", to: "L2", reason: "needs DB access" });
    const clientTrail = await page(boss, world.ids.clientA1, id);
    expect(clientTrail.events.some((e: { field: string }) => e.field === "tier")).toBe(false);
    const down = expectStatus(
      await call(agent, "POST", path(world.ids.clientA1, id, "/escalate"), {
        tier: "L1",
        reason: "fixed by L2, back to L1",
      }),
      200,
    );
    expect(down.body.tier).toBe("L1");
  });

  it("validates custom fields against the client's definitions, required ones at solve", async () => {
    const clientId = await createClient(admin, "fieldco");
    expectStatus(
      await call(admin, "PATCH", `/v1/clients/${clientId}`, {
        ticketFields: [
          { key: "order_id", label: "Order", type: "text", required: true },
          { key: "plan", label: "Plan", type: "select", options: ["basic", "pro"] },
          { key: "seats", label: "Seats", type: "number" },
        ],
      }),
      200,
    );
    const bad = await call(admin, "POST", "/v1/tickets", {
      clientId,
      subject: "x",
      body: "y",
      requester: { email: "a@b.example" },
      fields: { plan: "enterprise" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toEqual(["fields", "plan"]);
    const unknownField = await call(admin, "POST", "/v1/tickets", {
      clientId,
      subject: "x",
      body: "y",
      requester: { email: "a@b.example" },
      fields: { color: "red" },
    });
    expect(unknownField.body.issues[0].path).toEqual(["fields", "color"]);
    const id = await createTicket(admin, clientId, "Fields", { fields: { plan: "pro", seats: 3 } });
    const solve = await call(admin, "PATCH", path(clientId, id), { status: "solved" });
    expect(solve.status).toBe(400);
    expect(solve.body.issues[0].path).toEqual(["fields", "order_id"]);
    const solved = expectStatus(
      await call(admin, "PATCH", path(clientId, id), { fields: { order_id: "A-1", seats: null }, status: "solved" }),
      200,
    );
    expect(solved.body).toMatchObject({ status: "solved", fields: { order_id: "A-1", plan: "pro" } });
    expect(solved.body.fields.seats).toBeUndefined();
  });

  it("adds and removes tags", async () => {
    const id = await createTicket(agent, world.ids.clientA1, "Tags", { tags: ["a", "b"] });
    const updated = expectStatus(
      await call(agent, "PATCH", path(world.ids.clientA1, id), { addTags: ["c"], removeTags: ["a"] }),
      200,
    );
    expect(updated.body.tags).toEqual(["b", "c"]);
  });

  it("merges a duplicate: messages move, the duplicate closes with a pointer", async () => {
    const target = await createTicket(agent, world.ids.clientA1, "Original");
    const duplicate = await createTicket(agent, world.ids.clientA1, "Duplicate");
    await call(agent, "POST", path(world.ids.clientA1, duplicate, "/replies"), { body: "answer on the duplicate" });
    const merged = expectStatus(
      await call(agent, "POST", path(world.ids.clientA1, duplicate, "/merge"), { targetTicketId: target }),
      200,
    );
    expect(merged.body).toMatchObject({ status: "closed", mergedInto: target, messageCount: 0 });
    const targetPage = await page(agent, world.ids.clientA1, target);
    expect(targetPage.messages.map((m: { bodyText: string }) => m.bodyText)).toEqual([
      "Original: please help.",
      "Duplicate: please help.",
      "answer on the duplicate",
    ]);
    expect(targetPage.ticket.messageCount).toBe(3);
    expect((await page(agent, world.ids.clientA1, duplicate)).messages).toEqual([]);
    const otherClient = await call(admin, "POST", path(world.ids.clientA1, target, "/merge"), {
      targetTicketId: world.ids.ticketA2,
    });
    expect(otherClient.status).toBe(400);
  });

  it("updates up to 100 tickets in bulk, each on its own", async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await createTicket(agent, world.ids.clientA1, `Bulk ${i}`));
    const reply = expectStatus(
      await call(agent, "POST", "/v1/tickets/bulk", {
        tickets: [
          ...ids.map((ticketId) => ({ clientId: world.ids.clientA1, ticketId })),
          { clientId: world.ids.clientA2, ticketId: world.ids.ticketA2 },
        ],
        status: "pending",
        assigneeId: world.ids.agentA1,
      }),
      200,
    );
    expect(reply.body.results.filter((r: { ok: boolean }) => r.ok)).toHaveLength(3);
    expect(reply.body.results.at(-1)).toMatchObject({ ok: false, error: { code: "not_found" } });
    for (const id of ids) {
      expect((await page(agent, world.ids.clientA1, id)).ticket).toMatchObject({
        status: "pending",
        assigneeId: world.ids.agentA1,
      });
    }
    const tooMany = await call(agent, "POST", "/v1/tickets/bulk", {
      tickets: Array.from({ length: 101 }, (_, i) => ({ clientId: world.ids.clientA1, ticketId: `t${i}` })),
      status: "open",
    });
    expect(tooMany.status).toBe(400);
  });

  it("refuses stale versions with the current one, via If-Match or body", async () => {
    const id = await createTicket(agent, world.ids.clientA1, "Versions");
    const stale = await call(agent, "PATCH", path(world.ids.clientA1, id), { priority: "low" }, { "if-match": '"9"' });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe(1);
    expectStatus(await call(agent, "PATCH", path(world.ids.clientA1, id), { priority: "low", version: 1 }), 200);
    const again = await call(agent, "POST", path(world.ids.clientA1, id, "/notes"), { body: "x", version: 1 });
    expect(again.status).toBe(409);
  });

  it("never loses a concurrent update: 50 parallel writes are each applied or 409", async () => {
    const id = await createTicket(agent, world.ids.clientA1, "Contended");
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(agent, "PATCH", path(world.ids.clientA1, id), { addTags: [`t${i}`], version: 1 }),
      ),
    );
    const applied = replies.filter((r) => r.status === 200);
    const conflicts = replies.filter((r) => r.status === 409);
    expect(applied.length + conflicts.length).toBe(50);
    expect(applied).toHaveLength(1);
    // Without a version each write re-reads: some apply, the rest conflict, none vanish.
    const loose = await Promise.all(
      Array.from({ length: 50 }, (_, i) => call(agent, "PATCH", path(world.ids.clientA1, id), { addTags: [`u${i}`] })),
    );
    const won = loose.filter((r) => r.status === 200).map((r) => r.body.tags.find((t: string) => t.startsWith("u")));
    expect(loose.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const final = (await page(agent, world.ids.clientA1, id)).ticket;
    for (const tag of won) expect(final.tags).toContain(tag);
    expect(final.version).toBe(1 + applied.length + won.length);
  });

  it("refuses oversize attachments, and attachment metadata in place of uploads", async () => {
    // Files are uploaded first (attachments.test.ts has the rest); the upload is where size is checked.
    const big = await call(agent, "POST", `/v1/clients/${world.ids.clientA1}/attachments`, {
      filename: "huge.zip",
      contentType: "application/zip",
      size: 10 ** 9,
    });
    expect(big.status).toBe(400);
    expect(big.body.issues[0].path).toEqual(["size"]);
    const metadata = await call(agent, "POST", "/v1/tickets", {
      clientId: world.ids.clientA1,
      subject: "x",
      body: "y",
      requester: { email: "a@b.example" },
      attachments: [{ filename: "huge.iso", contentType: "application/octet-stream", size: 10 ** 9 }],
    });
    expect(metadata.status).toBe(400);
    expect(metadata.body.issues[0].path.slice(0, 2)).toEqual(["attachments", 0]);
  });

  it("sanitizes HTML bodies", async () => {
    const id = await createTicket(agent, world.ids.clientA1, "Html", {
      bodyHtml: '<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:evil()">x</a><b>bold</b></p>',
    });
    const html = (await page(agent, world.ids.clientA1, id)).messages[0].bodyHtml;
    expect(html).toContain("<b>bold</b>");
    expect(html).not.toMatch(/script|onclick|javascript/);
  });
});

describe("views", () => {
  it("client queue by status, oldest or newest first, with filters and sealed paging", async () => {
    const client = await createClient(admin, "viewco");
    const ids = [];
    for (let i = 0; i < 4; i++)
      ids.push(
        await createTicket(admin, client, `View ${i}`, {
          priority: i % 2 ? "high" : "low",
          tags: i === 3 ? ["vip"] : [],
        }),
      );
    const oldest = expectStatus(await call(admin, "GET", `/v1/tickets?view=client&clientId=${client}&status=new`), 200);
    expect(oldest.body.items.map((t: { id: string }) => t.id)).toEqual(ids);
    const newest = await call(admin, "GET", `/v1/tickets?view=client&clientId=${client}&status=new&order=newest`);
    expect(newest.body.items.map((t: { id: string }) => t.id)).toEqual([...ids].reverse());
    const high = await call(admin, "GET", `/v1/tickets?view=client&clientId=${client}&status=new&priority=high`);
    expect(high.body.items).toHaveLength(2);
    const vip = await call(admin, "GET", `/v1/tickets?view=client&clientId=${client}&status=new&tag=vip`);
    expect(vip.body.items.map((t: { id: string }) => t.id)).toEqual([ids[3]]);
    const first = await call(admin, "GET", `/v1/tickets?view=client&clientId=${client}&status=new&limit=3`);
    expect(first.body.items).toHaveLength(3);
    const next = await call(
      admin,
      "GET",
      `/v1/tickets?view=client&clientId=${client}&status=new&limit=3&cursor=${first.body.cursor}`,
    );
    expect(next.body.items.map((t: { id: string }) => t.id)).toEqual([ids[3]]);
    const foreign = await call(
      agent,
      "GET",
      `/v1/tickets?view=client&clientId=${world.ids.clientA1}&status=new&cursor=${first.body.cursor}`,
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body.code).toBe("invalid_cursor");
  });

  it("mine, unassigned and all, limited to the clients an agent serves", async () => {
    const fresh = await inviteAndAccept(admin, {
      email: "views@a.example",
      role: "agent",
      clientIds: [world.ids.clientA1],
    });
    const id = await createTicket(admin, world.ids.clientA1, "For the views agent");
    await call(fresh, "POST", path(world.ids.clientA1, id, "/take"));
    const mine = expectStatus(await call(fresh, "GET", "/v1/tickets?view=mine"), 200);
    expect(mine.body.items.map((t: { id: string }) => t.id)).toEqual([id]);
    const unassigned = await call(agent, "GET", "/v1/tickets?view=unassigned&limit=100");
    expect(
      unassigned.body.items.every(
        (t: { clientId: string; assigneeId: null }) => t.clientId === world.ids.clientA1 && t.assigneeId === null,
      ),
    ).toBe(true);
    const all = await call(agent, "GET", "/v1/tickets?view=all&status=new&limit=100");
    expect(all.body.items.length).toBeGreaterThan(0);
    expect(all.body.items.every((t: { clientId: string }) => t.clientId === world.ids.clientA1)).toBe(true);
    expect((await call(boss, "GET", "/v1/tickets?view=mine")).status).toBe(403);
    const bossAll = await call(boss, "GET", "/v1/tickets?view=all&status=new&limit=100");
    expect(bossAll.body.items.every((t: { clientId: string }) => t.clientId === world.ids.clientA1)).toBe(true);
  });

  it("lists one requester's tickets at a client, newest first", async () => {
    const client = await createClient(admin, "requesterco");
    const first = await createTicket(admin, client, "First", { requester: { email: "kim@r.example" } });
    await createTicket(admin, client, "Someone else", { requester: { email: "lee@r.example" } });
    const second = await createTicket(admin, client, "Second", { requester: { email: "Kim@R.example" } });
    const reply = expectStatus(
      await call(admin, "GET", `/v1/tickets?view=requester&clientId=${client}&requester=kim@r.example`),
      200,
    );
    expect(reply.body.items.map((t: { id: string }) => t.id)).toEqual([second, first]);
    expect(
      (await call(agent, "GET", `/v1/tickets?view=requester&clientId=${client}&requester=kim@r.example`)).status,
    ).toBe(404);
    expect((await call(admin, "GET", `/v1/tickets?view=requester&clientId=${client}`)).status).toBe(400);
  });

  it("counts per client and status from the counters kept with each write", async () => {
    const client = await createClient(admin, "countco");
    const a = await createTicket(admin, client, "c1");
    await createTicket(admin, client, "c2");
    await call(admin, "PATCH", path(client, a), { status: "pending" });
    const counts = expectStatus(await call(admin, "GET", "/v1/tickets/counts"), 200).body;
    expect(counts.clients.find((c: { clientId: string }) => c.clientId === client)).toMatchObject({
      new: 1,
      pending: 1,
      open: 0,
      unassigned: 2,
    });
    const agentCounts = (await call(agent, "GET", "/v1/tickets/counts")).body;
    expect(agentCounts.clients.map((c: { clientId: string }) => c.clientId)).toEqual([world.ids.clientA1]);
  });
});

describe("auto-close", () => {
  it("closes solved tickets after the client's auto-close days", async () => {
    const id = await createTicket(agent, world.ids.clientA1, "Will auto-close");
    await call(agent, "PATCH", path(world.ids.clientA1, id), { status: "solved" });
    expect((await autoClose({ time: new Date().toISOString() })).closed).toBe(0);
    const later = new Date(Date.now() + 5 * 24 * 3600 * 1000).toISOString();
    const result = await autoClose({ time: later });
    expect(result.closed).toBeGreaterThanOrEqual(1);
    const ticket = (await page(agent, world.ids.clientA1, id)).ticket;
    expect(ticket.status).toBe("closed");
    const trail = await page(agent, world.ids.clientA1, id);
    expect(trail.events.at(-1)).toMatchObject({ field: "status", to: "closed", actor: { type: "system" } });
  });
});
