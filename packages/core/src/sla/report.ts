import type { EntityItem } from "electrodb";
import * as z from "zod";
import { assertClientAccess, assertRole, canAccessClient, useTenant } from "../actor";
import type { Calendar } from "../calendar";
import { queryPrefix, readByKeys } from "../common/batch";
import { primaryKey } from "../common/keys";
import { isConditionFailure } from "../common/transaction";
import { Outdesk } from "../dynamo";
import { Conflict, InvalidField, NotFound } from "../error";
import { fn } from "../fn";
import { Priorities } from "../ticket/constants";
import { setKey } from "./policies";
import { HISTOGRAM_BOUNDS, HISTOGRAM_BUCKETS, type slaBreachEntity, type slaRollupEntity } from "./report.entity";
import { dayIn } from "./rollup";
import { type Metric, Metrics, type Priority } from "./schema";

type RollupItem = EntityItem<ReturnType<typeof slaRollupEntity>>;
type BreachItem = EntityItem<ReturnType<typeof slaBreachEntity>>;

export const FORMULA =
  "compliance % = met ÷ (met + breached) × 100, over the targets that ended or breached in the month (in the client's time zone); targets still running and not breached are not counted. A target counts as met when its cycle ended (reply, solve) within the target, and as breached on the day it passed its due time. p50/p90: business minutes of the cycles that ended in the month, from a histogram (the bucket's upper bound is reported); mean: their average.";

const Month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM")
  .meta({ example: "2026-11" });

const Figures = z.object({
  measured: z.number().describe("met + breached"),
  met: z.number(),
  breached: z.number(),
  compliance: z.number().nullable().describe("percent, two decimals; null when nothing was measured"),
  ended: z.number().describe("cycles that ended in the month (the histogram's count)"),
  p50Minutes: z.number().nullable().describe("business minutes: the histogram bucket holding the median"),
  p90Minutes: z.number().nullable(),
  meanMinutes: z.number().nullable().describe("business minutes of the ended cycles, on average"),
});
type Figures = z.infer<typeof Figures>;

const MetricRow = z.object({
  metric: z.enum(Metrics),
  total: Figures,
  byPriority: z.array(Figures.extend({ priority: z.enum(Priorities) })),
});

export const ReportInfo = z
  .object({
    clientId: z.string(),
    month: z.string(),
    timeZone: z.string(),
    formula: z.string(),
    metrics: z.array(MetricRow),
    reads: z.number().describe("rollup items read for this report: bounded by days, not tickets"),
  })
  .meta({ id: "SlaReport" });
export type ReportInfo = z.infer<typeof ReportInfo>;

export const BreachInfo = z
  .object({
    ticketId: z.string(),
    ticketKey: z.string(),
    subject: z.string().describe("plain text, render inert"),
    metric: z.enum(Metrics),
    priority: z.enum(Priorities),
    targetMinutes: z.number(),
    cycleStartedAt: z.string(),
    breachedAt: z.string(),
    endedAt: z.string().nullable().describe("null while the cycle still runs"),
    businessMinutes: z.number().nullable(),
    pausedMinutes: z.number().nullable(),
    outOfHoursMinutes: z.number().nullable().describe("calendar time of the cycle neither worked nor paused"),
  })
  .meta({ id: "SlaBreach" });
export type BreachInfo = z.infer<typeof BreachInfo>;

type Counters = { met: number; breached: number; ended: number; minutes: number; hist: number[] };
const empty = (): Counters => ({ met: 0, breached: 0, ended: 0, minutes: 0, hist: Array(HISTOGRAM_BUCKETS).fill(0) });

function quantile(hist: number[], total: number, q: number): number | null {
  if (total <= 0) return null;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i]!;
    // The last bucket is open: its lower bound is all we know.
    if (seen >= q * total) return HISTOGRAM_BOUNDS[i] ?? HISTOGRAM_BOUNDS[HISTOGRAM_BOUNDS.length - 1]!;
  }
  return null;
}

function figures(c: Counters): Figures {
  const measured = c.met + c.breached;
  return {
    measured,
    met: c.met,
    breached: c.breached,
    compliance: measured ? Math.round((c.met / measured) * 10000) / 100 : null,
    ended: c.ended,
    p50Minutes: quantile(c.hist, c.ended, 0.5),
    p90Minutes: quantile(c.hist, c.ended, 0.9),
    meanMinutes: c.ended ? Math.round((c.minutes / c.ended) * 100) / 100 : null,
  };
}

function add(into: Counters, item: RollupItem) {
  into.met += item.met ?? 0;
  into.breached += item.breached ?? 0;
  into.ended += item.ended ?? 0;
  into.minutes += item.minutes ?? 0;
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++)
    into.hist[i]! += (item as unknown as Record<string, number | undefined>)[`h${i}`] ?? 0;
}

