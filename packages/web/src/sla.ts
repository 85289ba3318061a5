import { useEffect, useState } from "react";
import { api } from "./api";
import { path } from "./paths";

/** SLA policies and clocks as the API has them (packages/core/src/sla). */

export const metrics = ["first_reply", "next_reply", "periodic_update", "resolution"] as const;
export type Metric = (typeof metrics)[number];
export const metricLabel: Record<string, string> = {
  first_reply: "First reply",
  next_reply: "Next reply",
  periodic_update: "Periodic update",
  resolution: "Resolution",
};

export const waitingStatuses = ["pending", "on_hold"] as const;
export type WaitingStatus = (typeof waitingStatuses)[number];

export const escalationActions = ["notify_assignee", "raise_tier", "notify_admins"] as const;
export type EscalationAction = (typeof escalationActions)[number];
export const actionLabel: Record<string, string> = {
  notify_assignee: "notify the assignee",
  raise_tier: "raise the tier",
  notify_admins: "notify the admins",
};

export const channels = ["email", "web", "api", "phone", "chat"] as const;

type Priority = "low" | "normal" | "high" | "urgent";

export interface MetricTarget {
  /** null: calendar minutes, every minute counts. */
  calendarId: string | null;
  minutes: Partial<Record<Priority, number>>;
}

export interface Policy {
  id?: string;
  name: string;
  match: { priorities?: string[]; types?: string[]; channels?: string[]; tags?: string[] };
  targets: Partial<Record<Metric, MetricTarget>>;
  pauses: Partial<Record<WaitingStatus, Metric[]>>;
  warnings: number[];
  escalation: { atPercent: number; action: EscalationAction }[];
}

export interface PolicySet {
  clientId: string;
  /** 0 until the first save. */
  version: number;
  policies: Policy[];
  calendars: { id: string; name: string }[];
  /** What happens to a ticket no policy matches. */
  fallback: string;
  updatedAt: string | null;
}

const policiesApi = (clientId: string) => path`/v1/clients/${clientId}/sla-policies`;
export const getPolicies = (clientId: string) => api<PolicySet>("GET", policiesApi(clientId));
export const savePolicies = (clientId: string, policies: Policy[], version: number) =>
  api<PolicySet>("PUT", policiesApi(clientId), { policies, version });

/** A clock on a ticket page (GET /v1/clients/{c}/tickets/{t} → ticket.sla.cycles). */
export interface SlaCycle {
  metric: string;
  state: "running" | "paused" | "stopped";
  targetMinutes: number;
  calendarId: string | null;
  usedMinutes: number;
  startedAt: string;
  dueAt: string | null;
  breachedAt: string | null;
  stoppedAt: string | null;
  outcome: "met" | "breached" | "cancelled" | null;
}

/** null policy: no policy matched the ticket. */
export interface SlaInfo {
  policy: { id: string; name: string; setVersion: number } | null;
  cycles: SlaCycle[];
}

/** A clock as a queue row carries it. */
export interface SlaRowClock {
  metric: string;
  state: "running" | "paused" | "stopped";
  dueAt: string | null;
  breached: boolean;
  outcome: "met" | "breached" | "cancelled" | null;
}

/** One SLA happening, as an audit event with field "sla" lists them in `to`. */
export interface SlaEvent {
  kind: string;
  metric?: string;
  at: string;
  detail?: Record<string, unknown>;
}

/** "42m", "3h 5m", "2d 4h": minutes as a short span. */
export function span(minutes: number): string {
  const total = Math.max(0, Math.round(minutes));
  if (total < 60) return `${total}m`;
  if (total < 1440) {
    const rest = total % 60;
    return `${Math.floor(total / 60)}h${rest ? ` ${rest}m` : ""}`;
  }
  const hours = Math.floor((total % 1440) / 60);
  return `${Math.floor(total / 1440)}d${hours ? ` ${hours}h` : ""}`;
}

/** A running clock's time left, counted from its due time against now: "42m", or "overdue 5m". */
export function countdown(dueAt: string, now: number): { text: string; overdue: boolean } {
  const ms = Date.parse(dueAt) - now;
  // Up to the minute: a 42-minute target reads 42m when it starts, 1m in its last minute.
  if (ms > 0) return { text: span(Math.ceil(ms / 60_000)), overdue: false };
  return { text: `overdue ${span(Math.max(1, Math.floor(-ms / 60_000)))}`, overdue: true };
}

/** Now, refreshed every `everyMs` (30 s): countdowns move without asking the API. */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
