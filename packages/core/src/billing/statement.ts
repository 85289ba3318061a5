import * as z from "zod";
import { assertClientAccess, assertRole } from "../actor";
import { Calendar } from "../calendar";
import type { Timeline } from "../calendar/math";
import { readByKeys } from "../common/batch";
import { primaryKey } from "../common/keys";
import { isConditionFailure } from "../common/transaction";
import { Outdesk } from "../dynamo";
import { Conflict, InvalidField, NotFound } from "../error";
import { fn } from "../fn";
import { monthOver, SlaReports, type StatementInfo as SlaStatement } from "../sla/report";
import type { Metric, Priority } from "../sla/schema";
import { bandClassifier, bandsOf } from "./bands";
import { type ContractVersion, versionFor } from "./contract";
import { addMonths, type CreditHistory, type CreditResult, computeCredits, earnBacks } from "./credits";
import { addMeter, type RollupItem, zeroCounts } from "./meters";
import { formatMoney, minorDigits } from "./money";
import { monthRollups } from "./month";
import { type Line, rate, type Usage } from "./rate";
import { Month } from "./schema";

export interface BillingStatement {
  clientId: string;
  clientName: string;
  month: string;
  timeZone: string;
  currency: string;
  status: "open" | "provisional" | "locked";
  contract: { number: number; name: string; effectiveFrom: string };
  usage: Usage;
  lines: Line[];
  credits: CreditResult | null;
  /** Why no credits were computed, when the contract has credit terms (the SLA statement is not frozen yet). */
  creditNote: string | null;
  earnBacks: { name: string; month: string; amount: number }[];
  totals: { charges: number; credits: number; earnBack: number; total: number };
  carryOut: Record<number, number>;
  /** The SLA-credit exclusions the credits were computed with (frozen with the statement). */
  exclusions: StoredExclusion[];
  /** Disputes of this month's lines, counted when read (they go on after the month is locked). */
  disputes: { open: number; resolved: number };
  lockedAt: string | null;
  lockedBy: string | null;
}

export const ExclusionCauses = ["client_waiting", "force_majeure", "other"] as const;
export const ExclusionInput = z.strictObject({
  allocation: z.string().min(1).max(80).describe("the credit allocation's name in the contract"),
  ticketKeys: z
    .array(z.string().min(1).max(40))
    .min(1)
    .max(500)
    .describe("tickets among the allocation's breaches in the frozen SLA statement"),
  cause: z.enum(ExclusionCauses),
  reason: z.string().trim().min(1).max(1000),
});
export interface StoredExclusion extends z.output<typeof ExclusionInput> {
  /** Breach records of those tickets for the allocation's metric (and priority). */
  breaches: number;
  by: string;
  at: string;
}
const ExclusionInfo = ExclusionInput.extend({ breaches: z.number(), by: z.string(), at: z.string() }).meta({
  id: "BillingExclusion",
});

export const BillingStatementInfo = z
  .object({
    clientId: z.string(),
    clientName: z.string(),
    month: z.string(),
    timeZone: z.string(),
    currency: z.string(),
    status: z
      .enum(["open", "provisional", "locked"])
      .describe("open: month not over; provisional: re-rated on every read; locked: never changes"),
    contract: z.object({ number: z.number(), name: z.string(), effectiveFrom: z.string() }),
    usage: z.any().describe("the month's metered usage the lines were rated on (minutes by band)"),
    lines: z.array(z.any()).describe("BillingLine: quantity, unit price, amount (minor units) and working"),
    credits: z.any().nullable().describe("SLA credits with their working, from the frozen SLA statement"),
    creditNote: z.string().nullable(),
    earnBacks: z.array(z.object({ name: z.string(), month: z.string(), amount: z.number() })),
    totals: z.object({ charges: z.number(), credits: z.number(), earnBack: z.number(), total: z.number() }),
    carryOut: z.record(z.string(), z.number()),
    exclusions: z.array(ExclusionInfo),
    disputes: z.object({ open: z.number(), resolved: z.number() }),
    lockedAt: z.string().nullable(),
    lockedBy: z.string().nullable(),
  })
  .meta({ id: "BillingStatement" });

