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
    expect((await call(adminB, "GET", `${path}/${thisMonth}`)).status).toBe(404);
  });
});
