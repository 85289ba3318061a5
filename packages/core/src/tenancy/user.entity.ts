import { Entity } from "electrodb";
import { timestamps, version } from "../common/attributes";
import { entityConfig, key } from "../common/keys";

export const userEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "user", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        userId: { type: "string", required: true, readOnly: true },
        /** Lower-cased; unique within the provider through a UniqueEntity guard. */
        email: { type: "string", required: true },
        name: { type: "string", required: true },
        role: { type: ["provider_admin", "agent", "client_admin"] as const, required: true },
        /** Agents: the clients they serve. Client admins: exactly their one client. */
        clientIds: { type: "list", items: { type: "string" }, required: true, default: () => [] },
        status: { type: ["invited", "active", "disabled"] as const, required: true },
        passwordHash: { type: "string" },
        inviteHash: { type: "string" },
        inviteExpiresAt: { type: "string" },
        failedLogins: { type: "number", required: true, default: 0 },
        lockedUntil: { type: "string" },
        lastLoginAt: { type: "string" },
        /** Bumped to end every session at once (disable, password change); sessions record theirs. */
        sessionEpoch: { type: "number" },
        ...timestamps,
        ...version,
      },
      indexes: {
        byId: {
          pk: key("pk", ["providerId"]),
          sk: key("sk", ["userId"], "u"),
        },
        byEmail: {
          index: "gsi1",
          pk: key("gsi1pk", ["providerId"]),
          sk: key("gsi1sk", ["email"], "e"),
        },
      },
    },
    entityConfig,
  );

export type UserEntity = ReturnType<typeof userEntity>;
