import { Outdesk } from "@outdesk/core/dynamo";
import { dayIn } from "@outdesk/core/sla";
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus } from "../../../../test/api";
import { buildWorld, createClient, createTicket, type World } from "../../../../test/world";
import { handler as sweep } from "../sla-sweep";

let world: World;
beforeAll(async () => {
  world = await buildWorld();
});

let n = 0;
const MINUTE = 60_000;

async function measuredClient() {
  const { adminA } = world.personas;
  const clientId = await createClient(adminA, `report-${++n}`);
  expectStatus(
    await call(adminA, "PUT", `/v1/clients/${clientId}/sla-policies`, {
      policies: [
        {
          name: "Plain",
          targets: {
            first_reply: { calendarId: null, minutes: { normal: 60, high: 30 } },
            resolution: { calendarId: null, minutes: { normal: 600 } },
          },
        },
      ],
    }),
    200,
  );
  return clientId;
}

/** Rollup items of a finished month written as known data: the formula is checked on them. */
async function knownMonth(clientId: string, month: string) {
  const base = { providerId: world.ids.providerA, clientId, metric: "first_reply" as const };
  const rows = [
    // Day 3: 3 met (≤ 15, ≤ 30, ≤ 60 minutes), 1 breached that ended at ≤ 90.
    {
      day: `${month}-03`,
      priority: "normal" as const,
      shard: "0",
      met: 3,
      breached: 1,
      ended: 4,
      h4: 1,
      h6: 1,
      h7: 0,
      h8: 1,
      h9: 1,
    },
    // Day 20, another shard: 1 met in 5 minutes, 1 breached still running (not ended).
    { day: `${month}-20`, priority: "normal" as const, shard: "2", met: 1, breached: 1, ended: 1, h2: 1 },
    { day: `${month}-21`, priority: "high" as const, shard: "1", met: 0, breached: 2, ended: 2, h10: 2 },
  ];
  for (const row of rows) await Outdesk.entities.slaRollup.create({ ...base, ...row } as never).go();
  await Outdesk.entities.slaBreach
    .create({
      ...base,
      day: `${month}-03`,
      ticketId: "tkt_known",
      ticketKey: "KNOWN-1",
      subject: '=HYPERLINK("http://evil.example")',
      priority: "normal",
      targetMinutes: 60,
      cycleStartedAt: `${month}-03T08:00:00.000Z`,
      breachedAt: `${month}-03T09:00:00.000Z`,
      endedAt: `${month}-03T11:00:00.000Z`,
      usedMinutes: 90,
      pausedMinutes: 20,
    })
    .go();
}

