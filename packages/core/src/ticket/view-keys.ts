import type { Status } from "./lifecycle";

/**
 * The key strings of the ticket views, spelled exactly as the entity's templates write them
 * (ticket.entity.ts; keys.test.ts pins that they agree). Queries are built from these by hand
 * because merged and keys-only views need positions ElectroDB's cursors cannot express.
 */
export const ViewKeys = {
  clientStatus: (p: string, c: string, status: Status) => `${p}#${c}#${status}`,
  assignee: (p: string, c: string, assigneeId: string) => `${p}#${c}#${assigneeId}`,
  requester: (p: string, c: string, email: string) => `${p}#${c}#${email}`,
  priority: (p: string, c: string, status: Status, priority: string) => `${p}#${c}#${status}#${priority}`,
  tier: (p: string, c: string, status: Status, tier: string) => `${p}#${c}#${status}#${tier}`,
  tag: (p: string, c: string, tag: string, status: Status) => `${p}#${c}#${tag}#${status}`,
  ticket: (p: string, c: string, t: string) => `${p}#${c}#${t}`,
  /** The ticket item's sort key. */
  ticketSort: "t",
  /** Tag items' sort keys start with this. */
  tagSortPrefix: "g#",
  /** Queue counters live in the provider's partition; one client's start with this sort key. */
  statsPartition: (p: string) => p,
  statsSortPrefix: (c?: string) => (c === undefined ? "q#" : `q#${c}#`),
};

/** The ticket id of a ticket-partition key `provider#client#ticket`. */
export function ticketIdOf(pk: string): { clientId: string; ticketId: string } {
  const [, clientId = "", ticketId = ""] = pk.split("#");
  return { clientId, ticketId };
}