/** The month's usage from its rollups: ticket counts, and minutes by band on the contract's calendar. */
async function ratedUsage(
  providerId: string,
  clientId: string,
  month: string,
  clientZone: string,
  timeline: Timeline | null,
): Promise<Usage> {
  const items = await monthRollups(providerId, clientId, month);
  const counts = zeroCounts();
  const hours: Record<"handled" | "billable", RollupItem[]> = { handled: [], billable: [] };
  for (const item of items) {
    addMeter(counts, item.meter, item.total ?? 0);
    if (item.meter === "handled" || item.meter === "billable") hours[item.meter].push(item);
  }
  const classify = bandClassifier(clientZone, timeline);
  return {
    ticketsCreated: counts.ticketsCreated,
    ticketsSolved: counts.ticketsSolved,
    contacts: Object.fromEntries(Object.entries(counts.contacts).filter(([, n]) => n > 0)),
    handledMinutes: bandsOf(hours.handled, classify),
    billableMinutes: bandsOf(hours.billable, classify),
  };
}

/** What the frozen SLA statement measured for a metric (and priority). */
function measuredIn(sla: SlaStatement) {
  return (metric: Metric, priority: Priority | null) => {
    const row = sla.report.metrics.find((m) => m.metric === metric);
    const cell = priority ? row?.byPriority.find((p) => p.priority === priority) : row?.total;
    return { met: cell?.met ?? 0, breached: cell?.breached ?? 0 };
  };
}

export async function load(clientId: string, month: string) {
  const { providerId } = assertClientAccess(clientId);
  const months = [1, 2, 3].map((n) => addMonths(month, -n));
  const of = await readByKeys([
    primaryKey(Outdesk.entities.client, { providerId, clientId }),
    primaryKey(Outdesk.entities.contract, { providerId, clientId }),
    primaryKey(Outdesk.entities.billingPeriod, { providerId, clientId, month }),
    primaryKey(Outdesk.entities.slaStatement, { providerId, clientId, month }),
    primaryKey(Outdesk.entities.billingExclusions, { providerId, clientId, month }),
    ...months.map((m) => primaryKey(Outdesk.entities.billingPeriod, { providerId, clientId, month: m })),
  ]);
  const client = Outdesk.entities.client.parse(of("client")).data[0];
  if (!client) throw NotFound("Client");
  const periods = Outdesk.entities.billingPeriod.parse(of("billingPeriod")).data;
  return {
    providerId,
    client,
    versions: (Outdesk.entities.contract.parse(of("contract")).data[0]?.versions ?? []) as ContractVersion[],
    locked: periods.find((p) => p.month === month),
    earlier: periods.filter((p) => p.month !== month).sort((a, b) => a.month.localeCompare(b.month)),
    sla: Outdesk.entities.slaStatement.parse(of("slaStatement")).data[0]?.body as SlaStatement | undefined,
    exclusions: Outdesk.entities.billingExclusions.parse(of("billingExclusions")).data[0],
  };
}
export type Loaded = Awaited<ReturnType<typeof load>>;

/** Rates a month under the contract version in force then; pure but for the reads `load` made. */
export async function rateMonth(ctx: Loaded, month: string): Promise<BillingStatement> {
  const { providerId, client } = ctx;
  const version = versionFor(ctx.versions, month);
  if (!version) throw InvalidField(["month"], `no contract version prices ${month}`);
  const { terms } = version;
  const timeline = terms.multipliers
    ? Calendar.timeline((await Calendar.get({ calendarId: terms.multipliers.calendarId })).versions)
    : null;
  const usage = await ratedUsage(providerId, client.clientId, month, client.timeZone, timeline);
  const previous = ctx.earlier.find((p) => p.month === addMonths(month, -1))?.statement as BillingStatement | undefined;
  const rated = rate(terms, usage, previous?.carryOut ?? {});
  let credits: CreditResult | null = null;
  let creditNote: string | null = null;
  let backs: BillingStatement["earnBacks"] = [];
  const exclusions = (ctx.exclusions?.items ?? []) as StoredExclusion[];
  if (terms.slaCredits) {
    if (!ctx.sla) creditNote = `SLA credits are computed from the frozen SLA statement of ${month}: freeze it first`;
    else {
      credits = computeCredits(terms.slaCredits, {
        monthlyFee: rated.monthlyFee,
        currency: terms.currency,
        measured: measuredIn(ctx.sla),
        exclusions: exclusions.map((e) => ({ allocation: e.allocation, breaches: e.breaches, reason: e.reason })),
        ticketsCreated: usage.ticketsCreated,
      });
      if (terms.slaCredits.earnBack) {
        const history: CreditHistory[] = ctx.earlier.map((p) => {
          const s = p.statement as BillingStatement;
          return {
            month: p.month,
            allocations: (s.credits?.allocations ?? []).map((a) => ({
              name: a.name,
              credit: a.credit,
              met: a.compliance !== null && a.compliance >= a.targetPercent,
            })),
          };
        });
        const now = new Map(
          credits.allocations.map((a) => [a.name, a.compliance !== null && a.compliance >= a.targetPercent]),
        );
        backs = earnBacks(history, month, now);
      }
    }
  }
  const creditTotal = credits?.total ?? 0;
  const earnBack = backs.reduce((sum, b) => sum + b.amount, 0);
  return {
    clientId: client.clientId,
    clientName: client.name,
    month,
    timeZone: client.timeZone,
    currency: terms.currency,
    status: monthOver(month, client.timeZone, Date.now()) ? "provisional" : "open",
    contract: { number: version.number, name: terms.name, effectiveFrom: version.effectiveFrom },
    usage,
    lines: rated.lines,
    credits,
    creditNote,
    earnBacks: backs,
    totals: {
      charges: rated.charges,
      credits: -creditTotal,
      earnBack,
      total: rated.charges - creditTotal + earnBack,
    },
    carryOut: rated.carryOut,
    exclusions: terms.slaCredits ? exclusions : [],
    disputes: { open: 0, resolved: 0 },
    lockedAt: null,
    lockedBy: null,
  };
}

