import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

/**
 * A client's billing month once a provider admin locked it: the statement as it was rated
 * (contract version, lines, credits, totals), never rewritten. Before that a month is open (not
 * over) or provisional (over, re-rated on every read).
 */
export const billingPeriodEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "billingPeriod", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        clientId: { type: "string", required: true, readOnly: true },
        month: { type: "string", required: true, readOnly: true },
        statement: { type: "any", required: true, readOnly: true },
        lockedAt: { type: "string", required: true, readOnly: true },
        lockedBy: { type: "string", required: true, readOnly: true },
      },
      indexes: {
        byMonth: { pk: key("pk", ["providerId", "clientId"]), sk: key("sk", ["month"], "bp") },
      },
    },
    entityConfig,
  );

export type BillingPeriodEntity = ReturnType<typeof billingPeriodEntity>;
