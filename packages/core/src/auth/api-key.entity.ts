import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

export const apiKeyEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "apiKey", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        keyId: { type: "string", required: true, readOnly: true },
        name: { type: "string", required: true },
        /** Unset: the key acts for the whole provider; set: only for this client. */
        clientId: { type: "string", readOnly: true },
        secretHash: { type: "string", required: true, readOnly: true },
        last4: { type: "string", required: true, readOnly: true },
        createdBy: { type: "string", required: true, readOnly: true },
        createdAt: { type: "string", required: true, readOnly: true, default: () => new Date().toISOString() },
        revokedAt: { type: "string" },
      },
      indexes: {
        byId: {
          pk: key("pk", ["providerId"]),
          sk: key("sk", ["keyId"], "k"),
        },
      },
    },
    entityConfig,
  );

export type ApiKeyEntity = ReturnType<typeof apiKeyEntity>;
