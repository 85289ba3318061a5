/**
 * Stored attribute names of a ticket. Attribute names count toward item size (and so toward
 * every write unit), so tickets store two-letter names; ElectroDB maps them back.
 */
export const TicketFields = {
  providerId: "p",
  clientId: "c",
  ticketId: "t",
  number: "n",
  key: "k",
  subject: "su",
  status: "st",
  priority: "pr",
  type: "ty",
  category: "cg",
  tags: "tg",
  assigneeId: "a",
  tier: "ti",
  channel: "ch",
  requesterName: "rn",
  requesterEmail: "re",
  ccs: "cc",
  fields: "f",
  createdBy: "cb",
  createdAt: "ca",
  updatedAt: "ua",
  firstReplyAt: "fr",
  solvedAt: "sa",
  closedAt: "cl",
  mergedInto: "mi",
  dueAt: "du",
  sla: "sl",
  slaRow: "sr",
  slaNextAt: "sn",
  slaShard: "sh",
  messageCount: "mc",
  publicMessageCount: "pm",
  timeSpentMinutes: "ts",
  solvedMeteredIn: "sm",
  version: "vn",
} as const;

/** ElectroDB's entity/version markers, renamed from __edb_e__/__edb_v__ for every entity. */
export const Identifiers = { entity: "e", version: "v" } as const;

/** What a queue row renders: the projection of the ticket views (gsi2–gsi5). */
export const TicketRowFields = [
  Identifiers.entity,
  Identifiers.version,
  TicketFields.clientId,
  TicketFields.ticketId,
  TicketFields.key,
  TicketFields.subject,
  TicketFields.status,
  TicketFields.priority,
  TicketFields.tier,
  TicketFields.assigneeId,
  TicketFields.requesterName,
  TicketFields.requesterEmail,
  TicketFields.tags,
  TicketFields.createdAt,
  TicketFields.updatedAt,
  TicketFields.dueAt,
  TicketFields.slaRow,
] as const;
