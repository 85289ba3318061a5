import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

const hours = Object.fromEntries(
  Array.from({ length: 24 }, (_, h) => [`h${h}`, { type: "number" as const }]),
) as Record<`h${number}`, { type: "number" }>;

/**
 * One client's metered usage of a day (in the client's time zone) for one meter, by hour of the
 * day: kept in the transaction of the ticket write (or time entry) that produced it. A month's
 * statement is one Query of at most 31 × meters × shards small items, whatever the volume; the
 * hours let after-hours multipliers be applied on any calendar when the month is rated.
 */
export const usageRollupEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "usageRollup", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        clientId: { type: "string", required: true, readOnly: true },
        /** YYYY-MM-DD in the client's time zone. */
        day: { type: "string", required: true, readOnly: true },
        /** created, solved, reopened, contact_<channel>; worked and billable minutes. */
        meter: { type: "string", required: true, readOnly: true },
        shard: { type: "string", required: true, readOnly: true },
        total: { type: "number" },
        ...hours,
      },
      indexes: {
        byDay: {
          pk: key("pk", ["providerId", "clientId"]),
          sk: key("sk", ["day", "meter", "shard"], "usr"),
        },
      },
    },
    entityConfig,
  );

/**
 * The usage ledger: one append-only item per metered ticket event (created, solved, reopened, a
 * contact), by month and meter, so a statement's line lists the tickets behind it with one Query
 * of that meter's range. Each month is its own partition: the client's partition (contract,
 * rollups, statements) stays small however many events a month has. Never updated.
 */
export const usageEventEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "usageEvent", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        clientId: { type: "string", required: true, readOnly: true },
        /** YYYY-MM in the client's time zone. */
        month: { type: "string", required: true, readOnly: true },
        at: { type: "string", required: true, readOnly: true },
        ticketId: { type: "string", required: true, readOnly: true },
        seq: { type: "number", required: true, readOnly: true },
        ticketKey: { type: "string", required: true, readOnly: true },
        meter: { type: "string", required: true, readOnly: true },
        channel: { type: "string", required: true, readOnly: true },
        actorId: { type: "string" },
      },
      indexes: {
        byMonth: {
          pk: key("pk", ["providerId", "clientId", "month"]),
          sk: key("sk", ["meter", "at", "ticketId", "seq"], "use"),
        },
      },
    },
    entityConfig,
  );
