import { withClock } from "@outdesk/core/clock";
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus } from "../../../../test/api";
import { buildWorld, createClient, createTicket, type World } from "../../../../test/world";

let world: World;
beforeAll(async () => {
  world = await buildWorld();
});

const MINUTE = 60_000;
const lastMonth = () => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15)).toISOString().slice(0, 7);
};
const at = (day: number, hour: number, minute = 0) =>
  Date.parse(
    `${lastMonth()}-${String(day).padStart(2, "0")}T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00Z`,
  );

const terms = {
  name: "Managed desk",
  currency: "USD",
  components: [
    { kind: "fixed_fee", name: "Platform", amount: 100_000 },
    {
      kind: "per_unit",
      name: "Solved tickets",
      meter: "tickets_solved",
      pricing: "graduated",
      tiers: [
        { upTo: 2, unitPrice: 1000 },
        { upTo: null, unitPrice: 500 },
      ],
    },
    { kind: "agent_hours", name: "Agent time", hourlyRate: 6000 },
  ],
  rounding: { incrementMinutes: 6, minimumMinutes: 15 },
  slaCredits: {
    atRiskPercent: 10,
    allocations: [
      {
        name: "First reply",
        metric: "first_reply",
        targetPercent: 90,
        sharePercent: 100,
        tiers: [
          { pointsBelow: 0, creditPercent: 50 },
          { pointsBelow: 5, creditPercent: 100 },
        ],
      },
    ],
  },
};

