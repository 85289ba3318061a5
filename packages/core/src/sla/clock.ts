import { ALWAYS, addBusinessMinutes, businessMinutes, type Timeline } from "../calendar/math";
import {
  DEFAULT_PAUSES,
  type Metric,
  Metrics,
  type MetricTarget,
  type Policy,
  type Priority,
  type TicketStatus,
  WaitingStatuses,
} from "./schema";

/**
 * SLA clocks as a pure function of what happened to a ticket. Each metric is one cycle at a
 * time: started, paused and resumed by status, stopped by the reply or solve that fulfils it.
 * Used minutes accumulate at every pause and stop, counted on the target's calendar as it was
 * at the time, so a later calendar change never rewrites them; the running part of a cycle is
 * counted from its last checkpoint. Every change is also an event, from which the cycle can be
 * rebuilt: `apply` returns both, and the ticket write stores both in its one transaction.
 */

/** The policy a ticket got, as it was then: later edits of the policy start no new cycles here. */
export interface AppliedPolicy {
  id: string;
  name: string;
  setVersion: number;
  targets: Policy["targets"];
  pauses: Policy["pauses"];
  warnings: number[];
  escalation: Policy["escalation"];
}

export type CycleState = "running" | "paused" | "stopped";
export type Outcome = "met" | "breached" | "cancelled";

export interface Cycle {
  calendarId: string | null;
  /** Target minutes (business minutes on the calendar, or plain minutes when it is null). */
  target: number;
  state: CycleState;
  startedAt: string;
  /** The last checkpoint: start, resume or retarget. Used minutes are counted up to it. */
  since: string;
  used: number;
  /** When the target is reached if the clock keeps running; absent while paused or stopped. */
  dueAt?: string;
  breachedAt?: string;
  pausedAt?: string;
  /** Calendar milliseconds spent paused, for statements. */
  pausedMs: number;
  stoppedAt?: string;
  outcome?: Outcome;
  /** Warnings raised and escalation steps taken so far (counts into the policy's lists). */
  warned: number;
  escalated: number;
  /** An agent's manual due time, with the reason (audited as an override event). */
  override?: { dueAt: string; reason: string };
}

export interface SlaState {
  policy: AppliedPolicy | null;
  cycles: Partial<Record<Metric, Cycle>>;
}

export type SlaEventKind =
  | "policy_applied"
  | "no_policy"
  | "start"
  | "pause"
  | "resume"
  | "retarget"
  | "fulfil"
  | "warn"
  | "breach"
  | "escalate"
  | "override"
  | "cancel";

export interface SlaEvent {
  kind: SlaEventKind;
  metric?: Metric;
  at: string;
  /** Kind-specific figures: target, used, dueAt, outcome, percent, action, reason, policy. */
  detail?: Record<string, unknown>;
}

/** What a ticket write did, as far as the clocks care. */
export interface Happening {
  at: string;
  status: { from: TicketStatus | null; to: TicketStatus };
  priority: Priority;
  /** Fields the policy conditions read, after the write. */
  ticket: { priority: Priority; type: string; channel: string; tags: readonly string[] };
  /** A public reply by staff (not an internal note, not the requester). */
  staffReply?: boolean;
  /** A message from the requester's side (the requester, a CC, a client admin). */
  requesterMessage?: boolean;
  /** Set on creation, and when priority, type or tags changed: the policies to choose from. */
  policies?: { version: number; list: readonly Policy[] };
}

/** Calendar timelines by id, for the targets that count business minutes. */
export type Calendars = ReadonlyMap<string, Timeline>;

const iso = (ms: number) => new Date(ms).toISOString();

function timelineOf(calendars: Calendars, calendarId: string | null): Timeline {
  if (calendarId === null) return ALWAYS;
  // A calendar removed from the set after the cycle started: plain minutes, never a crash mid-write.
  return calendars.get(calendarId) ?? ALWAYS;
}

function matches(policy: Policy, ticket: Happening["ticket"]): boolean {
  const { match } = policy;
  if (match.priorities && !match.priorities.includes(ticket.priority)) return false;
  if (match.types && !match.types.includes(ticket.type as never)) return false;
  if (match.channels && !match.channels.includes(ticket.channel as never)) return false;
  if (match.tags && !match.tags.some((tag) => ticket.tags.includes(tag))) return false;
  return true;
}

export function choosePolicy(policies: readonly Policy[], ticket: Happening["ticket"]): Policy | undefined {
  return policies.find((policy) => matches(policy, ticket));
}

