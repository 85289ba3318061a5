import type { EntityItem } from "electrodb";
import * as z from "zod";
import type { Actor } from "../actor";
import { ensureCommitted } from "../common/transaction";
import { Outdesk } from "../dynamo";
import { OutdeskError, Unauthorized } from "../error";
import { fn } from "../fn";
import { createId } from "../id";
import { Provider } from "../tenancy/provider";
import { Email, Slug } from "../tenancy/schema";
import { User } from "../tenancy/user";
import type { UserEntity } from "../tenancy/user.entity";
import { ApiKey } from "./api-key";
import { dummyPasswordHash, randomSecret, safeEqual, sha256, verifyPassword } from "./crypto";
import { ACCESS_TOKEN_SECONDS, signAccessToken, verifyAccessToken } from "./token";

type UserItem = EntityItem<UserEntity>;

const SESSION_SECONDS = 30 * 24 * 60 * 60;
const FREE_ATTEMPTS = 5;
const BASE_LOCK_SECONDS = 30;
const MAX_LOCK_SECONDS = 15 * 60;

export const Tokens = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal("Bearer"),
    expiresIn: z.number().describe("seconds until the access token expires"),
  })
  .meta({ id: "Tokens" });
export type Tokens = z.infer<typeof Tokens>;

/** After the free attempts, each failure doubles the lock: 30 s, 60 s, … up to 15 minutes. */
export function lockSeconds(failedLogins: number): number {
  if (failedLogins < FREE_ATTEMPTS) return 0;
  return Math.min(BASE_LOCK_SECONDS * 2 ** (failedLogins - FREE_ATTEMPTS), MAX_LOCK_SECONDS);
}

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
function newSession(providerId: string, userId: string, now: Date) {
  const secret = randomSecret();
  const item = {
    providerId,
    sessionId: createId("session"),
    userId,
    secretHash: sha256(secret),
    expiresAt: Math.floor(now.getTime() / 1000) + SESSION_SECONDS,
  };
  return { item, secret };
}

async function issue(user: UserItem, sessionId: string, secret: string): Promise<Tokens> {
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
  export const LoginInput = z
    .strictObject({ provider: Slug.describe("the provider's slug"), email: Email, password: z.string().max(200) })
    .meta({ id: "Login" });
  export const RefreshInput = z.strictObject({ refreshToken: z.string().max(512) }).meta({ id: "Refresh" });

  const badCredentials = () => Unauthorized("The provider, email or password is wrong");

  /**
   * Password login. Unknown users cost the same scrypt as known ones. Repeated failures lock
   * the account with exponential backoff; while locked the password is not even checked.
   */
  export const login = fn(LoginInput, async ({ provider, email, password }) => {
    const providerId = await Provider.resolveSlug(provider);
    const user = providerId ? await User.findByEmail(providerId, email) : undefined;
    if (!user?.passwordHash || user.status !== "active") {
      await verifyPassword(password, await dummyPasswordHash());
      throw badCredentials();
    }
    const now = new Date();
    if (user.lockedUntil && user.lockedUntil > now.toISOString()) {
      const retryAfterSeconds = Math.ceil((Date.parse(user.lockedUntil) - now.getTime()) / 1000);
      throw new OutdeskError("rate_limited", "Too many failed logins; the account is locked for a while", {
        retryAfterSeconds,
      });
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      const failed = user.failedLogins + 1;
      const lock = lockSeconds(failed);
      await Outdesk.entities.user
        .patch({ providerId: user.providerId, userId: user.userId })
        .add({ failedLogins: 1 })
        .set(lock ? { lockedUntil: new Date(now.getTime() + lock * 1000).toISOString() } : {})
        .go({ response: "none" });
      throw badCredentials();
    }
    const fresh = newSession(user.providerId, user.userId, now);
    const result = await Outdesk.transaction
      .write(({ user: users, session }) => [
        users
          .patch({ providerId: user.providerId, userId: user.userId })
          .set({ failedLogins: 0, lastLoginAt: now.toISOString() })
          .remove(["lockedUntil"])
          .commit(),
        session.create(fresh.item).commit(),
      ])
      .go();
    ensureCommitted(result, []);
    return issue(user, fresh.item.sessionId, fresh.secret);
  });

  /** Starts a session for a user who just proved themselves another way (sign-up, invitation). */
  export async function startSession(providerId: string, userId: string): Promise<Tokens> {
    const user = await User.readInternal(providerId, userId);
    if (user?.status !== "active") throw badCredentials();
    const fresh = newSession(providerId, userId, new Date());
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
    const session = read.data[0]?.item as {
      secretHash: string;
      previousSecretHash?: string;
      userId: string;
      revokedAt?: string;
      expiresAt: number;
    } | null;
    const user = read.data[1]?.item as UserItem | null;
    if (!session || !user || session.userId !== userId || session.revokedAt) throw invalid;
    if (session.expiresAt < Date.now() / 1000 || user.status !== "active") throw invalid;
    if (!safeEqual(session.secretHash, hash)) {
      if (session.previousSecretHash && safeEqual(session.previousSecretHash, hash)) {
        await Outdesk.entities.session
          .patch({ providerId, sessionId })
          .set({ revokedAt: new Date().toISOString() })
          .go();
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
  });

  /** Resolves an Authorization bearer value (access token or API key) to its actor, or 401. */
  export async function authenticate(bearer: string): Promise<Actor> {
    if (bearer.startsWith("odk_")) return ApiKey.authenticate(bearer);
    return verifyAccessToken(bearer);
  }
}
