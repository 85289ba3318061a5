import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";
import { Priorities } from "../ticket/constants";
import { Metrics } from "./schema";

/**
 * Upper bounds (business minutes) of the histogram buckets a rollup keeps per metric and
 * priority; the last bucket is open. Mergeable by adding, so a month is the sum of its days.
 */
export const HISTOGRAM_BOUNDS = [
  1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 960, 1440, 2880, 4320, 7200, 10080, 20160, 43200,
] as const;
export const HISTOGRAM_BUCKETS = HISTOGRAM_BOUNDS.length + 1;

const buckets = Object.fromEntries(
  Array.from({ length: HISTOGRAM_BUCKETS }, (_, i) => [`h${i}`, { type: "number" as const }]),
) as Record<`h${number}`, { type: "number" }>;

/** Rollup shards per client, day, metric and priority: concurrent ticket writes rarely meet on one. */
export const ROLLUP_SHARDS = 4;

/**
 * SLA outcomes of one client's day (in the client's time zone) for one metric and priority,
 * kept in the transaction of the ticket write or sweep that produced them: targets met and
 * breached, cycles ended, and a histogram of their business minutes. A month is one Query of
 * at most 31 × 4 × 4 × shards small items, whatever the number of tickets.
 */
export const slaRollupEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "slaRollup", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        clientId: { type: "string", required: true, readOnly: true },
        /** YYYY-MM-DD in the client's time zone. */
        day: { type: "string", required: true, readOnly: true },
        metric: { type: Metrics, required: true, readOnly: true },
        priority: { type: Priorities, required: true, readOnly: true },
        shard: { type: "string", required: true, readOnly: true },
        met: { type: "number" },
        breached: { type: "number" },
        /** Cycles ended (met or breached), the histogram's count. */
        ended: { type: "number" },
        minutes: { type: "number" },
        ...buckets,
      },
      indexes: {
        byDay: {
          pk: key("pk", ["providerId", "clientId"]),
          sk: key("sk", ["day", "metric", "priority", "shard"], "slr"),
        },
      },
    },
    entityConfig,
  );

/** A breached target, for the drill-down: by the day (client's zone) it breached. */
export const slaBreachEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "slaBreach", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        clientId: { type: "string", required: true, readOnly: true },
        day: { type: "string", required: true, readOnly: true },
        ticketId: { type: "string", required: true, readOnly: true },
        metric: { type: Metrics, required: true, readOnly: true },
        /** Which cycle of the metric (next reply and periodic update have several a ticket). */
        cycleStartedAt: { type: "string", required: true, readOnly: true },
        ticketKey: { type: "string", required: true, readOnly: true },
        subject: { type: "string", required: true, readOnly: true },
        priority: { type: Priorities, required: true, readOnly: true },
        targetMinutes: { type: "number", required: true, readOnly: true },
        breachedAt: { type: "string", required: true, readOnly: true },
        endedAt: { type: "string" },
        usedMinutes: { type: "number" },
        pausedMinutes: { type: "number" },
      },
      indexes: {
        byDay: {
          pk: key("pk", ["providerId", "clientId"]),
          sk: key("sk", ["day", "ticketId", "metric", "cycleStartedAt"], "slb"),
        },
      },
    },
    entityConfig,
  );

/** A frozen month: written once, never changed (the figures, formula and versions it was made with). */
export const slaStatementEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "slaStatement", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        clientId: { type: "string", required: true, readOnly: true },
        month: { type: "string", required: true, readOnly: true },
        /** The statement as served (SlaStatement in sla/report.ts). */
        body: { type: "any", required: true, readOnly: true },
        frozenBy: { type: "string", required: true, readOnly: true },
        frozenAt: { type: "string", required: true, readOnly: true },
      },
      indexes: {
        byMonth: { pk: key("pk", ["providerId", "clientId"]), sk: key("sk", ["month"], "sls") },
      },
    },
    entityConfig,
  );
