import { Dynamo } from "@outdesk/core/dynamo";
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus } from "../../../test/api";
import { nowSeconds, sentSince } from "../../../test/email";
import { sesRecord, snsEvent } from "../../../test/ses-events";
import { buildWorld, createClient, createTicket, type World } from "../../../test/world";
import { handler as sesEvents } from "./email-events";
import { handler } from "./sla-sweep";

/**
 * The SLA sweeper through its handler, on a clock the test drives (the scheduled event's time):
 * warnings at 75 and 90 %, the breach at the due time, the escalation ladder (notify the
 * assignee, raise the tier, notify the provider's admins), in-console notifications and mail,
 * each once however often or concurrently it runs.
 */
let world: World;
beforeAll(async () => {
  world = await buildWorld();
});

const MINUTE = 60_000;
let n = 0;

async function measuredTicket(assignee?: string) {
  const { adminA } = world.personas;
  const clientId = await createClient(adminA, `sweep-${++n}`);
  const calendarId = expectStatus(
    await call(adminA, "POST", "/v1/calendars", { name: `24x7 ${n}`, schedule: { timeZone: "UTC", alwaysOpen: true } }),
    201,
  ).body.id;
  expectStatus(
    await call(adminA, "PUT", `/v1/clients/${clientId}/sla-policies`, {
      policies: [
        {
          name: "Fast",
          targets: {
            first_reply: { calendarId, minutes: { normal: 60 } },
            resolution: { calendarId: null, minutes: { normal: 600 } },
          },
        },
      ],
    }),
    200,
  );
  const ticketId = await createTicket(adminA, clientId, `Unanswered ${n}`, assignee ? { assigneeId: assignee } : {});
  const page = expectStatus(await call(adminA, "GET", `/v1/clients/${clientId}/tickets/${ticketId}`), 200).body;
  return { clientId, ticketId, createdAt: Date.parse(page.ticket.createdAt) };
}

const page = async (clientId: string, ticketId: string) =>
  expectStatus(await call(world.personas.adminA, "GET", `/v1/clients/${clientId}/tickets/${ticketId}`), 200).body;
const slaKinds = (events: { field: string; to: { kind: string; metric?: string }[] }[]) =>
  events.filter((e) => e.field === "sla").flatMap((e) => e.to.map((t) => `${t.kind}${t.metric ? `:${t.metric}` : ""}`));
const at = (ms: number) => ({ time: new Date(ms).toISOString() });

