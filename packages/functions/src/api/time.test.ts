import { spread } from "@outdesk/core/billing/time";
import { dayIn } from "@outdesk/core/sla";
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus } from "../../../../test/api";
import { buildWorld, createClient, createTicket, type World } from "../../../../test/world";

let world: World;
beforeAll(async () => {
  world = await buildWorld();
});

let n = 0;
const month = () => dayIn("Europe/Berlin", Date.now()).slice(0, 7);
const entries = (clientId: string, ticketId: string, rest = "") =>
  `/v1/clients/${clientId}/tickets/${ticketId}/time-entries${rest}`;

/** A client of provider A with a contract that rounds billable time up to 6 minutes, 15 at least. */
async function contractedClient() {
  const { adminA } = world.personas;
  const clientId = await createClient(adminA, `time-${++n}`);
  expectStatus(
    await call(adminA, "POST", `/v1/clients/${clientId}/contract/versions`, {
      effectiveFrom: month(),
      terms: {
        name: "Hours",
        currency: "USD",
        components: [{ kind: "agent_hours", name: "Agents", hourlyRate: 6000 }],
        rounding: { incrementMinutes: 6, minimumMinutes: 15 },
      },
    }),
    201,
  );
  return { clientId, ticketId: await createTicket(adminA, clientId, "Worked on") };
}

const usage = async (clientId: string) =>
  expectStatus(await call(world.personas.adminA, "GET", `/v1/clients/${clientId}/usage?month=${month()}`), 200).body
    .totals;

