import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

/**
 * Uniqueness guard inside a provider (client slug, ticket prefix, user email). Written in the
 * same transaction as its owner with attribute_not_exists, so duplicates are a clean 409.
 */
export const uniqueEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "unique", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        kind: { type: ["client_slug", "ticket_prefix", "user_email"] as const, required: true, readOnly: true },
        value: { type: "string", required: true, readOnly: true },
        ownerId: { type: "string", required: true, readOnly: true },
      },
      indexes: {
        byValue: {
          pk: key("pk", ["providerId"]),
          sk: key("sk", ["kind", "value"], "x"),
        },
      },
    },
    entityConfig,
  );

export type UniqueEntity = ReturnType<typeof uniqueEntity>;
