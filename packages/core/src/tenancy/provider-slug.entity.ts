import { Entity } from "electrodb";

/**
 * Global routing item: provider slug (typed at login) → provider id. One of the two kinds of
 * item whose key does not start with a provider id; it holds ids only.
 */
export const ProviderSlugEntity = new Entity({
  model: { service: "outdesk", entity: "providerSlug", version: "1" },
  attributes: {
    slug: { type: "string", required: true, readOnly: true },
    providerId: { type: "string", required: true, readOnly: true },
  },
  indexes: {
    bySlug: { pk: { field: "pk", composite: ["slug"] }, sk: { field: "sk", composite: [] } },
  },
});
