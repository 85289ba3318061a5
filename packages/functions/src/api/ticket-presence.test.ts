import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { Config } from "@outdesk/core/config";
import { Dynamo, Outdesk } from "@outdesk/core/dynamo";
import { Table } from "@outdesk/core/table";
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus, type Persona } from "../../../../test/api";
import { buildWorld, createTicket, type World } from "../../../../test/world";

let world: World;
let admin: Persona;
let agent: Persona;
let boss: Persona;
const presence = (clientId: string, ticketId: string) => `/v1/clients/${clientId}/tickets/${ticketId}/presence`;

beforeAll(async () => {
  world = await buildWorld();
  ({ adminA: admin, agentA1: agent, clientAdminA1: boss } = world.personas);
});

describe("ticket presence", () => {
  it("writes a TTL item per user in the ticket's partition and shows each user the others", async () => {
    const ticketId = await createTicket(admin, world.ids.clientA1, "Presence");
    const path = presence(world.ids.clientA1, ticketId);
    const first = expectStatus(await call(agent, "PUT", path, { state: "viewing" }), 200);
    expect(first.body.items).toEqual([]);
    const before = Math.floor(Date.now() / 1000);
    const second = expectStatus(await call(admin, "PUT", path, { state: "typing" }), 200);
    expect(second.body.items).toMatchObject([{ userId: world.ids.agentA1, staff: true, state: "viewing" }]);

    // The item: keyed provider#client#ticket, expiresAt in epoch seconds about 30 s ahead (the table's TTL attribute).
    await Dynamo.ready();
    const key = Outdesk.entities.ticketPresence
      .get({ providerId: world.ids.providerA, clientId: world.ids.clientA1, ticketId, userId: world.ids.adminA })
      .params().Key as Record<string, string>;
    expect(key.pk).toBe(`${world.ids.providerA}#${world.ids.clientA1}#${ticketId}`);
    const raw = await Dynamo.raw().send(
      new GetItemCommand({
        TableName: Config.get("tableName"),
        Key: { pk: { S: key.pk! }, sk: { S: key.sk! } },
        ConsistentRead: true,
      }),
    );
    const item = unmarshall(raw.Item!);
    expect(Table.ttlAttribute).toBe("expiresAt");
    expect(item.expiresAt).toBeGreaterThanOrEqual(before + 29);
    expect(item.expiresAt).toBeLessThanOrEqual(before + 32);

    const seen = expectStatus(await call(agent, "GET", path), 200);
    expect(seen.body.items).toHaveLength(1);
    // The ticket's version comes in the same read: the console's "replied meanwhile" check.
    const version = seen.body.ticket.version;
    expectStatus(
      await call(admin, "POST", `/v1/clients/${world.ids.clientA1}/tickets/${ticketId}/replies`, { body: "Hi" }),
      201,
    );
    const after = expectStatus(await call(agent, "PUT", path, { state: "typing" }), 200);
    expect(after.body.ticket.version).toBe(version + 1);
    expect(seen.body.items[0]).toMatchObject({ userId: world.ids.adminA, state: "typing", internal: false });
    // The ticket page carries the same, read in its one Query; its thread is untouched by the items.
    const page = expectStatus(await call(agent, "GET", `/v1/clients/${world.ids.clientA1}/tickets/${ticketId}`), 200);
    expect(page.body.presence).toMatchObject([{ userId: world.ids.adminA, state: "typing", internal: false }]);
    expect(page.body.messages.map((m: { bodyText: string }) => m.bodyText)).toEqual(["Presence: please help.", "Hi"]);
    expect(page.body.events.map((e: { field: string }) => e.field)).not.toContain("presence");
  });

  it("hides an agent's typing of an internal note from client admins", async () => {
    const ticketId = await createTicket(admin, world.ids.clientA1, "Note typing");
    const path = presence(world.ids.clientA1, ticketId);
    expectStatus(await call(agent, "PUT", path, { state: "typing", internal: true }), 200);
    const staffView = expectStatus(await call(admin, "GET", path), 200);
    expect(staffView.body.items).toMatchObject([{ userId: world.ids.agentA1, state: "typing", internal: true }]);
    const clientView = expectStatus(await call(boss, "GET", path), 200);
    expect(clientView.body.items).toMatchObject([{ userId: world.ids.agentA1, state: "viewing", internal: false }]);
    expect(JSON.stringify(clientView.body)).not.toContain('"internal":true');
    const clientPage = expectStatus(
      await call(boss, "GET", `/v1/clients/${world.ids.clientA1}/tickets/${ticketId}`),
      200,
    );
    expect(clientPage.body.presence).toMatchObject([{ userId: world.ids.agentA1, state: "viewing", internal: false }]);
    expect(JSON.stringify(clientPage.body.presence)).not.toContain('"internal":true');
    // A client admin cannot claim to write a note.
    expectStatus(await call(boss, "PUT", path, { state: "typing", internal: true }), 200);
    const bossSeen = expectStatus(await call(admin, "GET", path), 200);
    expect(bossSeen.body.items.find((i: { userId: string }) => i.userId === world.ids.clientAdminA1)).toMatchObject({
      staff: false,
      state: "typing",
      internal: false,
    });
  });

  it("leaves out expired heartbeats that TTL has not deleted yet", async () => {
    const ticketId = await createTicket(admin, world.ids.clientA1, "Expired presence");
    await Dynamo.ready();
    await Outdesk.entities.ticketPresence
      .put({
        providerId: world.ids.providerA,
        clientId: world.ids.clientA1,
        ticketId,
        userId: world.ids.agentA1,
        name: "Gone",
        staff: true,
        state: "typing",
        at: new Date(Date.now() - 60_000).toISOString(),
        expiresAt: Math.floor(Date.now() / 1000) - 5,
      })
      .go();
    expect(expectStatus(await call(admin, "GET", presence(world.ids.clientA1, ticketId)), 200).body.items).toEqual([]);
    const page = expectStatus(await call(admin, "GET", `/v1/clients/${world.ids.clientA1}/tickets/${ticketId}`), 200);
    expect(page.body.presence).toEqual([]);
  });

  it("answers 404 for another tenant's or client's ticket and writes nothing there", async () => {
    const path = presence(world.ids.clientA1, world.ids.ticketA1);
    for (const [persona, target] of [
      [world.personas.adminB, path],
      [admin, presence(world.ids.clientA2, world.ids.ticketA1)],
      [admin, presence(world.ids.clientA1, "tkt_missing")],
      [world.personas.clientAdminA2, path],
      [agent, presence(world.ids.clientA2, world.ids.ticketA2)],
    ] as const) {
      expectStatus(await call(persona, "PUT", target, { state: "viewing" }), 404);
      expectStatus(await call(persona, "GET", target), 404);
    }
    const others = expectStatus(await call(admin, "GET", path), 200).body.items;
    expect(others.map((i: { userId: string }) => i.userId)).not.toContain(world.ids.adminB);
  });

  it("costs one Query and one PutItem per heartbeat, one Query per read", async () => {
    const ticketId = await createTicket(admin, world.ids.clientA1, "Presence cost");
    const path = presence(world.ids.clientA1, ticketId);
    // Warm: the first request of a session may read it.
    expectStatus(await call(agent, "PUT", path, { state: "viewing" }), 200);
    const beat = await Dynamo.measure(() => call(agent, "PUT", path, { state: "typing" }));
    const read = await Dynamo.measure(() => call(agent, "GET", path));
    expect(beat.requests).toBe(2);
    expect(read.requests).toBe(1);
    // Measured here: 0.5 RCU and 1 WCU a beat, 0.5 RCU a read (the items are small).
    expect(beat.writeUnits).toBe(1);
    expect(beat.readUnits).toBeLessThanOrEqual(1);
  });

  it("refuses bad input naming the field", async () => {
    const path = presence(world.ids.clientA1, world.ids.ticketA1);
    const bad = expectStatus(await call(agent, "PUT", path, { state: "dancing" }), 400);
    expect(bad.body.issues[0].path).toEqual(["state"]);
    const extra = expectStatus(await call(agent, "PUT", path, { state: "viewing", providerId: "x" }), 400);
    expect(JSON.stringify(extra.body.issues)).toContain("providerId");
  });
});