/** The month's disputes, counted by status (one small Query). */
async function disputeCounts(providerId: string, clientId: string, month: string) {
  const { data } = await Outdesk.entities.billingDispute.query
    .byMonth({ providerId, clientId, month })
    .go({ pages: "all", attributes: ["status"] });
  return {
    open: data.filter((d) => d.status === "open").length,
    resolved: data.filter((d) => d.status === "resolved").length,
  };
}

/** A number written as one (never quoted, never prefixed): only values we formatted ourselves. */
class Num {
  constructor(readonly text: string | number) {}
}
const moneyOf = (currency: string) => {
  const digits = minorDigits(currency) ?? 2;
  return (minor: number) => new Num((minor / 10 ** digits).toFixed(digits));
};
function toCsv(rows: unknown[][]): string {
  const cell = (v: unknown) => (v instanceof Num ? String(v.text) : SlaReports.csvCell(v));
  return `${rows.map((row) => row.map(cell).join(",")).join("\r\n")}\r\n`;
}

/** Every line of the statement as invoiced: the charges, each credit (negative) and each earn-back. */
function invoiceLines(s: BillingStatement) {
  return [
    ...s.lines.map((l) => ({
      name: l.name,
      description: l.description,
      quantity: l.quantity,
      unit: l.unit as string,
      unitPrice: l.unitPrice,
      amount: l.amount,
      working: l.working,
    })),
    ...(s.credits?.allocations ?? [])
      .filter((a) => a.credit > 0)
      .map((a) => ({
        name: "SLA credit",
        description: `SLA credit: ${a.name}`,
        quantity: 1,
        unit: "month",
        unitPrice: -a.credit,
        amount: -a.credit,
        working: a.working,
      })),
    ...s.earnBacks.map((b) => ({
      name: "SLA credit earned back",
      description: `SLA credit earned back: ${b.name} (${b.month})`,
      quantity: 1,
      unit: "month",
      unitPrice: b.amount,
      amount: b.amount,
      working: "",
    })),
  ];
}

/** Provider admins read any client's statement; client admins their own client's. */
function reader() {
  return assertRole("provider_admin", "client_admin");
}

export namespace BillingStatements {
  export const Info = BillingStatementInfo;
  export const MonthInput = z.object({ clientId: z.string().max(64), month: Month });

  /** A month's statement: the locked one as it was, or the month rated now (open, provisional). */
  export const get = fn(MonthInput, async ({ clientId, month }) => {
    const { providerId } = assertClientAccess(clientId);
    reader();
    const [ctx, disputes] = await Promise.all([load(clientId, month), disputeCounts(providerId, clientId, month)]);
    const statement = ctx.locked ? (ctx.locked.statement as BillingStatement) : await rateMonth(ctx, month);
    return { ...statement, exclusions: statement.exclusions ?? [], disputes };
  });

  /** Provider admins lock a finished month once; its statement never changes after. */
  export const lock = fn(MonthInput, async ({ clientId, month }) => {
    const ctx = await load(clientId, month);
    const actor = assertRole("provider_admin");
    if (ctx.locked) throw Conflict(`${month} is locked already`);
    if (!monthOver(month, ctx.client.timeZone, Date.now()))
      throw InvalidField(["month"], `the month is not over yet in ${ctx.client.timeZone}`);
    const rated = await rateMonth(ctx, month);
    if (rated.creditNote) throw InvalidField(["month"], rated.creditNote);
    const lockedAt = new Date().toISOString();
    const statement: BillingStatement = { ...rated, status: "locked", lockedAt, lockedBy: actor.id };
    try {
      await Outdesk.entities.billingPeriod
        .create({ providerId: ctx.providerId, clientId, month, statement, lockedAt, lockedBy: actor.id })
        .go();
    } catch (error) {
      if (isConditionFailure(error)) throw Conflict(`${month} is locked already`);
      throw error;
    }
    return statement;
  });