describe("the SLA sweep", () => {
  it("warns, breaches on schedule and climbs the escalation ladder, each step once", async () => {
    const { adminA } = world.personas;
    const { clientId, ticketId, createdAt } = await measuredTicket(world.ids.adminA);
    const since = nowSeconds();

    await handler(at(createdAt + 30 * MINUTE));
    expect(slaKinds((await page(clientId, ticketId)).events)).toEqual([
      "policy_applied",
      "start:first_reply",
      "start:resolution",
    ]);

    const first = await handler(at(createdAt + 46 * MINUTE));
    expect(first.events).toBe(1);
    let ticket = await page(clientId, ticketId);
    expect(slaKinds(ticket.events).slice(3)).toEqual(["warn:first_reply"]);

    // An hour and a minute: the second warning, the breach at the due time, two ladder steps.
    await handler(at(createdAt + 61 * MINUTE));
    ticket = await page(clientId, ticketId);
    expect(slaKinds(ticket.events).slice(4)).toEqual([
      "warn:first_reply",
      "escalate:first_reply",
      "breach:first_reply",
      "escalate:first_reply",
    ]);
    const firstReply = ticket.ticket.sla.cycles.find((c: { metric: string }) => c.metric === "first_reply");
    expect(firstReply).toMatchObject({ state: "running", breachedAt: new Date(createdAt + 60 * MINUTE).toISOString() });
    expect(ticket.ticket.tier).toBe("L2");
    expect(ticket.events.find((e: { field: string }) => e.field === "tier")).toMatchObject({ from: "L1", to: "L2" });
    const row = expectStatus(await call(adminA, "GET", `/v1/tickets?view=client&clientId=${clientId}&status=new`), 200)
      .body.items[0];
    expect(row.sla.find((s: { metric: string }) => s.metric === "first_reply")).toMatchObject({ breached: true });

    // Again at the same instant, and twice at once later: nothing twice.
    expect((await handler(at(createdAt + 61 * MINUTE))).events).toBe(0);
    const racing = await Promise.all([handler(at(createdAt + 95 * MINUTE)), handler(at(createdAt + 95 * MINUTE))]);
    expect(racing.map((r) => r.events).sort()).toEqual([0, 1]);
    ticket = await page(clientId, ticketId);
    expect(slaKinds(ticket.events).filter((k) => k === "escalate:first_reply")).toHaveLength(3);

    // The assignee (admin A) was told of the warnings, the breach and the first step; the admins of the last.
    const notices = expectStatus(await call(adminA, "GET", "/v1/me/notifications"), 200).body;
    expect(notices.items.map((i: { kind: string }) => i.kind).sort()).toEqual(
      ["sla_breach", "sla_escalation", "sla_escalation", "sla_warning", "sla_warning"].sort(),
    );
    expect(notices.unread).toBe(5);
    expect(notices.items[0]).toMatchObject({ ticketId, clientId, ticketKey: expect.stringMatching(/-1$/) });
    const mails = await sentSince(
      since,
      "admin@" + (await call(adminA, "GET", "/v1/me")).body.provider.slug + ".example",
    );
    expect(mails.length).toBe(5);
    expect(mails.every((m) => m.header("auto-submitted") === "auto-generated")).toBe(true);
    expect(mails.map((m) => m.parsed.subject)).toContain(`[${ticket.ticket.key}] SLA breach: first reply`);
    const read = expectStatus(
      await call(adminA, "POST", "/v1/me/notifications/read", { until: notices.items[0].createdAt }),
      200,
    ).body;
    expect(read.unread).toBe(0);
    // Nobody else sees them.
    expect(expectStatus(await call(world.personas.adminB, "GET", "/v1/me/notifications"), 200).body.items).toEqual([]);

    // A reply now fulfils the first reply as breached; the ticket leaves the due index once nothing is left to watch.
    const replied = expectStatus(
      await call(adminA, "POST", `/v1/clients/${clientId}/tickets/${ticketId}/replies`, {
        body: "Sorry",
        email: { send: false },
      }),
      201,
    ).body.ticket;
    expect(replied.sla.cycles.find((c: { metric: string }) => c.metric === "first_reply")).toMatchObject({
      state: "stopped",
      outcome: "breached",
    });
  });

  it("unassigned tickets' warnings reach the provider's admins", async () => {
    const { clientId, ticketId, createdAt } = await measuredTicket();
    const result = await handler(at(createdAt + 50 * MINUTE));
    expect(result.notified).toBeGreaterThan(0);
    const notices = expectStatus(await call(world.personas.adminA, "GET", "/v1/me/notifications"), 200).body.items;
    expect(
      notices.some(
        (item: { ticketId: string; kind: string }) => item.ticketId === ticketId && item.kind === "sla_warning",
      ),
    ).toBe(true);
    expect(clientId).toBeTruthy();
  });

  it("costs one Query per shard when nothing is due, however many tickets are measured", async () => {
    await measuredTicket();
    await measuredTicket();
    const measured = await Dynamo.measure(() => handler(at(Date.now() - 60 * MINUTE)));
    expect(measured.result.due).toBe(0);
    expect(measured.requests).toBe(8);
  });

  it("leaves paused clocks alone", async () => {
    const { adminA } = world.personas;
    const { clientId, ticketId, createdAt } = await measuredTicket(world.ids.adminA);
    expectStatus(
      await call(adminA, "PATCH", `/v1/clients/${clientId}/tickets/${ticketId}`, { status: "pending" }),
      200,
    );
    await handler(at(createdAt + 200 * MINUTE));
    const events = slaKinds((await page(clientId, ticketId)).events);
    expect(events.filter((k) => k.startsWith("warn") || k.startsWith("breach"))).toEqual([]);
  });

  it("a bounce of a notification mail puts that user's address on the provider's suppression list", async () => {
    const { adminA } = world.personas;
    const agent = expectStatus(
      await call(adminA, "POST", "/v1/users", {
        email: "gone-agent@a.example",
        name: "Gone",
        role: "agent",
        clientIds: [],
      }),
      201,
    ).body.user;
    const tags = { p: [world.ids.providerA], k: ["sla"], u: [agent.id] };
    await sesEvents(snsEvent(sesRecord("bounce-permanent", { tags, recipient: "gone-agent@a.example" })));
    const list = expectStatus(await call(adminA, "GET", "/v1/suppressions"), 200).body;
    expect(list.items.find((item: { address: string }) => item.address === "gone-agent@a.example")).toMatchObject({
      reason: "bounce",
      mailId: `sla:${agent.id}`,
    });
  });
});
