import { Contracts } from "@outdesk/core/billing";
import { Outdesk } from "@outdesk/core/dynamo";
import { Provider } from "@outdesk/core/tenancy";
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus, type Persona } from "../../../test/api";
import { demoContracts, finishedMonths, monthOf } from "./demo-contracts";
import { historyStart } from "./history";
import { DEMO_PASSWORD, DEMO_PROVIDER, seedDemo } from "./seed";

/**
 * The demo's billing, read as its provider admin through the API and recomputed here by hand
 * from the ledger (usage events of the month, approved time entries) and the contract's terms.
 * Seeding the history is the slow part: once, for the whole file.
 */
const MINUTE = 60_000;
const now = Date.now();
const first = monthOf(historyStart(now));
let admin: Persona;
let providerId: string;
const clientOf: Record<string, { id: string; timeZone: string }> = {};

beforeAll(async () => {
  expect(await seedDemo()).toBe(true);
  providerId = (await Provider.resolveSlug(DEMO_PROVIDER))!;
  const login = await call(undefined, "POST", "/v1/auth/login", {
    provider: DEMO_PROVIDER,
    email: "admin@northwind.example",
    password: DEMO_PASSWORD,
  });
  admin = { name: "Nora", token: expectStatus(login, 200).body.accessToken };
  const clients = expectStatus(await call(admin, "GET", "/v1/clients"), 200).body.items;
  for (const c of clients as { id: string; slug: string; timeZone: string }[])
    clientOf[c.slug] = { id: c.id, timeZone: c.timeZone };
}, 600_000);

const statementPath = (slug: string, month = "") =>
  `/v1/clients/${clientOf[slug]!.id}/billing-statements${month ? `/${month}` : ""}`;
const statement = async (slug: string, month: string) =>
  expectStatus(await call(admin, "GET", statementPath(slug, month)), 200).body;
/** Half away from zero, once per line, as the contract's money rules say (amounts here are never negative). */
const round = (n: number) => Math.round(n);
const round2 = (n: number) => Math.round(n * 100) / 100;
const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

/** The month's ledger: usage events counted by meter (created, solved, contact_<channel>). */
async function ledger(slug: string, month: string): Promise<Record<string, number>> {
  const { data } = await Outdesk.entities.usageEvent.query
    .byMonth({ providerId, clientId: clientOf[slug]!.id, month })
    .go({ pages: "all" });
  const counts: Record<string, number> = {};
  for (const event of data) {
    expect(event.month).toBe(month);
    counts[event.meter] = (counts[event.meter] ?? 0) + 1;
  }
  return counts;
}

/** The month's time entries from the time-entry index (by client and month). */
async function entries(slug: string, month: string) {
  const { data } = await Outdesk.entities.timeEntry.query
    .byClientMonth({ providerId, clientId: clientOf[slug]!.id, month })
    .go({ pages: "all" });
  return data;
}

/** Billable minutes of an approved entry, rounded by hand: up to the increment, at least the minimum. */
async function billable(slug: string, month: string, rounding: { incrementMinutes: number; minimumMinutes: number }) {
  const approved = (await entries(slug, month)).filter((e) => e.status === "approved" && e.billing === "billable");
  for (const e of approved) {
    const rounded = Math.max(
      Math.ceil(e.minutes / rounding.incrementMinutes) * rounding.incrementMinutes,
      rounding.minimumMinutes,
    );
    expect(e.billedMinutes, e.entryId).toBe(rounded);
  }
  return approved;
}

/** Initech's calendar by hand: Monday to Friday 09:00–17:00 in Chicago is business; weekends; the rest after hours. */
function bandIn(at: number, timeZone: string): "business" | "weekend" | "afterHours" {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", hour: "2-digit", hourCycle: "h23" })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  if (parts.weekday === "Sat" || parts.weekday === "Sun") return "weekend";
  const hour = Number(parts.hour);
  return hour >= 9 && hour < 17 ? "business" : "afterHours";
}