function toBreach(item: BreachItem): BreachInfo {
  const ended = item.endedAt ?? null;
  const elapsed = ended ? (Date.parse(ended) - Date.parse(item.cycleStartedAt)) / 60_000 : null;
  const outOfHours =
    elapsed !== null && item.usedMinutes !== undefined
      ? Math.max(0, Math.round((elapsed - item.usedMinutes - (item.pausedMinutes ?? 0)) * 100) / 100)
      : null;
  return {
    ticketId: item.ticketId,
    ticketKey: item.ticketKey,
    subject: item.subject,
    metric: item.metric as Metric,
    priority: item.priority as Priority,
    targetMinutes: item.targetMinutes,
    cycleStartedAt: item.cycleStartedAt,
    breachedAt: item.breachedAt,
    endedAt: ended,
    businessMinutes: item.usedMinutes ?? null,
    pausedMinutes: item.pausedMinutes ?? null,
    outOfHoursMinutes: outOfHours,
  };
}

async function clientOf(clientId: string) {
  const { providerId } = assertClientAccess(clientId);
  const of = await readByKeys([
    primaryKey(Outdesk.entities.client, { providerId, clientId }),
    setKey(providerId, clientId),
  ]);
  const client = Outdesk.entities.client.parse(of("client")).data[0];
  if (!client) throw NotFound("Client");
  return { providerId, client, set: Outdesk.entities.slaPolicySet.parse(of("slaPolicySet")).data[0] };
}

async function monthReport(providerId: string, clientId: string, timeZone: string, month: string): Promise<ReportInfo> {
  // The raw Query: a month is up to ~2,000 small items, and ElectroDB's parse would double the time.
  const data = (await queryPrefix(`${providerId}#${clientId}`, `slr#${month}`)) as unknown as RollupItem[];
  const cells = new Map<string, Counters>();
  for (const item of data) {
    for (const id of [`${item.metric}|${item.priority}`, `${item.metric}|*`]) {
      const counters = cells.get(id) ?? empty();
      cells.set(id, counters);
      add(counters, item);
    }
  }
  const cell = (id: string) => figures(cells.get(id) ?? empty());
  return {
    clientId,
    month,
    timeZone,
    formula: FORMULA,
    metrics: Metrics.map((metric) => ({
      metric,
      total: cell(`${metric}|*`),
      byPriority: Priorities.map((priority) => ({ priority, ...cell(`${metric}|${priority}`) })),
    })),
    reads: data.length,
  };
}

async function monthBreaches(providerId: string, clientId: string, month: string): Promise<BreachInfo[]> {
  const { data } = await Outdesk.entities.slaBreach.query
    .byDay({ providerId, clientId })
    .begins({ day: month })
    .go({ pages: "all" });
  return data.map(toBreach).sort((a, b) => a.breachedAt.localeCompare(b.breachedAt));
}

export const StatementInfo = z
  .object({
    clientId: z.string(),
    clientName: z.string(),
    month: z.string(),
    timeZone: z.string(),
    formula: z.string(),
    frozenAt: z.string(),
    frozenBy: z.string(),
    report: ReportInfo,
    breaches: z.array(BreachInfo),
    policies: z.array(z.object({ id: z.string(), name: z.string() })).describe("the client's policies when frozen"),
    policySetVersion: z.number(),
    calendars: z
      .array(
        z.object({
          id: z.string(),
          name: z.string(),
          versions: z.array(z.object({ number: z.number(), effectiveFrom: z.string() })),
        }),
      )
      .describe("the calendars the targets counted on, with the versions in force during the month"),
  })
  .meta({ id: "SlaStatement" });
export type StatementInfo = z.infer<typeof StatementInfo>;

/** The first instant after a month, in a time zone (the start of the next month's first day there). */
/** Whether a month (YYYY-MM) is over in a time zone at an instant. */
export function monthOver(month: string, timeZone: string, now: number): boolean {
  return dayIn(timeZone, now).slice(0, 7) > month;
}

export namespace SlaReports {
  export const MonthInput = z.object({ clientId: z.string().max(64), month: Month });

  /** A client's month: staff serving the client and its client admins. */
  export const month = fn(MonthInput, async ({ clientId, month }) => {
    const { providerId, client } = await clientOf(clientId);
    return monthReport(providerId, clientId, client.timeZone, month);
  });

  export const breaches = fn(MonthInput, async ({ clientId, month }) => {
    const { providerId } = await clientOf(clientId);
    return { items: await monthBreaches(providerId, clientId, month) };
  });

  /** Supervisors' view: every client the caller serves, one line per client and metric. */
  export const provider = fn(z.object({ month: Month }), async ({ month }) => {
    const actor = assertRole("provider_admin", "agent");
    const { providerId } = actor;
    const { data: clients } = await Outdesk.entities.client.query.byId({ providerId }).go({ pages: "all" });
    const visible = clients.filter((c) => canAccessClient(actor, c.clientId));
    const reports = await Promise.all(
      visible.map(async (c) => ({ client: c, report: await monthReport(providerId, c.clientId, c.timeZone, month) })),
    );
    return {
      month,
      formula: FORMULA,
      clients: reports.map(({ client, report }) => ({
        clientId: client.clientId,
        name: client.name,
        metrics: report.metrics.map((m) => ({ metric: m.metric, ...m.total })),
      })),
    };
  });

