import type { EntityItem } from "electrodb";
import * as z from "zod";
import type { Actor } from "../actor";
import { ensureCommitted } from "../common/transaction";
import { Outdesk } from "../dynamo";
import { Unauthorized } from "../error";
import { fn } from "../fn";
import { createId } from "../id";
import { Provider } from "../tenancy/provider";
import { Email, Slug } from "../tenancy/schema";
import { User } from "../tenancy/user";
import type { UserEntity } from "../tenancy/user.entity";
import { ApiKey } from "./api-key";
import { dummyPasswordHash, randomSecret, safeEqual, sha256, verifyPassword } from "./crypto";
import { LoginLock } from "./login-lock";
import type { SessionEntity } from "./session.entity";
import { bindSession, SessionCheck, sessionGrant } from "./session-check";
import { ACCESS_TOKEN_SECONDS, signAccessToken, verifyAccessToken } from "./token";

type UserItem = EntityItem<UserEntity>;

const SESSION_LIFETIME = 30 * 24 * 60 * 60;
// Login lookups for an unknown provider still run (against no partition) to cost the same.
const NO_PROVIDER = "none";

export const Tokens = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal("Bearer"),
    expiresIn: z.number().describe("seconds until the access token expires"),
  })
  .meta({ id: "Tokens" });
export type Tokens = z.infer<typeof Tokens>;

function refreshToken(providerId: string, userId: string, sessionId: string, secret: string) {
  return `odr_${providerId}.${userId}.${sessionId}.${secret}`;
}

/** The ids a refresh token names, and the hash of its secret as stored on the session. */
function parseRefreshToken(token: string) {
  const match = /^odr_([a-z0-9_]+)\.([a-z0-9_]+)\.([a-z0-9_]+)\.([A-Za-z0-9_-]+)$/.exec(token);
  if (!match) return undefined;
  const [, providerId, userId, sessionId, secret] = match as unknown as [string, string, string, string, string];
  return { providerId, userId, sessionId, secretHash: sha256(secret) };
}

/** A new session's item and the secret to hand out once. */
function newSession(user: UserItem, now: Date) {
  const secret = randomSecret();
  const item = {
    providerId: user.providerId,
    sessionId: createId("session"),
    userId: user.userId,
    epoch: user.sessionEpoch ?? 0,
    secretHash: sha256(secret),
    expiresAt: Math.floor(now.getTime() / 1000) + SESSION_LIFETIME,
  };
  return { item, secret };
}

async function issue(user: UserItem, sessionId: string, secret: string): Promise<Tokens> {
  SessionCheck.prime(user.providerId, sessionId, {
    userId: user.userId,
    role: user.role,
    clientIds: user.clientIds ?? [],
    name: user.name,
  });
  return {
    accessToken: await signAccessToken({
      providerId: user.providerId,
      userId: user.userId,
      sessionId,
      role: user.role,
      clientIds: user.clientIds ?? [],
      name: user.name,
    }),
    refreshToken: refreshToken(user.providerId, user.userId, sessionId, secret),
    tokenType: "Bearer",
    expiresIn: ACCESS_TOKEN_SECONDS,
  };
}

export namespace Auth {
  /** How long a session (its refresh token) lives without use. */
  export const SESSION_SECONDS = SESSION_LIFETIME;
  export const LoginInput = z
    .strictObject({ provider: Slug.describe("the provider's slug"), email: Email, password: z.string().max(200) })
    .meta({ id: "Login" });
  export const RefreshInput = z.strictObject({ refreshToken: z.string().max(512) }).meta({ id: "Refresh" });

  const badCredentials = () => Unauthorized("The provider, email or password is wrong");