  /** Provider admins: a month's statement and the client's slug, for its invoice export. */
  export const forInvoice = fn(MonthInput, async ({ clientId, month }) => {
    const ctx = await load(clientId, month);
    assertRole("provider_admin");
    const statement = ctx.locked ? (ctx.locked.statement as BillingStatement) : await rateMonth(ctx, month);
    return { statement, slug: ctx.client.slug };
  });

  /** The locked months of a client, newest first. */
  export const periods = fn(z.object({ clientId: z.string().max(64) }), async ({ clientId }) => {
    const { providerId } = assertClientAccess(clientId);
    reader();
    const { data: client } = await Outdesk.entities.client.get({ providerId, clientId }).go();
    if (!client) throw NotFound("Client");
    const { data } = await Outdesk.entities.billingPeriod.query
      .byMonth({ providerId, clientId })
      .go({ pages: "all", attributes: ["month", "lockedAt", "lockedBy"] });
    return {
      items: data
        .map((p) => ({ month: p.month, lockedAt: p.lockedAt, lockedBy: p.lockedBy }))
        .sort((a, b) => b.month.localeCompare(a.month)),
    };
  });

  /** The statement as CSV: every line with its working, the credits, the totals (formula-safe cells). */
  export function csv(s: BillingStatement): string {
    const money = moneyOf(s.currency);
    return toCsv([
      ["Client", s.clientName],
      ["Month", s.month, "Status", s.status, "Currency", s.currency],
      ["Contract", s.contract.name, "Version", s.contract.number, "From", s.contract.effectiveFrom],
      [],
      ["description", "quantity", "unit", "unit price", "amount", "working"],
      ...invoiceLines(s).map((l) => [
        l.description,
        new Num(l.quantity),
        l.unit,
        money(l.unitPrice),
        money(l.amount),
        l.working,
      ]),
      [],
      ["Charges", money(s.totals.charges)],
      ["Credits", money(s.totals.credits)],
      ["Earned back", money(s.totals.earnBack)],
      ["Total", money(s.totals.total), formatMoney(s.totals.total, s.currency)],
    ]);
  }

  export const InvoiceFormats = ["xero", "quickbooks"] as const;

  /**
   * A locked statement as invoice lines in the column layout Xero's or QuickBooks Online's
   * invoice import reads: one row per line, credits as negative lines; invoice number
   * `<client slug>-<month>`, dated the day it was locked, due 30 days later.
   */
  export function invoiceCsv(s: BillingStatement, format: (typeof InvoiceFormats)[number], slug: string): string {
    if (s.status !== "locked") throw Conflict("Only a locked statement is invoiced: lock the month first");
    const money = moneyOf(s.currency);
    const number = `${slug.toUpperCase()}-${s.month}`;
    const date = (s.lockedAt ?? "").slice(0, 10);
    const due = new Date(Date.parse(`${date}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);
    const lines = invoiceLines(s);
    if (format === "xero")
      return toCsv([
        [
          "*ContactName",
          "*InvoiceNumber",
          "Reference",
          "*InvoiceDate",
          "*DueDate",
          "*Description",
          "*Quantity",
          "*UnitAmount",
          "*AccountCode",
          "*TaxType",
          "Currency",
        ],
        ...lines.map((l) => [
          s.clientName,
          number,
          `${s.contract.name} ${s.month}`,
          date,
          due,
          l.description,
          new Num(l.quantity),
          money(l.unitPrice),
          "200",
          "Tax Exempt",
          s.currency,
        ]),
      ]);
    return toCsv([
      [
        "InvoiceNo",
        "Customer",
        "InvoiceDate",
        "DueDate",
        "Memo",
        "Item(Product/Service)",
        "ItemDescription",
        "ItemQuantity",
        "ItemRate",
        "ItemAmount",
        "Currency",
      ],
      ...lines.map((l) => [
        number,
        s.clientName,
        date,
        due,
        `${s.contract.name} ${s.month}`,
        l.name,
        l.description,
        new Num(l.quantity),
        money(l.unitPrice),
        money(l.amount),
        s.currency,
      ]),
    ]);
  }
}
