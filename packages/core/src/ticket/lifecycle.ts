import { CLIENT_STATS_SHARDS, type Statuses, UNASSIGNED } from "./constants";

export type Status = (typeof Statuses)[number];

/** Allowed status changes. `closed` is final; a requester's reply reopens pending or solved. */
export const transitions: Record<Status, Status[]> = {
  new: ["open", "pending", "on_hold", "solved"],
  open: ["pending", "on_hold", "solved"],
  pending: ["open", "on_hold", "solved"],
  on_hold: ["open", "pending", "solved"],
  solved: ["open", "closed"],
  closed: [],
};

export function canTransition(from: Status, to: Status): boolean {
  return from === to || transitions[from].includes(to);
}

export const isActive = (status: Status) => status !== "solved" && status !== "closed";

/** What an inbound reply from the requester's side does to the status. */
export function statusAfterRequesterReply(status: Status): Status {
  return status === "pending" || status === "solved" ? "open" : status;
}

interface Placement {
  status: Status;
  assigneeId: string;
}

export interface StatsDelta {
  client: Partial<Record<Status | "unassigned", number>>;
  assignees: Map<string, number>;
}

/**
 * How queue counters move when a ticket goes from `before` to `after` (null: does not exist).
 * Client counters count tickets per status plus active unassigned ones; assignee counters count
 * active tickets.
 */
export function statsDelta(before: Placement | null, after: Placement | null): StatsDelta {
  const delta: StatsDelta = { client: {}, assignees: new Map() };
  const bump = (placement: Placement | null, by: number) => {
    if (!placement) return;
    delta.client[placement.status] = (delta.client[placement.status] ?? 0) + by;
    if (!isActive(placement.status)) return;
    if (placement.assigneeId === UNASSIGNED) delta.client.unassigned = (delta.client.unassigned ?? 0) + by;
    else delta.assignees.set(placement.assigneeId, (delta.assignees.get(placement.assigneeId) ?? 0) + by);
  };
  bump(before, -1);
  bump(after, +1);
  for (const [key, value] of Object.entries(delta.client)) if (value === 0) delete delta.client[key as Status];
  for (const [key, value] of delta.assignees) if (value === 0) delta.assignees.delete(key);
  return delta;
}

/** The client counter shard a ticket's changes go to: a burst for one client spreads over shards. */
export function shardOf(ticketId: string): string {
  let hash = 0;
  for (let i = 0; i < ticketId.length; i++) hash = (hash * 31 + ticketId.charCodeAt(i)) >>> 0;
  return String(hash % CLIENT_STATS_SHARDS);
}