describe("billing statements", () => {
  it("rates a month from its ledger, credits from the frozen SLA statement, locks once; the client admin reads the same", async () => {
    const { adminA, clientAdminA1, clientAdminA2 } = world.personas;
    const clientId = world.ids.clientA1;
    const month = lastMonth();
    expectStatus(
      await call(adminA, "PUT", `/v1/clients/${clientId}/sla-policies`, {
        policies: [{ name: "Hour", targets: { first_reply: { calendarId: null, minutes: { normal: 60 } } } }],
      }),
      200,
    );
    expectStatus(
      await call(adminA, "POST", `/v1/clients/${clientId}/contract/versions`, { effectiveFrom: month, terms }),
      201,
    );
    // Last month's work, stamped with its own times: three tickets answered after 10, 90 (late) and 20 minutes, solved.
    const ticketPath = (id: string, rest = "") => `/v1/clients/${clientId}/tickets/${id}${rest}`;
    for (const [i, wait] of [10, 90, 20].entries()) {
      const opened = at(10 + i, 9);
      const id = await withClock(opened, () => createTicket(adminA, clientId, `Worked ${i}`));
      await withClock(opened + wait * MINUTE, () =>
        call(adminA, "POST", ticketPath(id, "/replies"), { body: "Fixed.", status: "solved", email: { send: false } }),
      ).then((r) => expectStatus(r, 201));
      const entry = expectStatus(
        await call(adminA, "POST", ticketPath(id, "/time-entries"), {
          minutes: 20,
          startedAt: new Date(opened + MINUTE).toISOString(),
        }),
        201,
      ).body;
      expectStatus(await call(adminA, "POST", ticketPath(id, `/time-entries/${entry.id}/approve`), {}), 200);
    }

    const path = `/v1/clients/${clientId}/billing-statements`;
    const provisional = expectStatus(await call(adminA, "GET", `${path}/${month}`), 200).body;
    expect(provisional.status).toBe("provisional");
    expect(provisional.creditNote).toContain("freeze it first");
    const early = await call(adminA, "POST", path, { month });
    expect(early.status).toBe(400);
    expect(early.body.issues[0].path).toEqual(["month"]);
    expectStatus(await call(adminA, "POST", `/v1/clients/${clientId}/sla-statements`, { month }), 201);

    // By hand from the ledger: 3 solved = 2 × $10 + 1 × $5; 3 × 20 minutes round to 3 × 24 = 1.2 h × $60.
    const usage = expectStatus(await call(adminA, "GET", `/v1/clients/${clientId}/usage?month=${month}`), 200).body;
    expect(usage.totals).toMatchObject({ ticketsSolved: 3, billableMinutes: 72 });
    const charges = 100_000 + 2 * 1000 + 1 * 500 + Math.round((72 / 60) * 6000);
    // First reply 2 of 3 met = 66.67 %, 23.33 points under 90: 100 % of 10 % of the $1,000 fee.
    const credit = 10_000;
    // Exclusions: the late ticket's breach, caused by the client, does not count — until it is taken back.
    const breached = expectStatus(
      await call(adminA, "GET", `/v1/clients/${clientId}/sla-report/breaches?month=${month}`),
      200,
    ).body.items[0].ticketKey as string;
    const exclusions = `${path}/${month}/exclusions`;
    const excluded = expectStatus(
      await call(adminA, "PUT", exclusions, {
        items: [
          {
            allocation: "First reply",
            ticketKeys: [breached],
            cause: "client_waiting",
            reason: "Waited on the client's VPN",
          },
        ],
      }),
      200,
    ).body;
    expect(excluded.credits.allocations[0]).toMatchObject({ excluded: 1, compliance: 100, credit: 0 });
    expect(excluded.exclusions[0]).toMatchObject({ allocation: "First reply", breaches: 1, cause: "client_waiting" });
    const unknown = await call(adminA, "PUT", exclusions, {
      items: [{ allocation: "Resolution", ticketKeys: [breached], cause: "other", reason: "x" }],
      version: 1,
    });
    expect(unknown.body.issues[0].path).toEqual(["items", 0, "allocation"]);
    const metKey = expectStatus(
      await call(adminA, "GET", `/v1/tickets?view=client&clientId=${clientId}&status=solved`),
      200,
    ).body.items.find(
      (t: { key: string; subject: string }) => t.key !== breached && t.subject.startsWith("Worked"),
    ).key;
    const notBreached = await call(adminA, "PUT", exclusions, {
      items: [{ allocation: "First reply", ticketKeys: [metKey], cause: "other", reason: "x" }],
      version: 1,
    });
    expect(notBreached.body.issues[0].path).toEqual(["items", 0, "ticketKeys", 0]);
    expect((await call(adminA, "PUT", exclusions, { items: [], version: 0 })).status).toBe(409);
    expect((await call(clientAdminA1, "PUT", exclusions, { items: [] })).status).toBe(403);
    expect(
      expectStatus(await call(adminA, "PUT", exclusions, { items: [], version: 1 }), 200).body.credits.allocations[0]
        .credit,
    ).toBe(10_000);

    const locked = expectStatus(await call(adminA, "POST", path, { month }), 201).body;
    expect(locked.lines.map((l: { amount: number }) => l.amount)).toEqual([100_000, 2000, 500, 7200]);
    expect(locked.credits.allocations[0]).toMatchObject({ compliance: 66.67, pointsBelow: 23.33, credit });
    expect(locked.totals).toEqual({ charges, credits: -credit, earnBack: 0, total: charges - credit });
    expect(locked).toMatchObject({ status: "locked", contract: { number: 1, name: "Managed desk" } });
    expect((await call(adminA, "POST", path, { month })).status).toBe(409);

    // No more time goes into the locked month; its statement stays as it was.
    const late = await createTicket(adminA, clientId, "After the lock");
    const refused = await call(adminA, "POST", ticketPath(late, "/time-entries"), {
      minutes: 30,
      startedAt: new Date(at(20, 9)).toISOString(),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.issues[0].path).toEqual(["startedAt"]);
    const again = expectStatus(await call(adminA, "GET", `${path}/${month}`), 200).body;
    expect(again).toEqual(locked);
    // Nor is it re-rated: a contract version may not start in it.
    const rerate = await call(adminA, "POST", `/v1/clients/${clientId}/contract/versions`, {
      effectiveFrom: month,
      terms,
    });
    expect(rerate.body.issues[0]).toMatchObject({
      path: ["effectiveFrom"],
      message: expect.stringContaining("locked"),
    });

    // The client's admins see exactly that; another client's admins see nothing of it.
    expect(expectStatus(await call(clientAdminA1, "GET", `${path}/${month}`), 200).body).toEqual(locked);
    expect((await call(clientAdminA2, "GET", `${path}/${month}`)).status).toBe(404);
    expect(
      expectStatus(await call(clientAdminA1, "GET", path), 200).body.items.map((i: { month: string }) => i.month),
    ).toEqual([month]);
    expect((await call(clientAdminA1, "POST", path, { month })).status).toBe(403);

    const csv = await call(adminA, "GET", `${path}/${month}/csv`);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const text = csv.body as string;
    expect(text).toContain('"Solved tickets: tickets solved, first 2",2,"ticket",10.00,20.00');
    // Numbers stay numbers (a credit is -100.00); text a spreadsheet would run is still prefixed.
    expect(text).toContain('"SLA credit: First reply",1,"month",-100.00,-100.00');
    expect(text).toContain(`"Total",${((charges - credit) / 100).toFixed(2)}`);

    const xero = (await call(adminA, "GET", `${path}/${month}/invoice?format=xero`)).body as string;
    const [header, first] = xero.split("\r\n");
    expect(header).toBe(
      '"*ContactName","*InvoiceNumber","Reference","*InvoiceDate","*DueDate","*Description","*Quantity","*UnitAmount","*AccountCode","*TaxType","Currency"',
    );
    // The invoice number is the client's slug and the month; dated the lock day, due 30 days on.
    const [, invoiceNo, , invoiceDate, dueDate] = first!.split(",").map((c) => c.replace(/"/g, ""));
    expect(invoiceNo).toMatch(new RegExp(`^[A-Z0-9-]+-${month}$`));
    expect(Date.parse(dueDate!) - Date.parse(invoiceDate!)).toBe(30 * 86_400_000);
    expect(xero).toContain(',"SLA credit: First reply",1,-100.00,"200","Tax Exempt","USD"');
    const quickbooks = (await call(adminA, "GET", `${path}/${month}/invoice?format=quickbooks`)).body as string;
    expect(quickbooks.split("\r\n")[0]).toContain('"InvoiceNo","Customer","InvoiceDate","DueDate"');
    expect(quickbooks).toContain('"Agent time","Agent time: productive agent hours",1.2,60.00,72.00,"USD"');
    expect((await call(clientAdminA1, "GET", `${path}/${month}/invoice?format=xero`)).status).toBe(403);
    expect((await call(adminA, "PUT", exclusions, { items: [], version: 2 })).status).toBe(409);

    // Drill-down: the tickets behind the solved line and the time entries behind the hours, invoiced now.
    const items = (of: string, who = adminA) => call(who, "GET", `${path}/${month}/items?of=${of}`);
    const solvedLine = locked.lines.find((l: { name: string }) => l.name === "Solved tickets");
    expect(solvedLine.drill).toBe("solved");
    const solved = expectStatus(await items("solved", clientAdminA1), 200).body;
    expect(solved.items).toHaveLength(3);
    expect(solved.items.map((i: { meter: string }) => i.meter)).toEqual(["solved", "solved", "solved"]);
    expect(new Set(solved.items.map((i: { ticketKey: string }) => i.ticketKey)).has(breached)).toBe(true);
    expect(solved.cursor).toBeNull();
    const hours = expectStatus(await items("time:billable"), 200).body.items;
    expect(hours.map((h: { billableMinutes: number; status: string }) => [h.billableMinutes, h.status])).toEqual([
      [24, "invoiced"],
      [24, "invoiced"],
      [24, "invoiced"],
    ]);
    expect((await items("everything")).body.issues[0].path).toEqual(["of"]);
    const ticketId = hours[0].ticketId as string;
    const listed = expectStatus(await call(adminA, "GET", ticketPath(ticketId, "/time-entries")), 200).body.items;
    expect(listed.map((e: { status: string }) => e.status)).toEqual(["invoiced"]);
    // Nor can an invoiced entry be reopened: the lock is checked inside the approval's transaction.
    const reopen = await call(adminA, "POST", ticketPath(ticketId, `/time-entries/${listed[0].id}/reopen`), {});
    expect(reopen.status).toBe(400);
    expect(reopen.body.issues[0]).toMatchObject({ path: ["startedAt"], message: expect.stringContaining("locked") });
    expect((await items("solved", clientAdminA2)).status).toBe(404);

    // Disputes: the client's admin disputes a line; the provider sees it across clients and resolves it once.
    const disputes = `${path}/${month}/disputes`;
    expect((await call(clientAdminA1, "POST", disputes, { line: 99, reason: "?" })).body.issues[0].path).toEqual([
      "line",
    ]);
    expect((await call(clientAdminA2, "POST", disputes, { line: 1, reason: "Not ours" })).status).toBe(404);
    const opened = expectStatus(
      await call(clientAdminA1, "POST", disputes, { line: 1, reason: '=HYPERLINK("x") two were duplicates' }),
      201,
    ).body;
    expect(opened).toMatchObject({
      status: "open",
      line: { index: 1, amount: 2000, currency: "USD" },
      resolution: null,
    });
    expect(expectStatus(await call(adminA, "GET", `${path}/${month}`), 200).body.disputes).toEqual({
      open: 1,
      resolved: 0,
    });
    const open = expectStatus(await call(adminA, "GET", "/v1/billing/disputes?status=open"), 200).body.items;
    expect(open.find((d: { disputeId: string }) => d.disputeId === opened.disputeId)).toMatchObject({ clientId });
    expect((await call(clientAdminA1, "GET", "/v1/billing/disputes")).status).toBe(403);
    const resolve = `${disputes}/${opened.disputeId}/resolve`;
    expect((await call(clientAdminA1, "POST", resolve, { outcome: "upheld", note: "mine" })).status).toBe(403);
    const resolved = expectStatus(
      await call(adminA, "POST", resolve, { outcome: "upheld", note: "Credit note CN-7" }),
      200,
    ).body;
    expect(resolved).toMatchObject({ status: "resolved", resolution: { outcome: "upheld", note: "Credit note CN-7" } });
    expect((await call(adminA, "POST", resolve, { outcome: "rejected", note: "again" })).status).toBe(409);
    expect(expectStatus(await call(clientAdminA1, "GET", disputes), 200).body.items).toEqual([resolved]);

    // The KPI pack of the month, from the same rollups; the provider's revenue is the locked total.
    const kpis = expectStatus(
      await call(clientAdminA1, "GET", `/v1/clients/${clientId}/kpis?month=${month}`),
      200,
    ).body;
    expect(kpis).toMatchObject({
      ticketsIn: 3,
      ticketsSolved: 3,
      ticketsReopened: 0,
      firstContactResolution: { solved: 3, firstContact: 3, percent: 100 },
      // Handle time is the time worked (3 × 20 minutes), before the contract's billing rounding.
      handledMinutes: 60,
      averageHandleMinutes: 20,
      slaSource: "frozen",
    });
    expect(kpis.slaCompliance.find((m: { metric: string }) => m.metric === "first_reply")).toEqual({
      metric: "first_reply",
      met: 2,
      breached: 1,
      percent: 66.67,
    });
    expect(kpis.backlog.buckets[0].count).toBeGreaterThanOrEqual(1);
    expect(kpis.definitions.firstContactResolution).toContain("at most one public reply");
    const provider = expectStatus(await call(adminA, "GET", `/v1/kpis?month=${month}`), 200).body;
    expect(provider.clients.find((c: { clientId: string }) => c.clientId === clientId)).toMatchObject({
      status: "locked",
      total: charges - credit,
    });
    const me = provider.agents.find((a: { workedMinutes: number }) => a.workedMinutes === 60);
    expect(me).toMatchObject({ billableMinutes: 60, utilisationPercent: 100, clients: [{ clientId, minutes: 60 }] });
    expect((await call(clientAdminA1, "GET", `/v1/kpis?month=${month}`)).status).toBe(403);
    expect((await call(clientAdminA2, "GET", `/v1/clients/${clientId}/kpis?month=${month}`)).status).toBe(404);
  });

  it("refuses the current month, a month without a contract, and a client of another tenant", async () => {
    const { adminA, adminB } = world.personas;
    const clientId = await createClient(adminA, "billing-none");
    const path = `/v1/clients/${clientId}/billing-statements`;
    const none = await call(adminA, "GET", `${path}/${lastMonth()}`);
    expect(none.status).toBe(400);
    expect(none.body.issues[0].path).toEqual(["month"]);
    const thisMonth = new Date().toISOString().slice(0, 7);
    expectStatus(
      await call(adminA, "POST", `/v1/clients/${clientId}/contract/versions`, {
        effectiveFrom: thisMonth,
        terms: { ...terms, slaCredits: null },
      }),
      201,
    );
    expect(expectStatus(await call(adminA, "GET", `${path}/${thisMonth}`), 200).body.status).toBe("open");
    const early = await call(adminA, "POST", path, { month: thisMonth });
    expect(early.status).toBe(400);
    expect(early.body.message).toContain("not over yet");
    expect((await call(adminA, "GET", `${path}/${thisMonth}/invoice?format=xero`)).status).toBe(409);
    const early2 = await call(adminA, "POST", `${path}/${thisMonth}/disputes`, { line: 0, reason: "Too much" });
    expect(early2.status).toBe(409);
    const noCredits = await call(adminA, "PUT", `${path}/${thisMonth}/exclusions`, { items: [] });
    expect(noCredits.body.issues[0].path).toEqual(["items"]);
    expect((await call(adminB, "GET", `${path}/${thisMonth}`)).status).toBe(404);
  });
});