  /**
   * The calendar versions in force during a month (in the client's time zone): the first version
   * also covers all time before it, as the clock maths reads it; a version gives way to the next
   * from the next one's start.
   */
  function inForce(versions: Calendar.Copy["versions"], month: string, timeZone: string) {
    const monthOf = (at: string) => dayIn(timeZone, at).slice(0, 7);
    return versions
      .filter((v, i, all) => {
        const next = all[i + 1];
        const starts = i === 0 || monthOf(v.effectiveFrom) <= month;
        const replaced = next !== undefined && monthOf(next.effectiveFrom) < month;
        return starts && !replaced;
      })
      .map((v) => ({ number: v.number, effectiveFrom: v.effectiveFrom }));
  }

  /** Provider admins freeze a client's finished month; it never changes after. */
  export const freeze = fn(MonthInput, async ({ clientId, month }) => {
    const actor = assertRole("provider_admin");
    const { providerId, client, set } = await clientOf(clientId);
    if (!monthOver(month, client.timeZone, Date.now())) {
      throw InvalidField(["month"], `the month is not over yet in ${client.timeZone}`);
    }
    const [report, breachList] = await Promise.all([
      monthReport(providerId, clientId, client.timeZone, month),
      monthBreaches(providerId, clientId, month),
    ]);
    const copies = (set?.calendars ?? {}) as Record<string, Calendar.Copy>;
    const statement: StatementInfo = {
      clientId,
      clientName: client.name,
      month,
      timeZone: client.timeZone,
      formula: FORMULA,
      frozenAt: new Date().toISOString(),
      frozenBy: actor.id,
      report,
      breaches: breachList,
      policies: ((set?.policies ?? []) as { id: string; name: string }[]).map(({ id, name }) => ({ id, name })),
      policySetVersion: set?.version ?? 0,
      calendars: Object.entries(copies).map(([id, copy]) => ({
        id,
        name: copy.name,
        versions: inForce(copy.versions, month, client.timeZone),
      })),
    };
    try {
      await Outdesk.entities.slaStatement
        .create({ providerId, clientId, month, body: statement, frozenBy: actor.id, frozenAt: statement.frozenAt })
        .go();
    } catch (error) {
      if (isConditionFailure(error)) throw Conflict(`${month} is already frozen for this client`);
      throw error;
    }
    return statement;
  });

  export const statements = fn(z.object({ clientId: z.string().max(64) }), async ({ clientId }) => {
    const { providerId } = await clientOf(clientId);
    const { data } = await Outdesk.entities.slaStatement.query.byMonth({ providerId, clientId }).go({ pages: "all" });
    return {
      items: data.map((item) => ({ month: item.month, frozenAt: item.frozenAt, frozenBy: item.frozenBy })),
    };
  });

  export const statement = fn(MonthInput, async ({ clientId, month }) => {
    const { providerId } = useTenant();
    assertClientAccess(clientId);
    const { data } = await Outdesk.entities.slaStatement.get({ providerId, clientId, month }).go();
    if (!data) throw NotFound("Statement");
    return data.body as StatementInfo;
  });

  /** A cell safe for spreadsheets: quoted, and text that a spreadsheet would run as a formula is prefixed with '. */
  export function csvCell(value: unknown): string {
    let text = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return `"${text.replace(/"/g, '""')}"`;
  }

  export function statementCsv(statement: StatementInfo): string {
    const rows: unknown[][] = [
      ["Client", statement.clientName],
      ["Month", statement.month, "Time zone", statement.timeZone],
      ["Frozen at", statement.frozenAt],
      ["Formula", statement.formula],
      [],
      [
        "metric",
        "priority",
        "measured",
        "met",
        "breached",
        "compliance %",
        "ended",
        "p50 business min",
        "p90 business min",
      ],
    ];
    for (const m of statement.report.metrics) {
      const line = (priority: string, f: Figures) => [
        m.metric,
        priority,
        f.measured,
        f.met,
        f.breached,
        f.compliance,
        f.ended,
        f.p50Minutes,
        f.p90Minutes,
      ];
      rows.push(line("all", m.total));
      for (const p of m.byPriority) if (p.measured || p.ended) rows.push(line(p.priority, p));
    }
    rows.push(
      [],
      [
        "ticket",
        "subject",
        "metric",
        "priority",
        "target min",
        "started",
        "breached",
        "ended",
        "business min",
        "paused min",
        "out of hours min",
      ],
    );
    for (const b of statement.breaches) {
      rows.push([
        b.ticketKey,
        b.subject,
        b.metric,
        b.priority,
        b.targetMinutes,
        b.cycleStartedAt,
        b.breachedAt,
        b.endedAt,
        b.businessMinutes,
        b.pausedMinutes,
        b.outOfHoursMinutes,
      ]);
    }
    return `${rows.map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
  }
}
