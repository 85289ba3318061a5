import { type AttributeValue, BatchWriteItemCommand } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { Dynamo, Outdesk } from "@outdesk/core/dynamo";
import { allCounters, Metrics, rollupShard, rollupsOf, type SlaEvent } from "@outdesk/core/sla";
import { handler as sweep } from "@outdesk/functions/sla-sweep";
import { mulberry32 } from "@outdesk/local/random";
import { ROLLUP_SHARDS } from "../packages/core/src/sla/report.entity";
import { Priorities } from "../packages/core/src/ticket/constants";
import { shardOf } from "../packages/core/src/ticket/lifecycle";
import { call, expectStatus, type Persona } from "../test/api";
import { createClient, createTicket, signup } from "../test/world";
import { runIfMain } from "./harness";

/**
 * What SLA reporting and the sweeper cost as a client grows, one run, as ratios:
 * - the monthly report (GET /v1/clients/{id}/sla-report) of a client with 1k tickets' month
 *   against one with 100k: both months' rollups are built as the write path builds them
 *   (rollupsOf() on each ticket's fulfil and breach events, deltas merged per item) and spread so
 *   every day, metric, priority and shard has an outcome, the small client's worst case: the
 *   same items, bigger numbers. Timed in alternating rounds; items, requests and units beside;
 * - the sweep with 10 due tickets among 1k measured-but-not-due ones against 10 among 100k: the
 *   due ones are real tickets under a policy, the rest minimal items in the due index (gsi9).
 */
export interface SlaBenchReport {
  month: string;
  /** Rollup items a month can have at most: days × metrics × priorities × shards. */
  bound: number;
  rounds: number;
  small: MonthSide;
  large: MonthSide;
  /** Median report time, large ÷ small. */
  ratio: number;
  seedMs: number;
  sweep: { small: SweepSide; large: SweepSide; ratio: number; fillMs: number };
}

export interface MonthSide {
  tickets: number;
  /** Rollup and breach items written for the month (breaches are not read by the report). */
  rollupItems: number;
  breachItems: number;
  /** Mean attributes of the month's rollup items: a busier month fills more histogram buckets. */
  attributesPerItem: number;
  /** Rollup items the report read (its `reads`). */
  reads: number;
  medianMs: number;
  usage: Dynamo.Usage;
  firstReplyCompliance: number | null;
}

export interface SweepSide {
  /** Measured tickets in the due index that are not due. */
  notDue: number;
  due: number;
  events: number;
  usage: Dynamo.Usage;
  /** The same sweep once more, with nothing left to do. */
  idle: Dynamo.Usage;
}

type Metric = (typeof Metrics)[number];

/** 31 days: the largest bound a month has. */
const MONTH = "2026-10";
const DAYS = 31;
const TIME_ZONE = "Europe/Berlin";
const ROUNDS = 20;
const MINUTE = 60_000;
/** Target minutes a synthetic cycle is measured against, per metric. */
const TARGETS: Record<Metric, number> = { first_reply: 60, next_reply: 120, periodic_update: 240, resolution: 1440 };
/** The due tickets' policy: one warning at half of a 10-hour first reply target, no ladder. */
const DUE_POLICY = {
  name: "Bench",
  targets: { first_reply: { calendarId: null, minutes: { normal: 600 } } },
  warnings: [50],
  escalation: [],
};
const WARNING_MINUTES = 300;

