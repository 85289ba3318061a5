import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

/**
 * A month's SLA-credit exclusions of one client (breaches that do not count against the
 * provider, and why), as a provider admin last saved them: one item, read in the statement's
 * BatchGet, frozen into the statement when the month is locked.
 */
export const billingExclusionsEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "billingExclusions", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        clientId: { type: "string", required: true, readOnly: true },
        month: { type: "string", required: true, readOnly: true },
        items: { type: "any", required: true },
        version: { type: "number", required: true },
        updatedAt: { type: "string", required: true },
        updatedBy: { type: "string", required: true },
      },
      indexes: {
        byMonth: { pk: key("pk", ["providerId", "clientId"]), sk: key("sk", ["month"], "bx") },
      },
    },
    entityConfig,
  );

/**
 * A client admin's dispute of a locked statement's line, and the provider's resolution. The
 * provider's open disputes across clients are one gsi1 partition (few, low volume), by status.
 */
export const billingDisputeEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "billingDispute", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        clientId: { type: "string", required: true, readOnly: true },
        month: { type: "string", required: true, readOnly: true },
        disputeId: { type: "string", required: true, readOnly: true },
        line: { type: "any", required: true, readOnly: true },
        reason: { type: "string", required: true, readOnly: true },
        status: { type: ["open", "resolved"] as const, required: true },
        openedBy: { type: "string", required: true, readOnly: true },
        openedAt: { type: "string", required: true, readOnly: true },
        resolution: { type: "any" },
      },
      indexes: {
        byMonth: { pk: key("pk", ["providerId", "clientId"]), sk: key("sk", ["month", "disputeId"], "bd") },
        byStatus: {
          index: "gsi1",
          pk: key("gsi1pk", ["providerId"]),
          sk: key("gsi1sk", ["status", "openedAt", "disputeId"], "bd"),
        },
      },
    },
    entityConfig,
  );