  /**
   * Password login. Unknown, invited and disabled users cost the same lookups and scrypt as known
   * ones, and lock the same way (LoginLock counts by what was typed, before the check).
   */
  export const login = fn(LoginInput, async ({ provider, email, password }) => {
    const [, found] = await Promise.all([
      LoginLock.reserve(LoginLock.bucketFor("login", provider, email)),
      Provider.resolveSlug(provider).then((providerId) => User.findByEmail(providerId ?? NO_PROVIDER, email)),
    ]);
    const user = found?.passwordHash && found.status === "active" ? found : undefined;
    const matches = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !matches) throw badCredentials();
    const now = new Date();
    const fresh = newSession(user, now);
    const result = await Outdesk.transaction
      .write(({ user: users, session, rateLimit }) => [
        users
          .patch({ providerId: user.providerId, userId: user.userId })
          .set({ lastLoginAt: now.toISOString() })
          .commit(),
        session.create(fresh.item).commit(),
        rateLimit.delete(LoginLock.key(LoginLock.bucketFor("login", provider, email))).commit(),
      ])
      .go();
    ensureCommitted(result, []);
    return issue(user, fresh.item.sessionId, fresh.secret);
  });

  /** Starts a session for a user who just proved themselves another way (sign-up, invitation). */
  export async function startSession(providerId: string, userId: string): Promise<Tokens> {
    const user = await User.readInternal(providerId, userId);
    if (user?.status !== "active") throw badCredentials();
    const fresh = newSession(user, new Date());
    await Outdesk.entities.session.create(fresh.item).go({ response: "none" });
    return issue(user, fresh.item.sessionId, fresh.secret);
  }

  /**
   * Rotates the refresh secret and re-reads the user (one TransactGetItems), so role, client and
   * status changes take effect here. A replayed old secret revokes the whole session.
   */
  export const refresh = fn(RefreshInput, async ({ refreshToken: token }) => {
    const invalid = Unauthorized("The refresh token is invalid, expired or revoked");
    const ids = parseRefreshToken(token);
    if (!ids) throw invalid;
    const { providerId, userId, sessionId, secretHash: hash } = ids;
    const read = await Outdesk.transaction
      .get(({ session, user }) => [
        session.get({ providerId, sessionId }).commit(),
        user.get({ providerId, userId }).commit(),
      ])
      .go();
    const session = read.data[0]?.item as EntityItem<SessionEntity> | null;
    const user = read.data[1]?.item as UserItem | null;
    if (!session || !user || !sessionGrant(user, session, userId)) throw invalid;
    if (!safeEqual(session.secretHash, hash)) {
      if (session.previousSecretHash && safeEqual(session.previousSecretHash, hash)) {
        await Outdesk.entities.session
          .patch({ providerId, sessionId })
          .set({ revokedAt: new Date().toISOString() })
          .go();
        SessionCheck.forgetSession(providerId, sessionId);
      }
      throw invalid;
    }
    const secret = randomSecret();
    await Outdesk.entities.session
      .patch({ providerId, sessionId })
      .set({ secretHash: sha256(secret), previousSecretHash: hash, rotatedAt: new Date().toISOString() })
      .where((attr, op) => op.eq(attr.secretHash, hash))
      .go({ response: "none" })
      .catch(() => {
        throw invalid;
      });
    return issue(user, sessionId, secret);
  });

  /** Revokes the session behind a refresh token. Unknown tokens succeed silently (idempotent). */
  export const logout = fn(RefreshInput, async ({ refreshToken: token }) => {
    const ids = parseRefreshToken(token);
    if (!ids) return;
    await Outdesk.entities.session
      .patch({ providerId: ids.providerId, sessionId: ids.sessionId })
      .set({ revokedAt: new Date().toISOString() })
      .where((attr, op) => op.eq(attr.secretHash, ids.secretHash))
      .go({ response: "none" })
      .catch(() => undefined);
    SessionCheck.forgetSession(ids.providerId, ids.sessionId);
  });

  /** Resolves an Authorization bearer value (access token or API key) to its actor, or 401. */
  export async function authenticate(bearer: string): Promise<Actor> {
    if (bearer.startsWith("odk_")) return ApiKey.authenticate(bearer);
    const { actor, sessionId } = await verifyAccessToken(bearer);
    const grant = await SessionCheck.grant(actor.providerId, actor.id, sessionId);
    if (!grant) throw Unauthorized("The session has ended; log in again");
    const current: Actor = {
      ...actor,
      role: grant.role,
      clientIds: grant.role === "provider_admin" ? "all" : grant.clientIds,
      name: grant.name,
    };
    bindSession(current, sessionId);
    return current;
  }
}