function applied(policy: Policy, setVersion: number): AppliedPolicy {
  return {
    id: policy.id,
    name: policy.name,
    setVersion,
    targets: policy.targets,
    pauses: { ...DEFAULT_PAUSES, ...policy.pauses },
    warnings: policy.warnings,
    escalation: policy.escalation,
  };
}

function targetFor(policy: AppliedPolicy, metric: Metric, priority: Priority): MetricTarget | undefined {
  const target = policy.targets[metric];
  return target?.minutes[priority] === undefined ? undefined : target;
}

export function pausesAt(policy: AppliedPolicy, status: TicketStatus, metric: Metric): boolean {
  return (WaitingStatuses as readonly string[]).includes(status)
    ? (policy.pauses[status as (typeof WaitingStatuses)[number]] ?? []).includes(metric)
    : false;
}

/** Minutes a cycle has used by `at` (its running part counted from the checkpoint). */
export function usedBy(cycle: Cycle, at: number, calendars: Calendars): number {
  if (cycle.state !== "running") return cycle.used;
  const since = Date.parse(cycle.since);
  return cycle.used + (at > since ? businessMinutes(timelineOf(calendars, cycle.calendarId), since, at) : 0);
}

/** The instant a running cycle reaches `minutes` of use. */
function instantAt(cycle: Cycle, minutes: number, calendars: Calendars): number {
  const left = minutes - cycle.used;
  const since = Date.parse(cycle.since);
  return left <= 0 ? since : addBusinessMinutes(timelineOf(calendars, cycle.calendarId), since, left);
}

function withDue(cycle: Cycle, calendars: Calendars): Cycle {
  if (cycle.state !== "running") return { ...cycle, dueAt: undefined };
  const due = cycle.override ? Date.parse(cycle.override.dueAt) : instantAt(cycle, cycle.target, calendars);
  return { ...cycle, dueAt: iso(due) };
}

/**
 * The clocks after one ticket write, and the events that say what changed. Nothing here reads
 * the table or the clock: `at` is the write's time, calendars come from the client's policy set.
 */
