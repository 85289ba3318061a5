import { api } from "./api";
import { path, ticketApi, withQuery } from "./paths";

/** Time entries and timesheets as the API has them (packages/core/src/billing/time.ts). */

export const workTypes = ["reply", "research", "call", "chat", "admin", "other"] as const;
export const billings = ["billable", "no_charge", "do_not_bill"] as const;
export type WorkType = (typeof workTypes)[number];
export type Billing = (typeof billings)[number];

export const workTypeLabel: Record<string, string> = {
  reply: "Reply",
  research: "Research",
  call: "Call",
  chat: "Chat",
  admin: "Admin",
  other: "Other",
};
export const billingLabel: Record<string, string> = {
  billable: "Billable",
  no_charge: "No charge",
  do_not_bill: "Do not bill",
};
export const entryStatusLabel: Record<string, string> = {
  draft: "Draft",
  approved: "Approved",
  invoiced: "Invoiced",
};

export interface TimeEntry {
  id: string;
  clientId: string;
  ticketId: string;
  ticketKey: string;
  agent: { id: string; name: string };
  workType: WorkType;
  startedAt: string;
  /** YYYY-MM-DD in the client's time zone. */
  date: string;
  /** Worked. */
  minutes: number;
  /** The billable part of the minutes worked, before rounding. */
  billableMinutes: number;
  billing: Billing;
  /** Billable minutes after the contract's rounding: set on approval, 0 before. */
  billedMinutes: number;
  note: string | null;
  /** invoiced: approved, in a month locked for billing (final: it is never reopened). */
  status: "draft" | "approved" | "invoiced";
  approvedBy: string | null;
  approvedAt: string | null;
  messageId: string | null;
  version: number;
}

/** What the entry form sends (create; update sends the changed ones and the version). */
export interface EntryInput {
  workType: WorkType;
  startedAt: string;
  minutes: number;
  /** null (on an edit): all the minutes worked. */
  billableMinutes?: number | null;
  billing: Billing;
  note?: string | null;
}

/** Billable minutes as far as known: the rounded figure once approved, the worked minutes before. */
export const billableOf = (entry: TimeEntry) =>
  entry.billing !== "billable"
    ? 0
    : entry.status === "draft"
      ? (entry.billableMinutes ?? entry.minutes)
      : entry.billedMinutes;

const entriesApi = (clientId: string, ticketId: string) => `${ticketApi(clientId, ticketId)}/time-entries`;
const entryApi = (entry: TimeEntry) => `${entriesApi(entry.clientId, entry.ticketId)}/${encodeURIComponent(entry.id)}`;

export const listEntries = (clientId: string, ticketId: string) =>
  api<{ items: TimeEntry[] }>("GET", entriesApi(clientId, ticketId));
export const createEntry = (clientId: string, ticketId: string, input: EntryInput) =>
  api<TimeEntry>("POST", entriesApi(clientId, ticketId), input);
export const updateEntry = (entry: TimeEntry, change: Partial<EntryInput>) =>
  api<TimeEntry>("PATCH", entryApi(entry), { ...change, version: entry.version });
export const deleteEntry = (entry: TimeEntry) => api<void>("DELETE", entryApi(entry));
export const approveEntry = (entry: TimeEntry) =>
  api<TimeEntry>("POST", `${entryApi(entry)}/approve`, { version: entry.version });
export const reopenEntry = (entry: TimeEntry) =>
  api<TimeEntry>("POST", `${entryApi(entry)}/reopen`, { version: entry.version });

export interface Timesheet {
  agentId: string;
  week: string;
  items: TimeEntry[];
  clients: { clientId: string; minutes: number; billedMinutes: number; byDay: Record<string, number> }[];
  minutes: number;
}

export const getTimesheet = (agentId: string, week: string) =>
  api<Timesheet>("GET", withQuery(path`/v1/timesheets/${agentId}`, { week }));

export const timesheetLink = (options: { week?: string; agent?: string } = {}) =>
  withQuery("/timesheet", { week: options.week, agent: options.agent });

/** "2026-05-11" plus `days` (negative: before), on the calendar alone. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The viewer's local date of an instant, YYYY-MM-DD. */
export function localDate(at = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

export const isDate = (value: string | null | undefined): value is string =>
  typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));

/** The Monday starting the week a date is in. */
export function mondayOf(date: string): string {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((day + 6) % 7));
}

/** "Mon 11 May": a calendar date, not an instant (no zone shift). */
export const dayLabel = (date: string) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, {
    timeZone: "UTC",
    weekday: "short",
    day: "numeric",
    month: "short",
  });

/** An instant as a `datetime-local` value in the viewer's zone. */
export function toLocalInput(iso: string): string {
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${localDate(at)}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** A `datetime-local` value (the viewer's zone) as an ISO instant; null when it is not a time. */
export function fromLocalInput(value: string): string | null {
  const at = new Date(value);
  return value && !Number.isNaN(at.getTime()) ? at.toISOString() : null;
}

/** "1h 05m" for minutes: hours and minutes, as a timesheet reads them. */
export function hoursMinutes(minutes: number): string {
  const total = Math.round(minutes);
  if (total < 60) return `${total}m`;
  return `${Math.floor(total / 60)}h ${String(total % 60).padStart(2, "0")}m`;
}