describe("the demo's billing", () => {
  it("bills each demo client under its own kind of contract from the history's first month", async () => {
    const contract = async (slug: string) => {
      const body = expectStatus(await call(admin, "GET", `/v1/clients/${clientOf[slug]!.id}/contract`), 200).body;
      expect(body.versions, slug).toHaveLength(1);
      expect(body.versions[0].effectiveFrom, slug).toBe(first);
      return body.versions[0].terms;
    };
    const acme = await contract("acme");
    expect(acme.currency).toBe("USD");
    expect(acme.components.map((c: { meter: string; channel?: string }) => c.channel ?? c.meter)).toEqual([
      "tickets_solved",
      "phone",
      "chat",
      "web",
      "email",
    ]);
    expect(acme.components[0]).toMatchObject({ kind: "per_unit", pricing: "graduated" });
    const globex = await contract("globex");
    expect(globex.currency).toBe("GBP");
    expect(globex.components.map((c: { kind: string }) => c.kind)).toEqual(["allowance"]);
    expect(globex.components[0]).toMatchObject({ meter: "billable_hours", rolloverCap: expect.any(Number) });
    expect(globex.slaCredits).toMatchObject({ atRiskPercent: 12, capPercent: 10, earnBack: true });
    const initech = await contract("initech");
    expect(initech.currency).toBe("USD");
    expect(initech.components.map((c: { kind: string }) => c.kind)).toEqual([
      "fte",
      "agent_hours",
      "minimum_commitment",
    ]);
    expect(initech.multipliers).toMatchObject({ afterHours: 1.5, weekend: 2 });
    for (const terms of [acme, globex, initech]) expect(terms.rounding.incrementMinutes).toBeGreaterThan(1);
  });

  it("contracts start with the history: locked, provisional and open months; time approved in finished months, drafts this month", async () => {
    for (const slug of ["acme", "globex", "initech"]) {
      const months = finishedMonths(first, clientOf[slug]!.timeZone, now);
      expect(months.length, slug).toBeGreaterThanOrEqual(3);
      const locked = months.slice(0, -1);
      const periods = expectStatus(await call(admin, "GET", statementPath(slug)), 200).body.items;
      expect(periods.map((p: { month: string }) => p.month)).toEqual([...locked].reverse());
      for (const month of locked) expect((await statement(slug, month)).status, `${slug} ${month}`).toBe("locked");
      expect((await statement(slug, months.at(-1)!)).status).toBe("provisional");
      expect((await statement(slug, monthOf(now))).status).toBe("open");
      for (const month of months) {
        const time = await entries(slug, month);
        expect(time.length, `${slug} ${month}`).toBeGreaterThan(0);
        expect(
          time.filter((e) => e.status === "draft"),
          `${slug} ${month}`,
        ).toEqual([]);
      }
    }
    // Today's demo tickets logged time with their replies: drafts, waiting for approval.
    const current = await entries("acme", monthOf(now));
    expect(current.some((e) => e.status === "draft")).toBe(true);
  });

  it("Acme's oldest locked month: solved tickets by graduated tiers and contacts by channel, from the ledger", async () => {
    const month = first;
    const s = await statement("acme", month);
    const events = await ledger("acme", month);
    const solved = events.solved ?? 0;
    expect(solved).toBeGreaterThan(3);
    const [perSolved, ...perContact] = Contracts.Terms.parse(demoContracts.acme()).components;
    if (perSolved?.kind !== "per_unit") throw new Error("Acme pays per solved ticket");
    // Graduated: each tier's tickets at its price, up to the tier the month reaches.
    const tiers: number[] = [];
    let from = 0;
    for (const tier of perSolved.tiers) {
      const to = tier.upTo ?? Number.POSITIVE_INFINITY;
      if (from < solved || from === 0) tiers.push(round((Math.min(solved, to) - from) * tier.unitPrice));
      from = to;
    }
    const contacts = perContact.map((c) => {
      if (c.kind !== "per_unit" || !c.channel) throw new Error("Acme pays per contact of a channel");
      return round((events[`contact_${c.channel}`] ?? 0) * c.tiers[0]!.unitPrice);
    });
    expect(s.lines.map((l: { amount: number }) => l.amount)).toEqual([...tiers, ...contacts]);
    const charges = [...tiers, ...contacts].reduce((a, b) => a + b, 0);
    expect(s.usage).toMatchObject({ ticketsSolved: solved, ticketsCreated: events.created ?? 0 });
    expect(s.totals).toEqual({ charges, credits: 0, earnBack: 0, total: charges });
    expect(s).toMatchObject({ status: "locked", currency: "USD", contract: { number: 1, effectiveFrom: first } });
  });

  it("Globex's oldest locked month: the retainer's hours from approved time, and the SLA credit its terms give", async () => {
    const month = first;
    const terms = Contracts.Terms.parse(demoContracts.globex());
    const retainer = terms.components[0]!;
    if (retainer.kind !== "allowance") throw new Error("Globex's contract is a retainer");
    const s = await statement("globex", month);
    const approved = await billable("globex", month, terms.rounding);
    const used = round4(approved.reduce((sum, e) => sum + e.billedMinutes, 0) / 60);
    expect(used).toBeGreaterThan(0);
    // The first locked month has nothing rolled in: the included hours, then the overage rate.
    const over = round4(Math.max(0, used - retainer.included));
    const lines = [retainer.fee, ...(over > 0 ? [round(over * retainer.overageRate)] : [])];
    expect(s.lines.map((l: { amount: number }) => l.amount)).toEqual(lines);
    expect(s.carryOut).toEqual({ 0: round4(Math.min(retainer.rolloverCap!, Math.max(0, retainer.included - used))) });

    // The credit from the frozen SLA statement: at risk = 12 % of the retainer's fee; each
    // allocation its share; any miss → 50 %, 5 points or more under → 100 % of it; at most 10 % of the fee.
    const frozen = expectStatus(
      await call(admin, "GET", `/v1/clients/${clientOf.globex!.id}/sla-statements/${month}`),
      200,
    ).body;
    const { atRiskPercent, capPercent, allocations } = terms.slaCredits!;
    const atRisk = round((retainer.fee * atRiskPercent) / 100);
    const credits = allocations.map((a) => {
      const { met, breached } = frozen.report.metrics.find((m: { metric: string }) => m.metric === a.metric).total;
      const allocation = round((atRisk * a.sharePercent) / 100);
      if (met + breached === 0) return 0;
      const below = Math.max(0, round2(a.targetPercent - round2((met / (met + breached)) * 100)));
      const percent = below >= 5 ? 100 : below > 0 ? 50 : 0;
      return round((allocation * percent) / 100);
    });
    const credit = Math.min(
      credits.reduce((a, b) => a + b, 0),
      round((retainer.fee * capPercent!) / 100),
    );
    // The history made its second ticket's first reply late: the month missed its first-reply target.
    expect(credits[0]).toBeGreaterThan(0);
    expect(s.credits.allocations.map((a: { credit: number }) => a.credit)).toEqual(credits);
    const charges = lines.reduce((a, b) => a + b, 0);
    expect(s.totals).toEqual({ charges, credits: -credit, earnBack: 0, total: charges - credit });
    expect(s.currency).toBe("GBP");
  });

  it("Initech's oldest locked month: FTEs, agent hours weighted on its Chicago calendar, the minimum's true-up", async () => {
    const month = first;
    const { timeZone } = clientOf.initech!;
    const terms = Contracts.Terms.parse(demoContracts.initech("calendar"));
    const [fte, hourly, minimum] = terms.components;
    if (fte?.kind !== "fte" || hourly?.kind !== "agent_hours" || minimum?.kind !== "minimum_commitment")
      throw new Error("Initech's contract is FTEs, agent hours and a minimum");
    const { afterHours, weekend } = terms.multipliers!;
    const s = await statement("initech", month);
    const approved = await billable("initech", month, terms.rounding);
    // Each billed minute counts from the entry's start, in the band its hour falls in.
    const bands = { business: 0, afterHours: 0, weekend: 0 };
    for (const e of approved)
      for (let m = 0; m < e.billedMinutes; m++) bands[bandIn(Date.parse(e.startedAt) + m * MINUTE, timeZone)]++;
    expect(bands.business).toBeGreaterThan(0);
    const hours = round4((bands.business + bands.afterHours * afterHours! + bands.weekend * weekend!) / 60);
    const lines = [round(fte.count * fte.monthlyRate), round(hours * hourly.hourlyRate)];
    const before = lines[0]! + lines[1]!;
    if (before < minimum.amount) lines.push(minimum.amount - before);
    expect(s.lines.map((l: { amount: number }) => l.amount)).toEqual(lines);
    expect(s.usage.billableMinutes).toMatchObject(bands);
    const charges = lines.reduce((a, b) => a + b, 0);
    expect(s.totals).toEqual({ charges, credits: 0, earnBack: 0, total: charges });
  });
});
