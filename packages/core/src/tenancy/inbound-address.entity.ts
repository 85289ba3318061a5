import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

/**
 * Global routing item: a client's support address → provider and client. Inbound mail resolves
 * its tenant from the envelope recipient through this single GetItem. Holds ids only.
 */
export const inboundAddressEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "inboundAddress", version: "1" },
      attributes: {
        address: { type: "string", required: true, readOnly: true },
        providerId: { type: "string", required: true, readOnly: true },
        clientId: { type: "string", required: true, readOnly: true },
      },
      indexes: {
        byAddress: { pk: key("pk", ["address"], "addr"), sk: key("sk", [], "a") },
      },
    },
    entityConfig,
  );

export type InboundAddressEntity = ReturnType<typeof inboundAddressEntity>;