describe("time entries", () => {
  it("splits an entry's minutes over the hours (client's zone) it covers", () => {
    expect(Object.fromEntries(spread("2026-11-02T08:50:00Z", 75, "UTC"))).toEqual({
      "2026-11-02": { h8: 10, h9: 60, h10: 5, total: 75 },
    });
    // Kathmandu is +05:45: 23:10 UTC is 04:55 there.
    expect(Object.fromEntries(spread("2026-11-01T23:10:00Z", 10, "Asia/Kathmandu"))).toEqual({
      "2026-11-02": { h4: 5, h5: 5, total: 10 },
    });
  });

  it("drafts, approves with the contract's rounding into the month's usage, and reopens back out", async () => {
    const { adminA } = world.personas;
    const { clientId, ticketId } = await contractedClient();
    const draft = expectStatus(
      await call(adminA, "POST", entries(clientId, ticketId), { minutes: 20, workType: "research", note: "Logs" }),
      201,
    ).body;
    expect(draft).toMatchObject({ status: "draft", minutes: 20, billing: "billable", billedMinutes: 0, version: 1 });
    const small = expectStatus(
      await call(adminA, "POST", entries(clientId, ticketId), { minutes: 3, billing: "billable" }),
      201,
    ).body;
    const free = expectStatus(
      await call(adminA, "POST", entries(clientId, ticketId), { minutes: 20, billing: "no_charge" }),
      201,
    ).body;
    const internal = expectStatus(
      await call(adminA, "POST", entries(clientId, ticketId), { minutes: 30, billing: "do_not_bill" }),
      201,
    ).body;
    // Drafts count nowhere yet.
    expect((await usage(clientId)).workedMinutes).toBe(0);

    const approve = (id: string) => call(adminA, "POST", entries(clientId, ticketId, `/${id}/approve`), {});
    // 20 minutes round up to 24 (6-minute steps); 3 minutes count as the 15-minute minimum.
    expect(expectStatus(await approve(draft.id), 200).body).toMatchObject({ status: "approved", billedMinutes: 24 });
    expect(expectStatus(await approve(small.id), 200).body.billedMinutes).toBe(15);
    expectStatus(await approve(free.id), 200);
    expectStatus(await approve(internal.id), 200);
    expect((await approve(draft.id)).status).toBe(409);
    expect(await usage(clientId)).toMatchObject({
      workedMinutes: 73,
      handledMinutes: 43,
      billableMinutes: 39,
      noChargeMinutes: 20,
    });
    // An approved entry is reopened before it changes; reopening gives its minutes back.
    expect((await call(adminA, "PATCH", entries(clientId, ticketId, `/${draft.id}`), { minutes: 9 })).status).toBe(409);
    const reopened = expectStatus(
      await call(adminA, "POST", entries(clientId, ticketId, `/${draft.id}/reopen`), {}),
      200,
    ).body;
    expect(reopened).toMatchObject({ status: "draft", billedMinutes: 0 });
    expect(await usage(clientId)).toMatchObject({ workedMinutes: 53, billableMinutes: 15 });
    const edited = expectStatus(
      await call(adminA, "PATCH", entries(clientId, ticketId, `/${draft.id}`), {
        minutes: 9,
        version: reopened.version,
      }),
      200,
    ).body;
    expect(edited.minutes).toBe(9);
    const stale = await call(adminA, "PATCH", entries(clientId, ticketId, `/${draft.id}`), { minutes: 10, version: 1 });
    expect(stale.status).toBe(409);
    expect((await call(adminA, "DELETE", entries(clientId, ticketId, `/${draft.id}`))).status).toBe(204);
    const list = expectStatus(await call(adminA, "GET", entries(clientId, ticketId)), 200).body.items;
    expect(list.map((e: { minutes: number }) => e.minutes).sort()).toEqual([20, 3, 30].sort());

    // Part of the time worked billable: 40 minutes worked, 25 billable → 30 billed (6-minute steps).
    const part = expectStatus(
      await call(adminA, "POST", entries(clientId, ticketId), { minutes: 40, billableMinutes: 25 }),
      201,
    ).body;
    expect(part).toMatchObject({ minutes: 40, billableMinutes: 25 });
    const tooMuch = await call(adminA, "PATCH", entries(clientId, ticketId, `/${part.id}`), { billableMinutes: 41 });
    expect(tooMuch.body.issues[0].path).toEqual(["billableMinutes"]);
    expect(expectStatus(await approve(part.id), 200).body).toMatchObject({ minutes: 40, billedMinutes: 30 });
    expect(await usage(clientId)).toMatchObject({ workedMinutes: 93, billableMinutes: 45 });
  });

  it("turns time logged with a reply into a draft entry on the ticket page, which client admins never see", async () => {
    const { agentA1, clientAdminA1 } = world.personas;
    const { clientA1, ticketA1 } = world.ids;
    expectStatus(
      await call(agentA1, "POST", `/v1/clients/${clientA1}/tickets/${ticketA1}/replies`, {
        body: "Looked into it.",
        timeSpentMinutes: 12,
        email: { send: false },
      }),
      201,
    );
    const page = expectStatus(await call(agentA1, "GET", `/v1/clients/${clientA1}/tickets/${ticketA1}`), 200).body;
    const logged = page.timeEntries.find((e: { minutes: number; messageId: string | null }) => e.minutes === 12);
    expect(logged).toMatchObject({ status: "draft", workType: "reply", agent: { id: world.ids.agentA1 } });
    expect(logged.messageId).toMatch(/^msg_/);
    const theirs = expectStatus(
      await call(clientAdminA1, "GET", `/v1/clients/${clientA1}/tickets/${ticketA1}`),
      200,
    ).body;
    expect(theirs.timeEntries).toEqual([]);
  });

  it("keeps entries to the staff serving the client; agents cannot approve; bad input names the field", async () => {
    const { agentA1, clientAdminA1, adminA, adminB } = world.personas;
    const { clientA1, ticketA1, clientA2, ticketA2 } = world.ids;
    expect((await call(clientAdminA1, "POST", entries(clientA1, ticketA1), { minutes: 5 })).status).toBe(403);
    expect((await call(agentA1, "POST", entries(clientA2, ticketA2), { minutes: 5 })).status).toBe(404);
    expect((await call(adminB, "POST", entries(clientA1, ticketA1), { minutes: 5 })).status).toBe(404);
    const mine = expectStatus(await call(agentA1, "POST", entries(clientA1, ticketA1), { minutes: 5 }), 201).body;
    expect((await call(agentA1, "POST", entries(clientA1, ticketA1, `/${mine.id}/approve`), {})).status).toBe(403);
    const zero = await call(agentA1, "POST", entries(clientA1, ticketA1), { minutes: 0 });
    expect(zero.status).toBe(400);
    expect(zero.body.issues[0].path).toEqual(["minutes"]);
    const future = await call(agentA1, "POST", entries(clientA1, ticketA1), {
      minutes: 5,
      startedAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(future.body.issues[0].path).toEqual(["startedAt"]);
    const forOther = await call(adminA, "POST", entries(clientA2, ticketA2), {
      minutes: 5,
      agentId: world.ids.agentA1,
    });
    expect(forOther.body.issues[0].path).toEqual(["agentId"]);
  });

  it("shows an agent's week across clients: their own, or anyone's for provider admins", async () => {
    const { agentA1, adminA } = world.personas;
    const now = new Date();
    const monday = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - ((now.getUTCDay() + 6) % 7)),
    );
    const week = monday.toISOString().slice(0, 10);
    const startedAt = new Date(monday.getTime() + 10 * 3_600_000).toISOString();
    const logged = expectStatus(
      await call(agentA1, "POST", entries(world.ids.clientA1, world.ids.ticketA1), { minutes: 45, startedAt }),
      201,
    ).body;
    const sheet = expectStatus(
      await call(agentA1, "GET", `/v1/timesheets/${world.ids.agentA1}?week=${week}`),
      200,
    ).body;
    expect(sheet.items.map((e: { id: string }) => e.id)).toContain(logged.id);
    expect(
      sheet.clients.find((c: { clientId: string }) => c.clientId === world.ids.clientA1).byDay[week],
    ).toBeGreaterThanOrEqual(45);
    expect((await call(adminA, "GET", `/v1/timesheets/${world.ids.agentA1}?week=${week}`)).status).toBe(200);
    expect((await call(agentA1, "GET", `/v1/timesheets/${world.ids.adminA}?week=${week}`)).status).toBe(403);
    const tuesday = await call(agentA1, "GET", `/v1/timesheets/${world.ids.agentA1}?week=2026-11-03`);
    expect(tuesday.status).toBe(400);
    expect(tuesday.body.issues[0].path).toEqual(["week"]);
  });
});
