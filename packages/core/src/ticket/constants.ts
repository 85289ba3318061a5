/** The ticket's enumerations and sentinels, apart from the entity so they load without ElectroDB. */
export const Statuses = ["new", "open", "pending", "on_hold", "solved", "closed"] as const;
export const Priorities = ["low", "normal", "high", "urgent"] as const;
export const Tiers = ["L1", "L2", "L3"] as const;
export const Channels = ["email", "web", "api", "phone", "chat"] as const;
export const TicketTypes = ["question", "incident", "problem", "task"] as const;

/** Written in place of an assignee, so unassigned tickets sit in the assignee index too. */
export const UNASSIGNED = "-";
/** Sorts after every ISO time: tickets without an SLA due time come last in due-time order. */
export const NO_DUE_TIME = "~";

/** Client counters are spread over this many items, so a burst of tickets for one client does not queue on one item. */
export const CLIENT_STATS_SHARDS = 8;