export function apply(
  before: SlaState | null,
  happening: Happening,
  calendars: Calendars,
): { state: SlaState; events: SlaEvent[] } {
  const { at } = happening;
  const now = Date.parse(at);
  const events: SlaEvent[] = [];
  const cycles: Partial<Record<Metric, Cycle>> = { ...(before?.cycles ?? {}) };
  let policy = before?.policy ?? null;
  const status = happening.status.to;

  const start = (metric: Metric) => {
    if (!policy) return;
    const target = targetFor(policy, metric, happening.priority);
    if (!target) return;
    const cycle: Cycle = withDue(
      {
        calendarId: target.calendarId,
        target: target.minutes[happening.priority]!,
        state: "running",
        startedAt: at,
        since: at,
        used: 0,
        pausedMs: 0,
        warned: 0,
        escalated: 0,
      },
      calendars,
    );
    const paused = pausesAt(policy, status, metric) ? pause(cycle) : cycle;
    cycles[metric] = paused;
    events.push({
      kind: "start",
      metric,
      at,
      detail: { target: cycle.target, calendarId: cycle.calendarId, dueAt: paused.dueAt ?? null },
    });
    if (paused.state === "paused") events.push({ kind: "pause", metric, at, detail: { status, used: 0 } });
  };
  const pause = (cycle: Cycle): Cycle => ({
    ...cycle,
    used: usedBy(cycle, now, calendars),
    state: "paused",
    since: at,
    pausedAt: at,
    dueAt: undefined,
  });
  const stop = (metric: Metric, outcome?: Outcome) => {
    const cycle = cycles[metric];
    if (!cycle || cycle.state === "stopped") return;
    const used = usedBy(cycle, now, calendars);
    const late = cycle.breachedAt !== undefined || (cycle.dueAt !== undefined && now > Date.parse(cycle.dueAt));
    const result: Outcome = outcome ?? (late ? "breached" : "met");
    const pausedMs =
      cycle.pausedMs + (cycle.state === "paused" && cycle.pausedAt ? now - Date.parse(cycle.pausedAt) : 0);
    const breachedAt = result === "breached" ? (cycle.breachedAt ?? cycle.dueAt ?? at) : cycle.breachedAt;
    cycles[metric] = {
      ...cycle,
      used,
      state: "stopped",
      stoppedAt: at,
      outcome: result,
      pausedMs,
      pausedAt: undefined,
      dueAt: undefined,
      ...(breachedAt ? { breachedAt } : {}),
    };
    if (result === "breached" && !cycle.breachedAt) {
      events.push({
        kind: "breach",
        metric,
        at: breachedAt!,
        detail: { target: cycle.target, dueAt: cycle.dueAt, startedAt: cycle.startedAt },
      });
    }
    events.push({
      kind: result === "cancelled" ? "cancel" : "fulfil",
      metric,
      at,
      detail: {
        outcome: result,
        used,
        target: cycle.target,
        pausedMs,
        startedAt: cycle.startedAt,
        ...(breachedAt ? { breachedAt } : {}),
      },
    });
  };

  // The policy: chosen at creation, and again when a field its conditions read changed.
  if (happening.policies) {
    const chosen = choosePolicy(happening.policies.list, happening.ticket);
    const next = chosen ? applied(chosen, happening.policies.version) : null;
    const changed = (next?.id ?? null) !== (policy?.id ?? null) || next?.setVersion !== policy?.setVersion;
    if (changed || before === null) {
      if (next) {
        events.push({
          kind: "policy_applied",
          at,
          detail: { policyId: next.id, name: next.name, setVersion: next.setVersion },
        });
      } else events.push({ kind: "no_policy", at });
      policy = next;
    }
  }

  const created = happening.status.from === null;
  if (created) {
    start("first_reply");
    start("resolution");
  }

  // Status: pauses, resumes, the solve and a reopen.
  const from = happening.status.from;
  if (!created && from !== status && policy) {
    for (const metric of Metrics) {
      const cycle = cycles[metric];
      if (!cycle) continue;
      const shouldPause = pausesAt(policy, status, metric);
      if (cycle.state === "running" && shouldPause) {
        cycles[metric] = pause(cycle);
        events.push({ kind: "pause", metric, at, detail: { status, used: cycles[metric]!.used } });
      } else if (cycle.state === "paused" && !shouldPause && status !== "solved" && status !== "closed") {
        const resumed = withDue(
          {
            ...cycle,
            state: "running",
            since: at,
            pausedMs: cycle.pausedMs + (cycle.pausedAt ? now - Date.parse(cycle.pausedAt) : 0),
            pausedAt: undefined,
          },
          calendars,
        );
        cycles[metric] = resumed;
        events.push({ kind: "resume", metric, at, detail: { used: resumed.used, dueAt: resumed.dueAt } });
      }
    }
    const ended = (s: TicketStatus | null) => s === "solved" || s === "closed";
    if (ended(status) && !ended(from)) {
      for (const metric of Metrics) stop(metric);
    }
    // A reopen resumes the resolution cycle: its used minutes and any breach carry on.
    const resolution = cycles.resolution;
    if (ended(from) && !ended(status) && resolution?.state === "stopped" && resolution.outcome !== "cancelled") {
      const reopened = withDue(
        { ...resolution, state: "running", since: at, stoppedAt: undefined, outcome: undefined },
        calendars,
      );
      cycles.resolution = pausesAt(policy, status, "resolution") ? pause(reopened) : reopened;
      // The earlier ending is taken back (reports count a cycle once, where it finally ends).
      events.push({
        kind: "resume",
        metric: "resolution",
        at,
        detail: {
          used: reopened.used,
          reopened: true,
          previous: { outcome: resolution.outcome, stoppedAt: resolution.stoppedAt, used: resolution.used },
        },
      });
    }
  }

  const active = status !== "solved" && status !== "closed";
  if (happening.staffReply && active) {
    stop("first_reply");
    stop("next_reply");
    stop("periodic_update");
    start("periodic_update");
  }
  if (happening.requesterMessage && !created && active) {
    const first = cycles.first_reply;
    const waiting = cycles.next_reply;
    // The oldest unanswered message starts the clock; later ones find it running.
    if ((!first || first.state === "stopped") && (!waiting || waiting.state === "stopped")) start("next_reply");
  }

  // A new priority (or a new policy) gives unfinished cycles their new targets; used time stays.
  for (const metric of Metrics) {
    const cycle = cycles[metric];
    if (!cycle || cycle.state === "stopped") continue;
    const target = policy ? targetFor(policy, metric, happening.priority) : undefined;
    if (!target) {
      stop(metric, "cancelled");
      continue;
    }
    const minutes = target.minutes[happening.priority]!;
    if (minutes === cycle.target && target.calendarId === cycle.calendarId) continue;
    const used = usedBy(cycle, now, calendars);
    const retargeted = withDue(
      {
        ...cycle,
        target: minutes,
        calendarId: target.calendarId,
        used,
        since: cycle.state === "running" ? at : cycle.since,
      },
      calendars,
    );
    cycles[metric] = retargeted;
    events.push({ kind: "retarget", metric, at, detail: { target: minutes, used, dueAt: retargeted.dueAt ?? null } });
  }

  return { state: { policy, cycles }, events };
}

