import { Entity } from "electrodb";

/**
 * Queue counters kept in the same transaction as every ticket write, so views show counts
 * without counting. One item per client (tickets per status, unassigned active) and one per
 * assignee (active tickets), all in the provider's partition: one Query reads them all.
 */
export const QueueStatsEntity = new Entity({
  model: { service: "outdesk", entity: "queueStats", version: "1" },
  attributes: {
    providerId: { type: "string", required: true, readOnly: true },
    scope: { type: ["client", "assignee"] as const, required: true, readOnly: true },
    scopeId: { type: "string", required: true, readOnly: true },
    new: { type: "number" },
    open: { type: "number" },
    pending: { type: "number" },
    on_hold: { type: "number" },
    solved: { type: "number" },
    closed: { type: "number" },
    unassigned: { type: "number" },
    active: { type: "number" },
  },
  indexes: {
    byScope: {
      pk: { field: "pk", composite: ["providerId"] },
      sk: { field: "sk", composite: ["scope", "scopeId"] },
    },
  },
});
