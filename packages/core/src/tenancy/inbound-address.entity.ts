import { Entity } from "electrodb";

/**
 * Global routing item: a client's support address → provider and client. Inbound mail resolves
 * its tenant from the envelope recipient through this single GetItem. Holds ids only.
 */
export const InboundAddressEntity = new Entity({
  model: { service: "outdesk", entity: "inboundAddress", version: "1" },
  attributes: {
    address: { type: "string", required: true, readOnly: true },
    providerId: { type: "string", required: true, readOnly: true },
    clientId: { type: "string", required: true, readOnly: true },
  },
  indexes: {
    byAddress: { pk: { field: "pk", composite: ["address"] }, sk: { field: "sk", composite: [] } },
  },
});
