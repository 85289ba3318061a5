import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

/**
 * Queue counters kept in the same transaction as every ticket write, so views show counts
 * without counting. Per client: tickets per status and active unassigned ones, spread over
 * shards (summed on read). Per client and assignee: active tickets, so "mine" counts only the
 * clients you still serve. All in the provider's partition: one Query reads them all.
 */
export const queueStatsEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "queueStats", version: "2" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true, field: "p" },
        clientId: { type: "string", required: true, readOnly: true, field: "c" },
        /** `c`: a shard of the client's counters; `a`: one assignee's counter at the client. */
        scope: { type: ["c", "a"] as const, required: true, readOnly: true, field: "s" },
        /** The shard number, or the assignee's user id. */
        part: { type: "string", required: true, readOnly: true, field: "pt" },
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
          pk: key("pk", ["providerId"]),
          sk: key("sk", ["clientId", "scope", "part"], "q"),
        },
      },
    },
    entityConfig,
  );

export type QueueStatsEntity = ReturnType<typeof queueStatsEntity>;
