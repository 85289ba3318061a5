import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

export const SuppressionReasons = ["bounce", "complaint", "manual"] as const;
export type SuppressionReason = (typeof SuppressionReasons)[number];

/**
 * An address a provider no longer mails: a permanent bounce, a complaint, or an admin's choice.
 * In the provider's partition, keyed by the lower-cased address, so checking a reply's
 * recipients is one BatchGet and the admin list is one Query in address order.
 */
export const suppressionEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "suppression", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true, field: "p" },
        /** Lower-cased bare address. */
        address: { type: "string", required: true, readOnly: true, field: "a" },
        reason: { type: SuppressionReasons, required: true, readOnly: true, field: "r" },
        /** What SES said (bounce type and diagnostic, complaint type) or the admin's note. */
        detail: { type: "string", readOnly: true, field: "d" },
        /** The outbound mail whose bounce or complaint put it here (its key in the ticket's partition). */
        mailId: { type: "string", readOnly: true, field: "m" },
        /** That mail's ticket, so the admin can see which conversation bounced. */
        clientId: { type: "string", readOnly: true, field: "c" },
        ticketId: { type: "string", readOnly: true, field: "t" },
        /** The user or API key that added it by hand. */
        createdBy: { type: "string", readOnly: true, field: "cb" },
        createdAt: { type: "string", required: true, readOnly: true, field: "ca" },
      },
      indexes: {
        byAddress: { pk: key("pk", ["providerId"]), sk: key("sk", ["address"], "sup") },
      },
    },
    entityConfig,
  );

export type SuppressionEntity = ReturnType<typeof suppressionEntity>;
