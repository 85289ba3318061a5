import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

/**
 * Who has a ticket open, and whether they are typing: one small item per user in the ticket's own
 * partition (sort keys `p#…`, between deliveries `o#` and the ticket `t`), so one Query reads the
 * ticket's existence and its presence together. A heartbeat rewrites it; DynamoDB's TTL deletes it
 * some time after `expiresAt`, and readers ignore it from then on.
 */
export const ticketPresenceEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "ticketPresence", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        clientId: { type: "string", required: true, readOnly: true },
        ticketId: { type: "string", required: true, readOnly: true },
        userId: { type: "string", required: true, readOnly: true },
        name: { type: "string", required: true },
        staff: { type: "boolean", required: true },
        state: { type: ["viewing", "typing"] as const, required: true },
        /** Typing an internal note: client admins see the writer as viewing. */
        internal: { type: "boolean" },
        at: { type: "string", required: true },
        /** Epoch seconds; DynamoDB TTL removes the item some time after. */
        expiresAt: { type: "number", required: true },
      },
      indexes: {
        byTicket: {
          pk: key("pk", ["providerId", "clientId", "ticketId"]),
          sk: key("sk", ["userId"], "p"),
        },
      },
    },
    entityConfig,
  );

export type TicketPresenceEntity = ReturnType<typeof ticketPresenceEntity>;
