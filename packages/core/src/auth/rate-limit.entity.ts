import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

/**
 * A fixed-window counter shared by every Lambda instance. Global (not per provider) because it
 * guards public routes that run before any tenant is known; it holds a count only.
 */
export const rateLimitEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "rateLimit", version: "1" },
      attributes: {
        bucket: { type: "string", required: true, readOnly: true },
        window: { type: "number", required: true, readOnly: true },
        hits: { type: "number", required: true, default: 0 },
        expiresAt: { type: "number", required: true },
        /** Account locks (window 0): epoch ms until which no password is checked. */
        lockedUntil: { type: "number" },
      },
      indexes: {
        byBucket: {
          pk: key("pk", ["bucket"], "rl"),
          sk: key("sk", ["window"], "w"),
        },
      },
    },
    entityConfig,
  );

export type RateLimitEntity = ReturnType<typeof rateLimitEntity>;
