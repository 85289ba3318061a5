import { api, download } from "./api";
import { path, withQuery } from "./paths";

/** SLA reports and frozen statements as the API has them (packages/core/src/sla/report.ts). */

/** A cell of a report: one metric, all priorities or one. */
export interface Figures {
  /** met + breached */
  measured: number;
  met: number;
  breached: number;
  /** Percent, two decimals; null when nothing was measured. */
  compliance: number | null;
  /** Cycles that ended in the month. */
  ended: number;
  /** Business minutes: the upper bound of the histogram bucket holding the median. */
  p50Minutes: number | null;
  p90Minutes: number | null;
}

export interface MetricReport {
  metric: string;
  total: Figures;
  byPriority: (Figures & { priority: string })[];
}

export interface SlaReport {
  clientId: string;
  month: string;
  timeZone: string;
  /** How the figures are made, in words: shown as the API wrote it. */
  formula: string;
  metrics: MetricReport[];
  reads: number;
}

/** A breached target (the drill-down): plain text from the ticket, rendered inert. */
export interface SlaBreach {
  ticketId: string;
  ticketKey: string;
  subject: string;
  metric: string;
  priority: string;
  targetMinutes: number;
  cycleStartedAt: string;
  breachedAt: string;
  /** null while the cycle still runs. */
  endedAt: string | null;
  businessMinutes: number | null;
  pausedMinutes: number | null;
  outOfHoursMinutes: number | null;
}

/** GET /v1/sla-report: every client the caller serves, one line per metric. */
export interface SlaOverview {
  month: string;
  formula: string;
  clients: { clientId: string; name: string; metrics: ({ metric: string } & Figures)[] }[];
}

export interface StatementSummary {
  month: string;
  frozenAt: string;
  /** A user id. */
  frozenBy: string;
}

export interface SlaStatement {
  clientId: string;
  clientName: string;
  month: string;
  timeZone: string;
  formula: string;
  frozenAt: string;
  frozenBy: string;
  report: SlaReport;
  breaches: SlaBreach[];
  policies: { id: string; name: string }[];
  policySetVersion: number;
  calendars: { id: string; name: string; versions: { number: number; effectiveFrom: string }[] }[];
}

const clientApi = (clientId: string) => path`/v1/clients/${clientId}`;

export const getReport = (clientId: string, month: string) =>
  api<SlaReport>("GET", withQuery(`${clientApi(clientId)}/sla-report`, { month }));
export const getBreaches = (clientId: string, month: string) =>
  api<{ items: SlaBreach[] }>("GET", withQuery(`${clientApi(clientId)}/sla-report/breaches`, { month }));
export const getOverview = (month: string) => api<SlaOverview>("GET", withQuery("/v1/sla-report", { month }));

export const listStatements = (clientId: string) =>
  api<{ items: StatementSummary[] }>("GET", `${clientApi(clientId)}/sla-statements`);
export const freezeStatement = (clientId: string, month: string) =>
  api<SlaStatement>("POST", `${clientApi(clientId)}/sla-statements`, { month });
export const getStatement = (clientId: string, month: string) =>
  api<SlaStatement>("GET", `${clientApi(clientId)}/sla-statements/${encodeURIComponent(month)}`);
/** Saves the statement's CSV; resolves to the file name. */
export const downloadStatementCsv = (clientId: string, month: string) =>
  download(`${clientApi(clientId)}/sla-statements/${encodeURIComponent(month)}/csv`, `sla-${month}.csv`);

export const reportLink = (clientId: string, month?: string) =>
  withQuery(path`/clients/${clientId}/sla-report`, { month });
export const statementLink = (clientId: string, month: string) =>
  path`/clients/${clientId}/sla-report/statements/${month}`;

/** "2026-11": the API's month shape. */
export const isMonth = (value: string | null | undefined): value is string =>
  value !== null && value !== undefined && /^\d{4}-(0[1-9]|1[0-2])$/.test(value);

/** The month it is now in a time zone (UTC if the zone is unknown to this browser). */
export function monthIn(timeZone: string, at = Date.now()): string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" });
  } catch {
    format = new Intl.DateTimeFormat("en-CA", { timeZone: "UTC", year: "numeric", month: "2-digit" });
  }
  const parts = format.formatToParts(new Date(at));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}`;
}

/** The month `by` months after (before, if negative) `month`. */
export function addMonths(month: string, by: number): string {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  const index = year * 12 + (monthNumber - 1) + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** "November 2026", or "Nov" (short). */
export function monthLabel(month: string, style: "long" | "short" = "long"): string {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, monthNumber - 1, 1)).toLocaleDateString(undefined, {
    timeZone: "UTC",
    month: style,
    ...(style === "long" ? { year: "numeric" } : {}),
  });
}

/** "97.5%", "—" when nothing was measured. */
export const percent = (compliance: number | null) => (compliance === null ? "—" : `${compliance}%`);
