import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

/**
 * A client's contract: every version in one item, so adding a version is one conditional write
 * that sees all the others (no overlap can slip in between two admins), and a statement reads
 * the whole history in one GetItem. Versions are small; 120 of them (ten years of monthly
 * changes) stay far below the item limit.
 */
export const contractEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "contract", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        clientId: { type: "string", required: true, readOnly: true },
        /** [{ number, effectiveFrom, effectiveTo, terms, note, createdBy, createdAt }], by effectiveFrom. */
        versions: { type: "any", required: true },
        createdAt: { type: "string", required: true, readOnly: true },
        updatedAt: { type: "string", required: true },
        version: { type: "number", required: true, default: 1 },
      },
      indexes: {
        byClient: { pk: key("pk", ["providerId", "clientId"]), sk: key("sk", [], "contract") },
      },
    },
    entityConfig,
  );

export type ContractEntity = ReturnType<typeof contractEntity>;
