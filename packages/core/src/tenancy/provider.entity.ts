import { Entity } from "electrodb";
import { timestamps, version } from "../common/attributes";

export const ProviderEntity = new Entity({
  model: { service: "outdesk", entity: "provider", version: "1" },
  attributes: {
    providerId: { type: "string", required: true, readOnly: true },
    name: { type: "string", required: true },
    slug: { type: "string", required: true, readOnly: true },
    status: { type: ["active", "suspended"] as const, required: true, default: "active" },
    ...timestamps,
    ...version,
  },
  indexes: {
    byId: { pk: { field: "pk", composite: ["providerId"] }, sk: { field: "sk", composite: [] } },
    /** The list of tenants, for timers that visit every provider. The one global GSI partition; ids only. */
    directory: {
      index: "gsi1",
      pk: { field: "gsi1pk", composite: [] },
      sk: { field: "gsi1sk", composite: ["providerId"] },
    },
  },
});