describe("SLA reports", () => {
  it("computes compliance and p50/p90 by the documented formula from the month's rollups", async () => {
    const clientId = await measuredClient();
    await knownMonth(clientId, "2026-10");
    const report = expectStatus(
      await call(world.personas.adminA, "GET", `/v1/clients/${clientId}/sla-report?month=2026-10`),
      200,
    ).body;
    const firstReply = report.metrics.find((m: { metric: string }) => m.metric === "first_reply");
    // met 4, breached 4 → 50 %; ended 7: buckets 5 (1), 15 (1), 30 (1), 45 (0), 60 (1), 90 (1), 120 (2).
    expect(firstReply.total).toEqual({
      measured: 8,
      met: 4,
      breached: 4,
      compliance: 50,
      ended: 7,
      p50Minutes: 60,
      p90Minutes: 120,
      // The known rows carry no minute sums.
      meanMinutes: 0,
    });
    expect(firstReply.byPriority.find((p: { priority: string }) => p.priority === "normal")).toMatchObject({
      measured: 6,
      met: 4,
      breached: 2,
      compliance: 66.67,
    });
    expect(firstReply.byPriority.find((p: { priority: string }) => p.priority === "high")).toMatchObject({
      compliance: 0,
      p50Minutes: 120,
    });
    expect(report.metrics.find((m: { metric: string }) => m.metric === "resolution").total.compliance).toBeNull();
    expect(report.formula).toContain("met ÷ (met + breached)");
    expect(report.reads).toBe(3);
    // Another month reads none of these.
    const other = expectStatus(
      await call(world.personas.adminA, "GET", `/v1/clients/${clientId}/sla-report?month=2026-09`),
      200,
    ).body;
    expect(other.reads).toBe(0);
  });

  it("freezes a finished month once; later changes never alter the statement; the CSV is formula-safe", async () => {
    const { adminA } = world.personas;
    const clientId = await measuredClient();
    await knownMonth(clientId, "2026-08");
    const frozen = expectStatus(
      await call(adminA, "POST", `/v1/clients/${clientId}/sla-statements`, { month: "2026-08" }),
      201,
    ).body;
    expect(frozen).toMatchObject({ month: "2026-08", policies: [{ name: "Plain" }], policySetVersion: 1 });
    expect(frozen.breaches).toEqual([
      expect.objectContaining({
        ticketKey: "KNOWN-1",
        businessMinutes: 90,
        pausedMinutes: 20,
        // 180 calendar minutes, 90 worked, 20 paused: 70 out of hours.
        outOfHoursMinutes: 70,
      }),
    ]);
    const twice = await call(adminA, "POST", `/v1/clients/${clientId}/sla-statements`, { month: "2026-08" });
    expect(twice.status).toBe(409);
    const current = dayIn("Europe/Berlin", Date.now()).slice(0, 7);
    const early = await call(adminA, "POST", `/v1/clients/${clientId}/sla-statements`, { month: current });
    expect(early.status).toBe(400);
    expect(early.body.issues[0].path).toEqual(["month"]);
    const bad = await call(adminA, "POST", `/v1/clients/${clientId}/sla-statements`, { month: "2026-13" });
    expect(bad.status).toBe(400);

    // More data for the month: the live report moves, the statement does not.
    await Outdesk.entities.slaRollup
      .create({
        providerId: world.ids.providerA,
        clientId,
        metric: "first_reply",
        day: "2026-08-30",
        priority: "normal",
        shard: "3",
        met: 10,
        ended: 10,
        h1: 10,
      } as never)
      .go();
    const live = expectStatus(await call(adminA, "GET", `/v1/clients/${clientId}/sla-report?month=2026-08`), 200).body;
    expect(live.metrics[0].total.met).toBe(14);
    const again = expectStatus(await call(adminA, "GET", `/v1/clients/${clientId}/sla-statements/2026-08`), 200).body;
    expect(again).toEqual(frozen);
    const list = expectStatus(await call(adminA, "GET", `/v1/clients/${clientId}/sla-statements`), 200).body;
    expect(list.items.map((i: { month: string }) => i.month)).toEqual(["2026-08"]);

    const csv = await call(adminA, "GET", `/v1/clients/${clientId}/sla-statements/2026-08/csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.headers.get("content-disposition")).toContain("attachment");
    const text = csv.body as string;
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(text).not.toMatch(/(^|,)"?=HYPERLINK/m);
    expect(text).toContain('"first_reply","all","8","4","4","50"');
  });

  it("names the calendar versions in force in the frozen month: version 1 also covers the time before it", async () => {
    const { adminA } = world.personas;
    const clientId = await createClient(adminA, `report-${++n}`);
    const hours = { timeZone: "Europe/Berlin", hours: [{ day: "mon", from: "09:00", to: "17:00" }] };
    const calendar = expectStatus(
      await call(adminA, "POST", "/v1/calendars", { name: `Berlin ${n}`, schedule: hours }),
      201,
    ).body;
    const later = new Date(Date.now() + 86_400_000).toISOString();
    expectStatus(
      await call(adminA, "POST", `/v1/calendars/${calendar.id}/versions`, {
        schedule: { ...hours, hours: [{ day: "tue", from: "09:00", to: "17:00" }] },
        effectiveFrom: later,
      }),
      201,
    );
    expectStatus(
      await call(adminA, "PUT", `/v1/clients/${clientId}/sla-policies`, {
        policies: [{ name: "Hours", targets: { first_reply: { calendarId: calendar.id, minutes: { normal: 60 } } } }],
      }),
      200,
    );
    // Both versions start after August: version 1 was the schedule then, version 2 was not.
    const frozen = expectStatus(
      await call(adminA, "POST", `/v1/clients/${clientId}/sla-statements`, { month: "2026-08" }),
      201,
    ).body;
    expect(frozen.calendars).toEqual([
      {
        id: calendar.id,
        name: `Berlin ${n}`,
        versions: [{ number: 1, effectiveFrom: calendar.current.effectiveFrom }],
      },
    ]);
  });

  it("counts the clocks of real tickets: a met first reply, a breach found by the sweep, in the client's days", async () => {
    const { adminA } = world.personas;
    const clientId = await measuredClient();
    const met = await createTicket(adminA, clientId, "Answered in time");
    expectStatus(
      await call(adminA, "POST", `/v1/clients/${clientId}/tickets/${met}/replies`, {
        body: "Hi",
        email: { send: false },
      }),
      201,
    );
    const late = await createTicket(adminA, clientId, "Left alone", { priority: "high" });
    const page = expectStatus(await call(adminA, "GET", `/v1/clients/${clientId}/tickets/${late}`), 200).body;
    const breachAt = Date.parse(page.ticket.createdAt) + 30 * MINUTE;
    await sweep({ time: new Date(breachAt + MINUTE).toISOString() });
    const months = [
      ...new Set([dayIn("Europe/Berlin", Date.now()), dayIn("Europe/Berlin", breachAt)].map((d) => d.slice(0, 7))),
    ];
    let met1 = 0;
    let breached = 0;
    for (const month of months) {
      const report = expectStatus(
        await call(adminA, "GET", `/v1/clients/${clientId}/sla-report?month=${month}`),
        200,
      ).body;
      const fr = report.metrics.find((m: { metric: string }) => m.metric === "first_reply");
      met1 += fr.byPriority.find((p: { priority: string }) => p.priority === "normal").met;
      breached += fr.byPriority.find((p: { priority: string }) => p.priority === "high").breached;
      const drill = expectStatus(
        await call(adminA, "GET", `/v1/clients/${clientId}/sla-report/breaches?month=${month}`),
        200,
      ).body.items;
      if (drill.length) expect(drill[0]).toMatchObject({ ticketId: late, metric: "first_reply", endedAt: null });
    }
    expect({ met1, breached }).toEqual({ met1: 1, breached: 1 });
    // Replying later ends the breached cycle: it counts as ended, not as a second breach.
    expectStatus(
      await call(adminA, "POST", `/v1/clients/${clientId}/tickets/${late}/replies`, {
        body: "Sorry",
        email: { send: false },
      }),
      201,
    );
    const month = dayIn("Europe/Berlin", Date.now()).slice(0, 7);
    const after = expectStatus(
      await call(adminA, "GET", `/v1/clients/${clientId}/sla-report?month=${month}`),
      200,
    ).body;
    const high = after.metrics[0].byPriority.find((p: { priority: string }) => p.priority === "high");
    expect(high.ended).toBe(1);
  });

  it("client admins read their own client's report and statements only; supervisors see every client", async () => {
    const { adminA, clientAdminA1, clientAdminA2, adminB, agentA1 } = world.personas;
    const own = `/v1/clients/${world.ids.clientA1}`;
    expectStatus(await call(clientAdminA1, "GET", `${own}/sla-report?month=2026-10`), 200);
    expectStatus(await call(clientAdminA1, "GET", `${own}/sla-statements`), 200);
    expect((await call(clientAdminA2, "GET", `${own}/sla-report?month=2026-10`)).status).toBe(404);
    expect((await call(adminB, "GET", `${own}/sla-report/breaches?month=2026-10`)).status).toBe(404);
    expect((await call(clientAdminA1, "POST", `${own}/sla-statements`, { month: "2026-10" })).status).toBe(403);
    const overview = expectStatus(await call(adminA, "GET", "/v1/sla-report?month=2026-10"), 200).body;
    expect(overview.clients.map((c: { clientId: string }) => c.clientId)).toContain(world.ids.clientA1);
    const agentView = expectStatus(await call(agentA1, "GET", "/v1/sla-report?month=2026-10"), 200).body;
    expect(agentView.clients.map((c: { clientId: string }) => c.clientId)).toEqual([world.ids.clientA1]);
    expect((await call(clientAdminA1, "GET", "/v1/sla-report?month=2026-10")).status).toBe(403);
  });
});
