import type { EntityItem } from "electrodb";
import * as z from "zod";
import { type Actor, assertRole, canAccessClient, useTenant } from "../actor";
import { isConditionFailure } from "../common/transaction";
import { Config } from "../config";
import { Outdesk } from "../dynamo";
import { InvalidField, NotFound, Unauthorized } from "../error";
import { fn } from "../fn";
import { createId } from "../id";
import { Name } from "../tenancy/schema";
import type { ApiKeyEntity } from "./api-key.entity";
import { randomSecret, safeEqual, sha256 } from "./crypto";

type ApiKeyItem = EntityItem<ApiKeyEntity>;

// A verified key is trusted for `credentialCacheMs` per instance; revocation is immediate on the
// instance that revoked it and reaches the others within that time (the same bound as sessions).
const cache = new Map<string, { actor: Actor; until: number }>();
Config.onChange(() => cache.clear());

export namespace ApiKey {
  export const Info = z
    .object({
      id: z.string(),
      name: z.string(),
      clientId: z.string().nullable().describe("null: the key acts for the whole provider"),
      last4: z.string(),
      createdBy: z.string(),
      createdAt: z.string(),
      revokedAt: z.string().nullable(),
    })
    .meta({ id: "ApiKey" });
  export type Info = z.infer<typeof Info>;

  export const CreateInput = z
    .strictObject({
      name: Name,
      clientId: z
        .string()
        .min(1, "must not be empty")
        .max(64)
        .optional()
        .describe("scope the key to one client; omit for provider-wide"),
    })
    .meta({ id: "ApiKeyCreate" });

  function toInfo(item: ApiKeyItem): Info {
    return {
      id: item.keyId,
      name: item.name,
      clientId: item.clientId ?? null,
      last4: item.last4,
      createdBy: item.createdBy,
      createdAt: item.createdAt,
      revokedAt: item.revokedAt ?? null,
    };
  }

  function visible(item: ApiKeyItem): boolean {
    const actor = useTenant();
    if (actor.clientIds === "all") return true;
    return item.clientId !== undefined && canAccessClient(actor, item.clientId);
  }

  /** Provider admins create any key; client admins only keys scoped to their own client. */
  export const create = fn(CreateInput, async ({ name, clientId }) => {
    const actor = assertRole("provider_admin", "client_admin");
    if (actor.role === "client_admin" && (!clientId || !canAccessClient(actor, clientId))) {
      throw InvalidField(["clientId"], "a client admin's key must be scoped to their own client");
    }
    if (clientId) {
      const { data } = await Outdesk.entities.client.get({ providerId: actor.providerId, clientId }).go();
      if (data?.status !== "active") throw InvalidField(["clientId"], "unknown or archived client");
    }
    const keyId = createId("apiKey");
    const secret = randomSecret();
    const token = `odk_${actor.providerId}.${keyId}.${secret}`;
    const { data } = await Outdesk.entities.apiKey
      .create({
        providerId: actor.providerId,
        keyId,
        name,
        clientId,
        secretHash: sha256(token),
        last4: secret.slice(-4),
        createdBy: actor.id,
      })
      .go();
    return { apiKey: toInfo(data as ApiKeyItem), secret: token };
  });

  export async function list(): Promise<Info[]> {
    const { providerId } = assertRole("provider_admin", "client_admin");
    const { data } = await Outdesk.entities.apiKey.query.byId({ providerId }).go({ pages: "all" });
    return data.filter(visible).map(toInfo);
  }

  /**
   * One conditional UpdateItem: it only applies to a key the caller may see that is not yet
   * revoked. When the condition fails, a read tells "not yours" (404) from "already revoked".
   */
  export async function revoke(keyId: string): Promise<Info> {
    const actor = assertRole("provider_admin", "client_admin");
    const { providerId } = actor;
    const scope = actor.clientIds === "all" ? undefined : actor.clientIds;
    try {
      const { data } = await Outdesk.entities.apiKey
        .patch({ providerId, keyId })
        .set({ revokedAt: new Date().toISOString() })
        .where((attr, op) =>
          [op.notExists(attr.revokedAt), scope ? `(${scope.map((id) => op.eq(attr.clientId, id)).join(" OR ")})` : ""]
            .filter(Boolean)
            .join(" AND "),
        )
        .go({ response: "all_new" });
      forget(keyId);
      return toInfo(data as ApiKeyItem);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const { data } = await Outdesk.entities.apiKey.get({ providerId, keyId }).go({ consistent: true });
      if (!data || !visible(data)) throw NotFound("API key");
      return toInfo(data);
    }
  }

  function forget(keyId: string) {
    for (const [token, entry] of cache)
      if (entry.actor.type === "api_key" && entry.actor.id === keyId) cache.delete(token);
  }

  /** Resolves `odk_<provider>.<key>.<secret>` to its actor; any mismatch is the same 401. */
  export async function authenticate(token: string): Promise<Actor> {
    const cached = cache.get(token);
    if (cached && cached.until > Date.now()) return cached.actor;
    const invalid = Unauthorized("The API key is invalid or revoked");
    const match = /^odk_([a-z0-9_]+)\.([a-z0-9_]+)\.[A-Za-z0-9_-]+$/.exec(token);
    if (!match) throw invalid;
    const [, providerId, keyId] = match as unknown as [string, string, string];
    const { data } = await Outdesk.entities.apiKey.get({ providerId, keyId }).go();
    if (!data || data.revokedAt || !safeEqual(data.secretHash, sha256(token))) throw invalid;
    const actor: Actor = data.clientId
      ? { type: "api_key", providerId, id: keyId, role: "client_admin", clientIds: [data.clientId], name: data.name }
      : { type: "api_key", providerId, id: keyId, role: "provider_admin", clientIds: "all", name: data.name };
    if (cache.size > 1000) cache.clear();
    cache.set(token, { actor, until: Date.now() + Config.get("credentialCacheMs") });
    return actor;
  }
}
