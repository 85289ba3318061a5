import type { EntityItem } from "electrodb";
import * as z from "zod";
import { Roles, useTenant } from "../actor";
import { hashPassword, verifyPassword } from "../auth/crypto";
import { readByKeys } from "../common/batch";
import { primaryKey } from "../common/keys";
import { isConditionFailure } from "../common/transaction";
import { Outdesk } from "../dynamo";
import { Forbidden, InvalidField, NotFound, OutdeskError } from "../error";
import { fn } from "../fn";
import { Provider } from "./provider";
import type { ProviderEntity } from "./provider.entity";
import { Password } from "./schema";
import { User } from "./user";
import type { UserEntity } from "./user.entity";

export namespace Me {
  export const Info = z
    .object({
      actor: z.object({
        type: z.enum(["user", "api_key", "system"]),
        id: z.string(),
        role: z.enum([...Roles, "system"]),
        clientIds: z.union([z.literal("all"), z.array(z.string())]),
      }),
      provider: Provider.Info,
      user: User.Info.nullable().describe("null when calling with an API key"),
    })
    .meta({ id: "Me" });
  export type Info = z.infer<typeof Info>;

  /** Provider and user in one BatchGetItem. */
  export async function get(): Promise<Info> {
    const actor = useTenant();
    const { providerId } = actor;
    const userId = actor.type === "user" ? actor.id : "none";
    const { entities } = Outdesk;
    const of = await readByKeys([
      primaryKey(entities.provider, { providerId }),
      primaryKey(entities.user, { providerId, userId }),
    ]);
    const provider = entities.provider.parse(of("provider")).data[0] as EntityItem<ProviderEntity> | undefined;
    const user = entities.user.parse(of("user")).data[0] as EntityItem<UserEntity> | undefined;
    if (!provider) throw NotFound("Provider");
    return {
      actor: { type: actor.type, id: actor.id, role: actor.role, clientIds: actor.clientIds },
      provider: { id: provider.providerId, name: provider.name, slug: provider.slug, status: provider.status },
      user: user ? User.toInfo(user) : null,
    };
  }

  export const ChangePasswordInput = z
    .strictObject({ currentPassword: z.string().max(200), newPassword: Password })
    .meta({ id: "ChangePassword" });

  export const changePassword = fn(ChangePasswordInput, async ({ currentPassword, newPassword }) => {
    const actor = useTenant();
    if (actor.type !== "user") throw Forbidden("Only users have passwords");
    const user = await User.readInternal(actor.providerId, actor.id);
    if (!user?.passwordHash) throw NotFound("User");
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      throw InvalidField(["currentPassword"], "does not match");
    }
    await Outdesk.entities.user
      .patch({ providerId: actor.providerId, userId: actor.id })
      .set({ passwordHash: await hashPassword(newPassword) })
      .where((attr, op) => op.eq(attr.passwordHash, user.passwordHash!))
      .go({ response: "none" })
      .catch((error) => {
        throw isConditionFailure(error) ? new OutdeskError("conflict", "The password changed meanwhile") : error;
      });
  });
}
