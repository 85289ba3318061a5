import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus, type Persona } from "../../../../test/api";
import { buildWorld, createClient, createTicket, type World } from "../../../../test/world";

let world: World;
beforeAll(async () => {
  world = await buildWorld();
});

const HOUR = 3_600_000;
let n = 0;

async function calendar(admin: Persona, schedule: unknown = { timeZone: "UTC", alwaysOpen: true }) {
  return expectStatus(await call(admin, "POST", "/v1/calendars", { name: `Cal ${++n}`, schedule }), 201).body
    .id as string;
}

function standard(calendarId: string) {
  return {
    name: "Standard",
    targets: {
      first_reply: { calendarId, minutes: { normal: 60, urgent: 15 } },
      next_reply: { calendarId, minutes: { normal: 120 } },
      resolution: { calendarId, minutes: { normal: 480 } },
    },
  };
}

const ticketPath = (clientId: string, ticketId: string, rest = "") =>
  `/v1/clients/${clientId}/tickets/${ticketId}${rest}`;
const cycle = (ticket: { sla: { cycles: { metric: string }[] } }, metric: string) =>
  ticket.sla.cycles.find((c) => c.metric === metric) as Record<string, unknown> | undefined;

describe("SLA policies", () => {
  it("a provider admin saves ordered policies with defaults filled in; staff and the client's admins read them", async () => {
    const { adminA, clientAdminA1, agentA1 } = world.personas;
    const calendarId = await calendar(adminA);
    const empty = expectStatus(await call(adminA, "GET", `/v1/clients/${world.ids.clientA1}/sla-policies`), 200).body;
    expect(empty).toMatchObject({ version: 0, policies: [], fallback: expect.stringContaining("No policy matched") });
    const saved = expectStatus(
      await call(adminA, "PUT", `/v1/clients/${world.ids.clientA1}/sla-policies`, {
        policies: [{ ...standard(calendarId), name: "VIP", match: { tags: ["vip"] } }, standard(calendarId)],
      }),
      200,
    ).body;
    expect(saved.version).toBe(1);
    expect(saved.policies.map((p: { name: string }) => p.name)).toEqual(["VIP", "Standard"]);
    expect(saved.policies[1]).toMatchObject({
      id: expect.stringMatching(/^slp_/),
      match: {},
      pauses: {
        pending: ["first_reply", "next_reply", "periodic_update", "resolution"],
        on_hold: ["first_reply", "next_reply", "periodic_update"],
      },
      warnings: [75, 90],
      escalation: [
        { atPercent: 90, action: "notify_assignee" },
        { atPercent: 100, action: "raise_tier" },
        { atPercent: 150, action: "notify_admins" },
      ],
    });
    expect(saved.calendars).toEqual([{ id: calendarId, name: expect.any(String) }]);
    for (const persona of [clientAdminA1, agentA1]) {
      const read = expectStatus(await call(persona, "GET", `/v1/clients/${world.ids.clientA1}/sla-policies`), 200).body;
      expect(read.policies).toHaveLength(2);
    }
    // Edits keep ids; a stale version is refused.
    const stale = await call(adminA, "PUT", `/v1/clients/${world.ids.clientA1}/sla-policies`, {
      policies: [],
      version: 5,
    });
    expect(stale.status, JSON.stringify(stale.body)).toBe(409);
    // Put back none for the other tests of this world's client a1.
    expectStatus(
      await call(adminA, "PUT", `/v1/clients/${world.ids.clientA1}/sla-policies`, { policies: [], version: 1 }),
      200,
    );
  });

  it("refuses bad policies naming the field, and writes nothing", async () => {
    const { adminA, adminB } = world.personas;
    const clientId = await createClient(adminA, `sla-bad-${++n}`);
    const calendarId = await calendar(adminA);
    const foreign = await calendar(adminB);
    const put = (policy: unknown) =>
      call(adminA, "PUT", `/v1/clients/${clientId}/sla-policies`, { policies: [policy] });
    const cases: [unknown, (string | number)[]][] = [
      [
        { ...standard(calendarId), targets: { first_reply: { calendarId, minutes: { normal: 0 } } } },
        ["policies", 0, "targets", "first_reply", "minutes", "normal"],
      ],
      [
        { ...standard(calendarId), targets: { first_reply: { calendarId, minutes: { normal: -5 } } } },
        ["policies", 0, "targets", "first_reply", "minutes", "normal"],
      ],
      [{ ...standard(calendarId), targets: {} }, ["policies", 0, "targets"]],
      [{ ...standard(calendarId), warnings: [90, 75] }, ["policies", 0, "warnings"]],
      [{ ...standard(calendarId), warnings: [0] }, ["policies", 0, "warnings", 0]],
      [
        {
          ...standard(calendarId),
          escalation: [
            { atPercent: 100, action: "raise_tier" },
            { atPercent: 50, action: "notify_assignee" },
          ],
        },
        ["policies", 0, "escalation"],
      ],
      [
        { ...standard("cal_nope"), targets: { first_reply: { calendarId: "cal_nope", minutes: { normal: 5 } } } },
        ["policies", 0, "targets", "first_reply", "calendarId"],
      ],
      [
        { ...standard(foreign), targets: { resolution: { calendarId: foreign, minutes: { normal: 5 } } } },
        ["policies", 0, "targets", "resolution", "calendarId"],
      ],
    ];
    for (const [policy, path] of cases) {
      const reply = await put(policy);
      expect(reply.status, JSON.stringify(policy)).toBe(400);
      expect(
        reply.body.issues.map((i: { path: unknown }) => i.path),
        JSON.stringify(policy),
      ).toContainEqual(path);
    }
    expect(expectStatus(await call(adminA, "GET", `/v1/clients/${clientId}/sla-policies`), 200).body.version).toBe(0);
  });

  it("only provider admins write; another tenant's or client's policies are 404", async () => {
    const { agentA1, clientAdminA1, clientAdminA2, adminB } = world.personas;
    const path = `/v1/clients/${world.ids.clientA1}/sla-policies`;
    expect((await call(agentA1, "PUT", path, { policies: [] })).status).toBe(403);
    expect((await call(clientAdminA1, "PUT", path, { policies: [] })).status).toBe(403);
    expect((await call(clientAdminA2, "GET", path)).status).toBe(404);
    expect((await call(adminB, "GET", path)).status).toBe(404);
    expect((await call(adminB, "PUT", path, { policies: [] })).status).toBe(404);
    expect((await call(agentA1, "GET", `/v1/clients/${world.ids.clientA2}/sla-policies`)).status).toBe(404);
  });
});