describe("a ticket by its number", () => {
  it("finds the client's ticket, and nobody else's", async () => {
    const ticketId = await createTicket(admin, world.ids.clientA1, "By number");
    const { number, key } = expectStatus(
      await call(admin, "GET", `/v1/clients/${world.ids.clientA1}/tickets/${ticketId}`),
      200,
    ).body.ticket;
    const found = expectStatus(
      await call(agent, "GET", `/v1/clients/${world.ids.clientA1}/ticket-numbers/${number}`),
      200,
    );
    expect(found.body).toMatchObject({ id: ticketId, key, subject: "By number", mergedInto: null });
    expectStatus(
      await call(world.personas.adminB, "GET", `/v1/clients/${world.ids.clientA1}/ticket-numbers/${number}`),
      404,
    );
    expectStatus(await call(admin, "GET", `/v1/clients/${world.ids.clientA2}/ticket-numbers/${number + 1000}`), 404);
    const bad = expectStatus(await call(admin, "GET", `/v1/clients/${world.ids.clientA1}/ticket-numbers/abc`), 400);
    expect(bad.body.issues[0].path).toEqual(["number"]);
  });
});

describe("editing who the ticket is for", () => {
  it("changes the requester with an audit event, moving the requester view", async () => {
    const ticketId = await createTicket(agent, world.ids.clientA1, "Wrong requester");
    const path = `/v1/clients/${world.ids.clientA1}/tickets/${ticketId}`;
    const changed = expectStatus(
      await call(agent, "PATCH", path, {
        requester: { name: "Pat Right", email: "Pat@Right.example" },
        subject: "Right requester",
        ccs: ["cc@right.example"],
        category: "billing",
      }),
      200,
    );
    expect(changed.body).toMatchObject({
      requester: { name: "Pat Right", email: "pat@right.example" },
      subject: "Right requester",
      ccs: ["cc@right.example"],
      category: "billing",
    });
    const page = expectStatus(await call(agent, "GET", path), 200).body;
    const event = page.events.find((e: { field: string }) => e.field === "requester");
    expect(event).toMatchObject({
      from: { name: "Riley Requester", email: "riley@customer.example" },
      to: { name: "Pat Right", email: "pat@right.example" },
    });
    expect(page.events.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(["subject", "ccs", "category"]),
    );
    const view = (email: string) =>
      call(agent, "GET", `/v1/tickets?view=requester&clientId=${world.ids.clientA1}&requester=${email}`);
    const moved = expectStatus(await view("pat@right.example"), 200).body.items;
    expect(moved.map((t: { id: string }) => t.id)).toContain(ticketId);
    const left = expectStatus(await view("riley@customer.example"), 200).body.items;
    expect(left.map((t: { id: string }) => t.id)).not.toContain(ticketId);
    // Dropping the name keeps the address.
    const unnamed = expectStatus(await call(agent, "PATCH", path, { requester: { email: "pat@right.example" } }), 200);
    expect(unnamed.body.requester).toEqual({ name: null, email: "pat@right.example" });
  });

  it("refuses a bad requester or CC naming the field, and client admins", async () => {
    const ticketId = await createTicket(agent, world.ids.clientA1, "Bad edits");
    const path = `/v1/clients/${world.ids.clientA1}/tickets/${ticketId}`;
    const bad = expectStatus(await call(agent, "PATCH", path, { requester: { email: "not-an-address" } }), 400);
    expect(bad.body.issues[0].path).toEqual(["requester", "email"]);
    const cc = expectStatus(await call(agent, "PATCH", path, { ccs: ["ok@x.example", "nope"] }), 400);
    expect(cc.body.issues[0].path).toEqual(["ccs", 1]);
    const subject = expectStatus(await call(agent, "PATCH", path, { subject: "  " }), 400);
    expect(subject.body.issues[0].path).toEqual(["subject"]);
    expectStatus(await call(boss, "PATCH", path, { requester: { email: "boss@x.example" } }), 403);
    const page = expectStatus(await call(agent, "GET", path), 200).body;
    expect(page.ticket.requester.email).toBe("riley@customer.example");
  });
});
