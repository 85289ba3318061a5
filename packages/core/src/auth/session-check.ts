import type { EntityItem } from "electrodb";
import type { Actor, Role } from "../actor";
import { readByKeys } from "../common/batch";
import { primaryKey } from "../common/keys";
import { Config } from "../config";
import { Outdesk } from "../dynamo";
import type { UserEntity } from "../tenancy/user.entity";
import type { SessionEntity } from "./session.entity";

type UserItem = EntityItem<UserEntity>;
type SessionItem = EntityItem<SessionEntity>;

/** What a live session grants now: read from the user, not from the (older) token claims. */
export interface Grant {
  userId: string;
  role: Role;
  clientIds: string[];
  name: string;
}

/**
 * Access tokens are re-checked against their session and user, through a per-instance cache of
 * `credentialCacheMs`: a session ended or a user disabled, demoted or removed from a client stops
 * working on every instance within that time, at one BatchGetItem per session per instance per
 * period. The instance that made the change forgets at once.
 */
const checked = new Map<string, { userId: string; until: number; grant: Promise<Grant | null> }>();
const MAX_CHECKED = 5000;
Config.onChange(() => checked.clear());

const cacheKey = (providerId: string, sessionId: string) => `${providerId}.${sessionId}`;

/** Whether the session is alive for this user now; the same rule refresh applies. */
export function sessionGrant(user: UserItem | undefined, session: SessionItem | undefined, userId: string) {
  if (!user || !session || session.userId !== userId || user.status !== "active") return null;
  if (session.revokedAt || session.expiresAt < Date.now() / 1000) return null;
  if ((session.epoch ?? 0) !== (user.sessionEpoch ?? 0)) return null;
  return { userId, role: user.role, clientIds: user.clientIds ?? [], name: user.name };
}

async function load(providerId: string, userId: string, sessionId: string): Promise<Grant | null> {
  const { entities } = Outdesk;
  const of = await readByKeys([
    primaryKey(entities.user, { providerId, userId }),
    primaryKey(entities.session, { providerId, sessionId }),
  ]);
  const user = entities.user.parse(of("user")).data[0] as UserItem | undefined;
  const session = entities.session.parse(of("session")).data[0] as SessionItem | undefined;
  return sessionGrant(user, session, userId);
}

export namespace SessionCheck {
  export async function grant(providerId: string, userId: string, sessionId: string): Promise<Grant | null> {
    const key = cacheKey(providerId, sessionId);
    const hit = checked.get(key);
    if (hit && hit.until > Date.now() && hit.userId === userId) return hit.grant;
    const grant = load(providerId, userId, sessionId);
    remember(key, userId, grant);
    // A failed read must not be cached as an answer.
    grant.catch(() => checked.delete(key));
    return grant;
  }

  /** A session just issued or rotated: what it grants is known, so its first request needs no read. */
  export function prime(providerId: string, sessionId: string, grant: Grant) {
    remember(cacheKey(providerId, sessionId), grant.userId, Promise.resolve(grant));
  }

  export function forgetSession(providerId: string, sessionId: string) {
    checked.delete(cacheKey(providerId, sessionId));
  }

  export function forgetUser(providerId: string, userId: string) {
    const prefix = `${providerId}.`;
    for (const [key, entry] of checked) if (entry.userId === userId && key.startsWith(prefix)) checked.delete(key);
  }

  /** The user just changed on this instance: its cached sessions take the new state without a read. */
  export function userChanged(user: UserItem) {
    const prefix = `${user.providerId}.`;
    const active = user.status === "active";
    const grant = { userId: user.userId, role: user.role, clientIds: user.clientIds ?? [], name: user.name };
    for (const [key, entry] of checked) {
      if (entry.userId !== user.userId || !key.startsWith(prefix)) continue;
      entry.grant = entry.grant.then((current) => (current && active ? grant : null));
    }
  }

  function remember(key: string, userId: string, grant: Promise<Grant | null>) {
    if (checked.size >= MAX_CHECKED) checked.delete(checked.keys().next().value!);
    checked.set(key, { userId, until: Date.now() + Config.get("credentialCacheMs"), grant });
  }
}

/** The session behind each authenticated user actor, for operations that end the other sessions. */
const sessions = new WeakMap<Actor, string>();
export function bindSession(actor: Actor, sessionId: string) {
  sessions.set(actor, sessionId);
}
export function sessionOf(actor: Actor): string | undefined {
  return sessions.get(actor);
}
