import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

/** A refresh session. The refresh secret rotates on every use; only hashes are stored. */
export const sessionEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "session", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        sessionId: { type: "string", required: true, readOnly: true },
        userId: { type: "string", required: true, readOnly: true },
        secretHash: { type: "string", required: true },
        /** The secret before the last rotation: presenting it again means the token leaked. */
        previousSecretHash: { type: "string" },
        createdAt: { type: "string", required: true, readOnly: true, default: () => new Date().toISOString() },
        rotatedAt: { type: "string" },
        revokedAt: { type: "string" },
        /** The user's sessionEpoch when this session started or last survived a bump; absent = 0. */
        epoch: { type: "number" },
        /** Epoch seconds; DynamoDB TTL removes the item some time after. */
        expiresAt: { type: "number", required: true },
      },
      indexes: {
        byId: {
          pk: key("pk", ["providerId"]),
          sk: key("sk", ["sessionId"], "s"),
        },
      },
    },
    entityConfig,
  );

export type SessionEntity = ReturnType<typeof sessionEntity>;
