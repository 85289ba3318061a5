import { Dynamo } from "@outdesk/core/dynamo";
import { dayIn } from "@outdesk/core/sla";
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus } from "../../../../test/api";
import { deliverMail, rawMail } from "../../../../test/email";
import { buildWorld, createClient, type World } from "../../../../test/world";

let world: World;
beforeAll(async () => {
  world = await buildWorld();
});

let n = 0;
const ticketPath = (clientId: string, ticketId: string, rest = "") =>
  `/v1/clients/${clientId}/tickets/${ticketId}${rest}`;

describe("metered usage", () => {
  it("meters created, solved once a month, reopened and contacts by channel, in the ticket write itself", async () => {
    const { adminA } = world.personas;
    const clientId = await createClient(adminA, `usage-${++n}`);
    const created = expectStatus(
      await call(adminA, "POST", "/v1/tickets", {
        clientId,
        subject: "Chat about a refund",
        body: "Customer asked in chat.",
        requester: { email: "pat@customer.example" },
        channel: "chat",
      }),
      201,
    ).body;
    const path = (rest = "") => ticketPath(clientId, created.id, rest);
    const reply = (body: string, status?: string) =>
      call(adminA, "POST", path("/replies"), { body, email: { send: false }, ...(status ? { status } : {}) });

    // A reply meters a contact in the same BatchGet + transaction: no extra request.
    const measured = await Dynamo.measure(() => reply("Refund is on its way."));
    expect(measured.result.status).toBe(201);
    expect(measured.requests).toBe(2);
    expectStatus(await reply("Done.", "solved"), 201);
    // Reopened by a note to the requester's side, solved again: billed as solved once this month.
    expectStatus(await call(adminA, "PATCH", path(), { status: "open" }), 200);
    expectStatus(await call(adminA, "PATCH", path(), { status: "solved" }), 200);
    // An internal note meters nothing.
    expectStatus(await call(adminA, "POST", path("/notes"), { body: "Refund issued in the PSP." }), 201);

    const month = dayIn("Europe/Berlin", Date.now()).slice(0, 7);
    const usage = expectStatus(await call(adminA, "GET", `/v1/clients/${clientId}/usage?month=${month}`), 200).body;
    expect(usage.totals).toEqual({
      ticketsCreated: 1,
      ticketsSolved: 1,
      // Two public replies before the solve: not solved on first contact.
      ticketsSolvedFirstContact: 0,
      ticketsReopened: 1,
      contacts: { email: 0, web: 0, api: 0, phone: 0, chat: 2 },
      workedMinutes: 0,
      handledMinutes: 0,
      billableMinutes: 0,
      noChargeMinutes: 0,
    });
    expect(usage.days).toHaveLength(1);
    expect(usage.monthToDate).toBe(true);
    // created, solved, reopened, contact_chat: one rollup item each (one shard for one ticket).
    expect(usage.reads).toBe(4);
  });

  it("meters a ticket that arrives by mail too; the client's admins read their usage, agents do not", async () => {
    const { adminA, agentA1, clientAdminA1, clientAdminA2 } = world.personas;
    const month = dayIn("Europe/Berlin", Date.now()).slice(0, 7);
    const path = `/v1/clients/${world.ids.clientA1}/usage?month=${month}`;
    const before = expectStatus(await call(clientAdminA1, "GET", path), 200).body;
    const address = world.ids.addressA1;
    const mail = rawMail({ from: "pat@customer.example", to: [address], subject: "By mail", text: "Hello" });
    expect((await deliverMail(mail, { recipients: [address] })).outcome).toBe("delivered");
    const after = expectStatus(await call(clientAdminA1, "GET", path), 200).body;
    expect(after.totals.ticketsCreated).toBe(before.totals.ticketsCreated + 1);
    // The automatic acknowledgement is no contact: only staff replies are.
    expect(after.totals.contacts).toEqual(before.totals.contacts);
    expect((await call(agentA1, "GET", path)).status).toBe(403);
    expect((await call(clientAdminA2, "GET", path)).status).toBe(404);
    expect((await call(adminA, "GET", `/v1/clients/${world.ids.clientA1}/usage?month=2026-13`)).status).toBe(400);
  });
});
