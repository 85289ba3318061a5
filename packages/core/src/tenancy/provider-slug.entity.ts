import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

/**
 * Global routing item: provider slug (typed at login) → provider id. One of the two kinds of
 * item whose key does not start with a provider id; it holds ids only.
 */
export const providerSlugEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "providerSlug", version: "1" },
      attributes: {
        slug: { type: "string", required: true, readOnly: true },
        providerId: { type: "string", required: true, readOnly: true },
      },
      indexes: {
        bySlug: { pk: key("pk", ["slug"], "slug"), sk: key("sk", [], "s") },
      },
    },
    entityConfig,
  );

export type ProviderSlugEntity = ReturnType<typeof providerSlugEntity>;