describe("SLA clocks on tickets", () => {
  async function measuredClient(schedule?: unknown) {
    const { adminA } = world.personas;
    const clientId = await createClient(adminA, `sla-${++n}`);
    const calendarId = await calendar(adminA, schedule);
    expectStatus(
      await call(adminA, "PUT", `/v1/clients/${clientId}/sla-policies`, { policies: [standard(calendarId)] }),
      200,
    );
    return { clientId, calendarId };
  }

  it("start with the ticket, show in the queue, stop on the first public reply, pause while pending", async () => {
    const { adminA } = world.personas;
    const { clientId } = await measuredClient();
    const ticketId = await createTicket(adminA, clientId, "Printer offline");
    const page = expectStatus(await call(adminA, "GET", ticketPath(clientId, ticketId)), 200).body;
    const created = Date.parse(page.ticket.createdAt);
    expect(page.ticket.sla.policy).toMatchObject({ name: "Standard", setVersion: 1 });
    expect(cycle(page.ticket, "first_reply")).toMatchObject({
      state: "running",
      targetMinutes: 60,
      dueAt: new Date(created + HOUR).toISOString(),
    });
    expect(cycle(page.ticket, "resolution")?.dueAt).toBe(new Date(created + 8 * HOUR).toISOString());
    expect(page.ticket.dueAt).toBe(new Date(created + HOUR).toISOString());
    const slaEvents = page.events.filter((e: { field: string }) => e.field === "sla");
    expect(slaEvents).toHaveLength(1);
    expect(slaEvents[0].to.map((e: { kind: string }) => e.kind)).toEqual(["policy_applied", "start", "start"]);

    const queue = expectStatus(
      await call(adminA, "GET", `/v1/tickets?view=client&clientId=${clientId}&status=new`),
      200,
    ).body.items;
    expect(queue[0].sla).toEqual([
      {
        metric: "first_reply",
        state: "running",
        dueAt: new Date(created + HOUR).toISOString(),
        breached: false,
        outcome: null,
      },
      {
        metric: "resolution",
        state: "running",
        dueAt: new Date(created + 8 * HOUR).toISOString(),
        breached: false,
        outcome: null,
      },
    ]);

    // An internal note answers nothing; a public reply fulfils the first reply.
    expectStatus(await call(adminA, "POST", ticketPath(clientId, ticketId, "/notes"), { body: "checking" }), 201);
    const noted = expectStatus(await call(adminA, "GET", ticketPath(clientId, ticketId)), 200).body.ticket;
    expect(cycle(noted, "first_reply")?.state).toBe("running");
    const replied = expectStatus(
      await call(adminA, "POST", ticketPath(clientId, ticketId, "/replies"), {
        body: "On it",
        status: "pending",
        email: { send: false },
      }),
      201,
    ).body.ticket;
    expect(cycle(replied, "first_reply")).toMatchObject({ state: "stopped", outcome: "met" });
    expect(cycle(replied, "resolution")).toMatchObject({ state: "paused", dueAt: null });
    expect(replied.dueAt).toBeNull();

    // The requester's side answers: the ticket opens, resolution resumes, next reply starts.
    const answered = expectStatus(
      await call(world.personas.adminA, "PATCH", ticketPath(clientId, ticketId), { status: "open" }),
      200,
    ).body;
    expect(cycle(answered, "resolution")?.state).toBe("running");
    const solved = expectStatus(
      await call(adminA, "PATCH", ticketPath(clientId, ticketId), { status: "solved" }),
      200,
    ).body;
    expect(cycle(solved, "resolution")).toMatchObject({ state: "stopped", outcome: "met" });
  });

  it("a calendar change reaches the clients whose policies count on it", async () => {
    const { adminA } = world.personas;
    const { clientId, calendarId } = await measuredClient();
    // From now on: only the day after tomorrow (UTC) is working time.
    const dayAfter = new Date(Date.now() + 2 * 86_400_000);
    const weekday = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][dayAfter.getUTCDay()];
    expectStatus(
      await call(adminA, "POST", `/v1/calendars/${calendarId}/versions`, {
        schedule: { timeZone: "UTC", hours: [{ day: weekday, from: "00:00", to: "24:00" }] },
      }),
      201,
    );
    const ticketId = await createTicket(adminA, clientId, "After the change");
    const ticket = expectStatus(await call(adminA, "GET", ticketPath(clientId, ticketId)), 200).body.ticket;
    const opening = Date.UTC(dayAfter.getUTCFullYear(), dayAfter.getUTCMonth(), dayAfter.getUTCDate());
    expect(cycle(ticket, "first_reply")?.dueAt).toBe(new Date(opening + HOUR).toISOString());
  });

  it("cost no request: a reply to a measured ticket is the same BatchGet and transaction", async () => {
    const { adminA } = world.personas;
    const { clientId } = await measuredClient();
    const ticketId = await createTicket(adminA, clientId, "Counted");
    const { Dynamo } = await import("@outdesk/core/dynamo");
    const measured = await Dynamo.measure(() =>
      call(adminA, "POST", ticketPath(clientId, ticketId, "/replies"), { body: "Hello", email: { send: false } }),
    );
    expect(measured.result.status).toBe(201);
    expect(measured.requests).toBe(2);
  });

  it("a manual due time needs a reason and is audited", async () => {
    const { adminA, clientAdminA1, adminB } = world.personas;
    const { clientId } = await measuredClient();
    const ticketId = await createTicket(adminA, clientId, "Needs more time");
    const path = ticketPath(clientId, ticketId, "/sla-override");
    const dueAt = new Date(Date.now() + 5 * HOUR).toISOString();
    const missing = await call(adminA, "POST", path, { metric: "first_reply", dueAt });
    expect(missing.status).toBe(400);
    expect(missing.body.issues[0].path).toEqual(["reason"]);
    const short = await call(adminA, "POST", path, { metric: "first_reply", dueAt, reason: "x" });
    expect(short.body.issues[0].path).toEqual(["reason"]);
    expect((await call(clientAdminA1, "POST", path, { metric: "first_reply", dueAt, reason: "agreed" })).status).toBe(
      403,
    );
    expect((await call(adminB, "POST", path, { metric: "first_reply", dueAt, reason: "agreed" })).status).toBe(404);
    const done = expectStatus(
      await call(adminA, "POST", path, { metric: "first_reply", dueAt, reason: "customer asked us to call on Monday" }),
      200,
    ).body;
    expect(done.sla.cycles.find((c: { metric: string }) => c.metric === "first_reply").dueAt).toBe(dueAt);
    const page = expectStatus(await call(adminA, "GET", ticketPath(clientId, ticketId)), 200).body;
    const audit = page.events.filter((e: { field: string }) => e.field === "sla").pop();
    expect(audit.to[0]).toMatchObject({
      kind: "override",
      metric: "first_reply",
      detail: { to: dueAt, reason: "customer asked us to call on Monday" },
    });
    // A stopped clock cannot be moved.
    expectStatus(
      await call(adminA, "POST", ticketPath(clientId, ticketId, "/replies"), { body: "Hi", email: { send: false } }),
      201,
    );
    expect((await call(adminA, "POST", path, { metric: "first_reply", dueAt, reason: "too late" })).status).toBe(409);
  });

  it("a policy edit applies to new tickets; a running ticket keeps the targets it got", async () => {
    const { adminA } = world.personas;
    const { clientId, calendarId } = await measuredClient();
    const before = await createTicket(adminA, clientId, "Before the edit");
    const set = expectStatus(await call(adminA, "GET", `/v1/clients/${clientId}/sla-policies`), 200).body;
    const edited = {
      ...set.policies[0],
      targets: { ...set.policies[0].targets, first_reply: { calendarId, minutes: { normal: 10 } } },
    };
    expectStatus(
      await call(adminA, "PUT", `/v1/clients/${clientId}/sla-policies`, { policies: [edited], version: set.version }),
      200,
    );
    const after = await createTicket(adminA, clientId, "After the edit");
    const target = async (ticketId: string) =>
      cycle(expectStatus(await call(adminA, "GET", ticketPath(clientId, ticketId)), 200).body.ticket, "first_reply")
        ?.targetMinutes;
    expect(await target(before)).toBe(60);
    expect(await target(after)).toBe(10);
    // A status change on the old ticket does not pick up the edit either.
    expectStatus(await call(adminA, "PATCH", ticketPath(clientId, before), { status: "open" }), 200);
    expect(await target(before)).toBe(60);
  });
});
