import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

/**
 * A client's SLA policies, in order, with a copy of every calendar they count on (each
 * calendar's versions). Its key is known from the client id alone, so every ticket write reads
 * it in the BatchGet it already makes: the clocks cost no request. A calendar change rewrites
 * the copies in the same transaction as the new version (`usedBy` on the calendar lists them).
 */
export const slaPolicySetEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "slaPolicySet", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        clientId: { type: "string", required: true, readOnly: true },
        /** Policy (sla/schema.ts) list, every default filled in. */
        policies: { type: "any", required: true },
        /** calendarId → { name, versions: [{ number, effectiveFrom, schedule }] }. */
        calendars: { type: "any", required: true },
        updatedBy: { type: "string" },
        createdAt: { type: "string", required: true, readOnly: true },
        updatedAt: { type: "string", required: true },
        version: { type: "number", required: true, default: 1 },
      },
      indexes: {
        byClient: { pk: key("pk", ["providerId"]), sk: key("sk", ["clientId"], "sla") },
      },
    },
    entityConfig,
  );

export type SlaPolicySetEntity = ReturnType<typeof slaPolicySetEntity>;
