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
  },
});
