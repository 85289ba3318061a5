import type { Services, Step } from "../common/transaction";
import { step } from "../common/transaction";
import { dayIn } from "../common/zone";
import type { TicketItem } from "../ticket/model";
import type { SlaEvent } from "./clock";
import { HISTOGRAM_BOUNDS, HISTOGRAM_BUCKETS, ROLLUP_SHARDS } from "./report.entity";
import type { Metric, Priority } from "./schema";

/** Counter changes of one rollup item. */
export interface RollupDelta {
  day: string;
  metric: Metric;
  priority: Priority;
  add: Record<string, number>;
}

export interface BreachRecord {
  day: string;
  metric: Metric;
  cycleStartedAt: string;
  breachedAt: string;
  targetMinutes: number;
  /** Once the cycle ended: when, its business minutes, and the time it spent paused. */
  endedAt?: string;
  usedMinutes?: number;
  pausedMinutes?: number;
}

export interface Rollups {
  deltas: RollupDelta[];
  breaches: BreachRecord[];
}

/** Days are the client's: the date of an instant in its zone (kept here for the SLA code's imports). */
export { dayIn };

export function bucketOf(minutes: number): number {
  const index = HISTOGRAM_BOUNDS.findIndex((bound) => minutes <= bound);
  return index < 0 ? HISTOGRAM_BOUNDS.length : index;
}

function ending(minutes: number, met: boolean, sign: 1 | -1): Record<string, number> {
  return {
    ended: sign,
    minutes: (sign * Math.round(minutes * 100)) / 100,
    [`h${bucketOf(minutes)}`]: sign,
    ...(met ? { met: sign } : {}),
  };
}

/**
 * What one write's SLA events add to the reports: a breach counts on the day it happened; an
 * ending (met or breached) counts its business minutes on the day it ended; a reopen takes the
 * earlier ending back, so a cycle counts once, where it finally ends.
 */
export function rollupsOf(events: SlaEvent[], priority: Priority, timeZone: string): Rollups {
  const deltas: RollupDelta[] = [];
  const breaches: BreachRecord[] = [];
  for (const event of events) {
    const metric = event.metric;
    if (!metric) continue;
    const detail = event.detail ?? {};
    if (event.kind === "breach") {
      const day = dayIn(timeZone, event.at);
      deltas.push({ day, metric, priority, add: { breached: 1 } });
      breaches.push({
        day,
        metric,
        cycleStartedAt: String(detail.startedAt ?? event.at),
        breachedAt: event.at,
        targetMinutes: Number(detail.target ?? 0),
      });
    } else if (event.kind === "fulfil" && (detail.outcome === "met" || detail.outcome === "breached")) {
      if (detail.outcome === "breached" && detail.breachedAt) {
        breaches.push({
          day: dayIn(timeZone, String(detail.breachedAt)),
          metric,
          cycleStartedAt: String(detail.startedAt),
          breachedAt: String(detail.breachedAt),
          targetMinutes: Number(detail.target ?? 0),
          endedAt: event.at,
          usedMinutes: Math.round(Number(detail.used ?? 0) * 100) / 100,
          pausedMinutes: Math.round(Number(detail.pausedMs ?? 0) / 600) / 100,
        });
      }
      deltas.push({
        day: dayIn(timeZone, event.at),
        metric,
        priority,
        add: ending(Number(detail.used ?? 0), detail.outcome === "met", 1),
      });
    } else if (event.kind === "resume" && detail.previous) {
      const previous = detail.previous as { outcome?: string; stoppedAt?: string; used?: number };
      if (previous.stoppedAt && (previous.outcome === "met" || previous.outcome === "breached")) {
        deltas.push({
          day: dayIn(timeZone, previous.stoppedAt),
          metric,
          priority,
          add: ending(Number(previous.used ?? 0), previous.outcome === "met", -1),
        });
      }
    }
  }
  return { deltas, breaches };
}

const COUNTERS = [
  "met",
  "breached",
  "ended",
  "minutes",
  ...Array.from({ length: HISTOGRAM_BUCKETS }, (_, i) => `h${i}`),
];

/**
 * Every counter of a rollup item, the untouched ones as 0: each item then holds the same
 * attributes however many tickets it counts, so a busy month reads and parses like a quiet one
 * (and an item stays far under the 1 KB a write unit covers).
 */
export function allCounters(add: Record<string, number>): Record<string, number> {
  return Object.fromEntries(COUNTERS.map((name) => [name, add[name] ?? 0]));
}

export function rollupShard(ticketId: string): string {
  let hash = 0;
  for (let i = 0; i < ticketId.length; i++) hash = (hash * 33 + ticketId.charCodeAt(i)) >>> 0;
  return String(hash % ROLLUP_SHARDS);
}

/** The rollup updates and breach records of a write, one step per item (deltas to one item merged). */
export function rollupSteps(
  services: Services,
  ticket: Pick<TicketItem, "providerId" | "clientId" | "ticketId" | "key" | "subject" | "priority">,
  rollups: Rollups,
): Step[] {
  const { providerId, clientId, ticketId } = ticket;
  const merged = new Map<string, RollupDelta>();
  for (const delta of rollups.deltas) {
    const id = `${delta.day}|${delta.metric}|${delta.priority}`;
    const into = merged.get(id);
    if (!into) merged.set(id, { ...delta, add: { ...delta.add } });
    else for (const [name, by] of Object.entries(delta.add)) into.add[name] = (into.add[name] ?? 0) + by;
  }
  const shard = rollupShard(ticketId);
  return [
    ...[...merged.values()].map((delta) =>
      step(
        services.slaRollup
          .update({ providerId, clientId, day: delta.day, metric: delta.metric, priority: delta.priority, shard })
          .add(allCounters(delta.add) as never)
          .commit(),
      ),
    ),
    // One item once: a breach found at the ending is recorded with the ending's figures.
    ...[...new Map(rollups.breaches.map((b) => [`${b.day}|${b.metric}|${b.cycleStartedAt}`, b])).values()].map(
      (breach) =>
        step(
          services.slaBreach
            .put({
              providerId,
              clientId,
              ticketId,
              ticketKey: ticket.key,
              subject: ticket.subject,
              priority: ticket.priority,
              ...breach,
            })
            .commit(),
        ),
    ),
  ];
}