/** Items to the table by BatchWriteItem, 25 at a time, a few batches at once; unprocessed ones are sent again. */
async function writeAll(count: number, itemAt: (i: number) => Record<string, AttributeValue>, concurrency = 8) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const from = next;
      next = Math.min(count, next + 25);
      let pending = Array.from({ length: next - from }, (_, k) => ({ PutRequest: { Item: itemAt(from + k) } }));
      while (pending.length > 0) {
        const output = await Dynamo.raw().send(
          new BatchWriteItemCommand({ RequestItems: { [Dynamo.table()]: pending } }),
        );
        pending = (output.UnprocessedItems?.[Dynamo.table()] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** A synthetic ticket's outcomes: each metric's cycle ends on the ticket's day; ~10 % overrun their target. */
function ticketEvents(day: string, index: number, next: () => number): SlaEvent[] {
  const events: SlaEvent[] = [];
  const end = Date.parse(`${day}T12:00:00.000Z`) + (index % 300) * MINUTE;
  for (const [metric, target] of Object.entries(TARGETS) as [Metric, number][]) {
    const used = Math.round(target * (next() < 0.9 ? 0.05 + 0.9 * next() : 1 + 2 * next()) * 100) / 100;
    const startedAt = new Date(end - used * MINUTE).toISOString();
    const at = new Date(end).toISOString();
    const breachedAt = used > target ? new Date(Date.parse(startedAt) + target * MINUTE).toISOString() : undefined;
    // As the sweep records a breach, then the reply or solve that ends the cycle.
    if (breachedAt) events.push({ kind: "breach", metric, at: breachedAt, detail: { target, startedAt } });
    events.push({
      kind: "fulfil",
      metric,
      at,
      detail: {
        outcome: breachedAt ? "breached" : "met",
        used,
        target,
        pausedMs: 0,
        startedAt,
        ...(breachedAt ? { breachedAt } : {}),
      },
    });
  }
  return events;
}

/**
 * A client's month of `tickets` tickets as rollup and breach items, written as the ticket writes
 * would have left them. Ticket i lands on cell i of (day, priority, rollup shard), round robin,
 * so 496 tickets already reach every cell.
 */
async function seedMonth(providerId: string, clientId: string, tickets: number, seed: number) {
  const next = mulberry32(seed);
  const rollups = new Map<
    string,
    { day: string; metric: Metric; priority: string; shard: string; add: Record<string, number> }
  >();
  const breaches = new Map<string, Record<string, unknown>>();
  const cells = DAYS * Priorities.length * ROLLUP_SHARDS;
  for (let i = 0; i < tickets; i++) {
    const cell = i % cells;
    const day = `${MONTH}-${String((cell % DAYS) + 1).padStart(2, "0")}`;
    const priority = Priorities[Math.floor(cell / DAYS) % Priorities.length]!;
    const shard = String(Math.floor(cell / (DAYS * Priorities.length)));
    let k = 0;
    let ticketId = `tkt_${seed}x${i}x${k}`;
    while (rollupShard(ticketId) !== shard) ticketId = `tkt_${seed}x${i}x${++k}`;
    const { deltas, breaches: records } = rollupsOf(ticketEvents(day, i, next), priority, TIME_ZONE);
    for (const delta of deltas) {
      const id = `${delta.day}|${delta.metric}|${delta.priority}|${shard}`;
      const into = rollups.get(id) ?? { day: delta.day, metric: delta.metric, priority, shard, add: {} };
      rollups.set(id, into);
      for (const [name, by] of Object.entries(delta.add)) into.add[name] = (into.add[name] ?? 0) + by;
    }
    // The ending's record replaces the sweep's (one item per cycle), as rollupSteps keys them.
    for (const record of records) {
      breaches.set(`${ticketId}|${record.day}|${record.metric}|${record.cycleStartedAt}`, {
        providerId,
        clientId,
        ticketId,
        ticketKey: `BENCH-${i + 1}`,
        subject: `Synthetic ticket ${i + 1}`,
        priority,
        ...record,
      });
    }
  }
  const rollupItems = [...rollups.values()].map(({ add, ...keys }) => ({
    day: keys.day,
    item: marshall(
      Outdesk.entities.slaRollup.put({ providerId, clientId, ...keys, ...allCounters(add) } as never).params().Item,
      {
        removeUndefinedValues: true,
      },
    ),
  }));
  const breachItems = [...breaches.values()].map((record) =>
    marshall(Outdesk.entities.slaBreach.put(record as never).params().Item, { removeUndefinedValues: true }),
  );
  await writeAll(rollupItems.length, (i) => rollupItems[i]!.item);
  await writeAll(breachItems.length, (i) => breachItems[i]!);
  const inMonth = rollupItems.filter((r) => r.day.startsWith(MONTH));
  const attributes = inMonth.reduce((sum, r) => sum + Object.keys(r.item).length, 0) / inMonth.length;
  return {
    rollupItems: rollupItems.length,
    breachItems: breachItems.length,
    attributesPerItem: Math.round(attributes * 10) / 10,
  };
}

/** A not-due measured ticket as the due index sees it: keys only, another tenant's, next action weeks away. */
function notDueItem(i: number, horizon: number): Record<string, AttributeValue> {
  const ticketId = `tkt_notdue${i}`;
  return {
    pk: { S: `prv_x#cli_y#${ticketId}` },
    sk: { S: "t" },
    gsi9pk: { S: `sla#${shardOf(ticketId)}` },
    gsi9sk: { S: new Date(horizon + (i % 43_200) * MINUTE).toISOString() },
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const usageOf = ({ requests, readUnits, writeUnits }: Dynamo.Usage): Dynamo.Usage => ({
  requests,
  readUnits,
  writeUnits,
});

async function monthReports(admin: Persona) {
  const started = performance.now();
  const sides = [
    { tickets: 1_000, clientId: await createClient(admin, "sla-month-1k") },
    { tickets: 100_000, clientId: await createClient(admin, "sla-month-100k") },
  ];
  const written: Awaited<ReturnType<typeof seedMonth>>[] = [];
  for (const [n, side] of sides.entries()) {
    written.push(await seedMonth(admin.providerId!, side.clientId, side.tickets, n + 1));
  }
  const seedMs = performance.now() - started;

  const report = (clientId: string) =>
    Dynamo.measure(async () =>
      expectStatus(await call(admin, "GET", `/v1/clients/${clientId}/sla-report?month=${MONTH}`), 200),
    );
  for (const side of sides) await report(side.clientId);
  const times: number[][] = [[], []];
  const last: Awaited<ReturnType<typeof report>>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so neither always runs on a calmer machine.
    for (const n of round % 2 ? [1, 0] : [0, 1]) {
      const t = performance.now();
      last[n] = await report(sides[n]!.clientId);
      times[n]!.push(performance.now() - t);
    }
  }
  const [small, large] = sides.map((side, n): MonthSide => {
    const body = last[n]!.result.body;
    return {
      tickets: side.tickets,
      ...written[n]!,
      reads: body.reads,
      medianMs: median(times[n]!),
      usage: usageOf(last[n]!),
      firstReplyCompliance: body.metrics.find((m: { metric: string }) => m.metric === "first_reply").total.compliance,
    };
  }) as [MonthSide, MonthSide];
  return { small, large, seedMs };
}

/** Sweeps at `time`, then again at the same instant (nothing left to do). */
async function measuredSweep(time: number, notDue: number): Promise<SweepSide> {
  const swept = await Dynamo.measure(() => sweep({ time: new Date(time).toISOString() }));
  const idle = await Dynamo.measure(() => sweep({ time: new Date(time).toISOString() }));
  return { notDue, due: swept.result.due, events: swept.result.events, usage: usageOf(swept), idle: usageOf(idle) };
}

async function sweeps(admin: Persona) {
  const clientId = await createClient(admin, "sla-sweep");
  expectStatus(await call(admin, "PUT", `/v1/clients/${clientId}/sla-policies`, { policies: [DUE_POLICY] }), 200);
  const dueTickets = async (batch: number) => {
    let latest = 0;
    for (let i = 0; i < 10; i++) {
      const ticketId = await createTicket(admin, clientId, `Waiting ${batch}.${i}`);
      const page = expectStatus(await call(admin, "GET", `/v1/clients/${clientId}/tickets/${ticketId}`), 200).body;
      latest = Math.max(latest, Date.parse(page.ticket.createdAt));
    }
    // Past every ticket's warning; the first batch's next action (its breach) stays hours beyond the second's sweep.
    return latest + (WARNING_MINUTES + 1) * MINUTE;
  };
  // The due index is every tenant's: whatever else is due before these sweeps (other benchmarks'
  // tickets in the same stack) is swept first, so the measured sweeps find only this bench's ten.
  // A few passes: one sweep takes at most 200 tickets a shard.
  const drainUntil = new Date(Date.now() + 12 * 60 * MINUTE).toISOString();
  for (let pass = 0; pass < 5 && (await sweep({ time: drainUntil })).due > 0; pass++);

  const horizon = Date.now() + 30 * 24 * 60 * MINUTE;
  let fillMs = 0;
  const fill = async (from: number, to: number) => {
    const t = performance.now();
    await writeAll(to - from, (i) => notDueItem(from + i, horizon));
    fillMs += performance.now() - t;
  };
  await fill(0, 1_000);
  const small = await measuredSweep(await dueTickets(1), 1_000);
  await fill(1_000, 100_000);
  const large = await measuredSweep(await dueTickets(2), 100_000);
  return { small, large, ratio: large.usage.requests / small.usage.requests, fillMs };
}

export async function slaReport(): Promise<SlaBenchReport> {
  const admin = await signup(`sla-bench-${Date.now().toString(36)}`);
  const { small, large, seedMs } = await monthReports(admin);
  return {
    month: MONTH,
    bound: DAYS * Metrics.length * Priorities.length * ROLLUP_SHARDS,
    rounds: ROUNDS,
    small,
    large,
    ratio: large.medianMs / small.medianMs,
    seedMs,
    sweep: await sweeps(admin),
  };
}

export function printSla(report: SlaBenchReport) {
  const units = (u: Dynamo.Usage) => `${u.requests} requests  ${u.readUnits} RRU  ${u.writeUnits} WRU`;
  const month = (side: MonthSide) =>
    `  ${`${side.tickets.toLocaleString("en")} tickets`.padEnd(15)} ${side.medianMs.toFixed(1).padStart(6)} ms  ${String(side.reads).padStart(4)} items read  ${units(side.usage)}  (${side.attributesPerItem} attributes an item; ${side.rollupItems} rollup + ${side.breachItems} breach items written; first reply ${side.firstReplyCompliance} %)`;
  const { sweep: s } = report;
  const swept = (side: SweepSide) =>
    `  ${`10 due among ${side.notDue.toLocaleString("en")}`.padEnd(20)} ${units(side.usage)}  (${side.due} due, ${side.events} events; then nothing due: ${units(side.idle)})`;
  const lines = [
    `SLA month report, ${report.month} (target: ≤ 1.2× from 1k to 100k tickets; at most ${report.bound} rollup items a month), median of ${report.rounds} alternating rounds; data built in ${(report.seedMs / 1000).toFixed(1)} s`,
    month(report.small),
    month(report.large),
    `  time ratio 100k ÷ 1k: ${report.ratio.toFixed(2)}×   items read ratio: ${(report.large.reads / report.small.reads).toFixed(2)}×   RRU ratio: ${(report.large.usage.readUnits / report.small.usage.readUnits).toFixed(2)}×   attributes an item ratio: ${(report.large.attributesPerItem / report.small.attributesPerItem).toFixed(2)}×`,
    `SLA sweep (target: the same requests whatever the measured population: 8 shard queries + the due tickets' work); ${s.large.notDue.toLocaleString("en")} not-due items written in ${(s.fillMs / 1000).toFixed(1)} s`,
    swept(s.small),
    swept(s.large),
    `  requests ratio 100k ÷ 1k: ${s.ratio.toFixed(2)}×`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

await runIfMain(import.meta.url, async () => printSla(await slaReport()));