/**
 * Warnings, breaches and escalation steps that are due by `now`, in time order: what the sweeper
 * records. A cycle's steps are counted on it (warned, escalated, breachedAt), so sweeping twice
 * finds nothing the second time.
 */
export function due(state: SlaState, now: number, calendars: Calendars): { state: SlaState; events: SlaEvent[] } {
  const events: SlaEvent[] = [];
  const cycles: Partial<Record<Metric, Cycle>> = { ...state.cycles };
  const policy = state.policy;
  if (!policy) return { state, events };
  for (const metric of Metrics) {
    let cycle = cycles[metric];
    if (!cycle || cycle.state !== "running") continue;
    const dueAt = Date.parse(cycle.dueAt ?? "");
    const at = (percent: number) =>
      cycle!.override
        ? Date.parse(cycle!.startedAt) + ((dueAt - Date.parse(cycle!.startedAt)) * percent) / 100
        : instantAt(cycle!, (cycle!.target * percent) / 100, calendars);
    while (cycle.warned < policy.warnings.length) {
      const percent = policy.warnings[cycle.warned]!;
      const when = at(percent);
      if (when > now) break;
      cycle = { ...cycle, warned: cycle.warned + 1 };
      events.push({ kind: "warn", metric, at: iso(when), detail: { percent, dueAt: cycle.dueAt } });
    }
    // A reply at the due instant itself is on time: the breach is the instant after.
    if (!cycle.breachedAt && dueAt < now) {
      cycle = { ...cycle, breachedAt: cycle.dueAt };
      events.push({
        kind: "breach",
        metric,
        at: cycle.dueAt!,
        detail: { target: cycle.target, startedAt: cycle.startedAt },
      });
    }
    while (cycle.escalated < policy.escalation.length) {
      const step = policy.escalation[cycle.escalated]!;
      const when = at(step.atPercent);
      if (when > now) break;
      cycle = { ...cycle, escalated: cycle.escalated + 1 };
      events.push({
        kind: "escalate",
        metric,
        at: iso(when),
        detail: { percent: step.atPercent, action: step.action },
      });
    }
    cycles[metric] = cycle;
  }
  events.sort((a, b) => a.at.localeCompare(b.at));
  return { state: { policy, cycles }, events };
}

/** The next instant `due` would find something: what the sweeper's index is keyed on. */
export function nextActionAt(state: SlaState, calendars: Calendars): number | undefined {
  const policy = state.policy;
  if (!policy) return undefined;
  let next: number | undefined;
  const consider = (t: number) => {
    if (next === undefined || t < next) next = t;
  };
  for (const metric of Metrics) {
    const cycle = state.cycles[metric];
    if (!cycle || cycle.state !== "running" || !cycle.dueAt) continue;
    const dueAt = Date.parse(cycle.dueAt);
    const at = (percent: number) =>
      cycle.override
        ? Date.parse(cycle.startedAt) + ((dueAt - Date.parse(cycle.startedAt)) * percent) / 100
        : instantAt(cycle, (cycle.target * percent) / 100, calendars);
    if (cycle.warned < policy.warnings.length) consider(at(policy.warnings[cycle.warned]!));
    if (!cycle.breachedAt) consider(dueAt);
    if (cycle.escalated < policy.escalation.length) consider(at(policy.escalation[cycle.escalated]!.atPercent));
  }
  return next;
}

/** The earliest due time of the running cycles: the ticket's `dueAt`, which the queues sort by. */
export function earliestDue(state: SlaState): string | undefined {
  let earliest: string | undefined;
  for (const cycle of Object.values(state.cycles)) {
    if (cycle?.state === "running" && cycle.dueAt && (!earliest || cycle.dueAt < earliest)) earliest = cycle.dueAt;
  }
  return earliest;
}

/**
 * An agent's manual due time for one unfinished clock, with the reason (both audited). Warnings
 * and escalation then count against the new due time; a breach already recorded stays.
 */
export function override(
  state: SlaState,
  input: { metric: Metric; dueAt: string; reason: string; at: string },
  calendars: Calendars,
): { state: SlaState; events: SlaEvent[] } | undefined {
  const cycle = state.cycles[input.metric];
  if (!cycle || cycle.state === "stopped") return undefined;
  const next = withDue({ ...cycle, override: { dueAt: input.dueAt, reason: input.reason } }, calendars);
  return {
    state: { ...state, cycles: { ...state.cycles, [input.metric]: next } },
    events: [
      {
        kind: "override",
        metric: input.metric,
        at: input.at,
        detail: { from: cycle.override?.dueAt ?? cycle.dueAt ?? null, to: input.dueAt, reason: input.reason },
      },
    ],
  };
}
