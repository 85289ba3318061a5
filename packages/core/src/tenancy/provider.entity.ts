import { Entity } from "electrodb";
import { timestamps, version } from "../common/attributes";
import { entityConfig, key } from "../common/keys";

export const providerEntity = () =>
  new Entity(
    {
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
        byId: { pk: key("pk", ["providerId"]), sk: key("sk", [], "p") },
        /** The list of tenants, for timers that visit every provider. The one global GSI partition; ids only. */
        directory: {
          index: "gsi1",
          pk: key("gsi1pk", [], "providers"),
          sk: key("gsi1sk", ["providerId"], "p"),
        },
      },
    },
    entityConfig,
  );

export type ProviderEntity = ReturnType<typeof providerEntity>;
