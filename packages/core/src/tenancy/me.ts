import type { EntityItem } from "electrodb";
import * as z from "zod";
import { Roles, useTenant } from "../actor";
import { hashPassword, verifyPassword } from "../auth/crypto";
import { LoginLock } from "../auth/login-lock";
import { SessionCheck, sessionOf } from "../auth/session-check";
import { readByKeys } from "../common/batch";
import { primaryKey } from "../common/keys";
import { ensureCommitted } from "../common/transaction";
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

  /**
   * Guesses of the current password are counted and locked like logins. A change ends every
   * other session: the user's session epoch moves on and only the caller's session moves with it,
   * in one transaction.
   */
  export const changePassword = fn(ChangePasswordInput, async ({ currentPassword, newPassword }) => {
    const actor = useTenant();
    if (actor.type !== "user") throw Forbidden("Only users have passwords");
    const lock = LoginLock.bucketFor("password", actor.providerId, actor.id);
    await LoginLock.reserve(lock);
    const user = await User.readInternal(actor.providerId, actor.id);
    if (!user?.passwordHash) throw NotFound("User");
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      throw InvalidField(["currentPassword"], "does not match");
    }
    const { providerId } = actor;
    const sessionId = sessionOf(actor);
    const epoch = (user.sessionEpoch ?? 0) + 1;
    const passwordHash = await hashPassword(newPassword);
    const result = await Outdesk.transaction
      .write(({ user: users, session, rateLimit }) => [
        users
          .patch({ providerId, userId: actor.id })
          .set({ passwordHash, sessionEpoch: epoch })
          .where((attr, op) => op.eq(attr.passwordHash, user.passwordHash!))
          .commit(),
        ...(sessionId ? [session.patch({ providerId, sessionId }).set({ epoch }).commit()] : []),
        rateLimit.delete(LoginLock.key(lock)).commit(),
      ])
      .go();
    ensureCommitted(result, [new OutdeskError("conflict", "The password changed meanwhile")]);
    SessionCheck.forgetUser(providerId, actor.id);
  });
}
