import type { EntityItem } from "electrodb";
import * as z from "zod";
import { type Role, Roles, type TenantActor, useTenant } from "../actor";
import { hashPassword, randomSecret, safeEqual, sha256 } from "../auth/crypto";
import { SessionCheck } from "../auth/session-check";
import { Cursor, paginate } from "../common/cursor";
import { ensureCommitted, isConditionFailure } from "../common/transaction";
import { Outdesk } from "../dynamo";
import { Conflict, Forbidden, InvalidField, NotFound, OutdeskError } from "../error";
import { fn } from "../fn";
import { createId } from "../id";
import { Email, Name, PageQuery, Password, Version } from "./schema";
import type { UserEntity } from "./user.entity";

type UserItem = EntityItem<UserEntity>;

const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** An invitation's one-time token (only its hash is stored) and when it runs out. */
function newInvite(providerId: string, userId: string) {
  const token = `odi_${providerId}.${userId}.${randomSecret()}`;
  return { token, hash: sha256(token), expiresAt: new Date(Date.now() + INVITE_TTL_MS).toISOString() };
}

export namespace User {
  export const Info = z
    .object({
      id: z.string(),
      email: z.string(),
      name: z.string(),
      role: z.enum(Roles),
      clientIds: z.array(z.string()),
      status: z.enum(["invited", "active", "disabled"]),
      lastLoginAt: z.string().nullable(),
      createdAt: z.string(),
      updatedAt: z.string(),
      version: z.number(),
    })
    .meta({ id: "User" });
  export type Info = z.infer<typeof Info>;

  const Assignment = {
    role: z.enum(Roles),
    clientIds: z.array(z.string().min(1, "must not be empty").max(64)).max(200).default([]),
  };

  export const InviteInput = z.strictObject({ email: Email, name: Name, ...Assignment }).meta({ id: "UserInvite" });

  export const UpdateInput = z
    .strictObject({
      name: Name.optional(),
      role: Assignment.role.optional(),
      clientIds: z.array(z.string().min(1, "must not be empty").max(64)).max(200).optional(),
      status: z.enum(["active", "disabled"]).optional(),
      version: Version.optional(),
    })
    .meta({ id: "UserUpdate" });

  export const ListInput = PageQuery.extend({ role: z.enum(Roles).optional() });

  export function toInfo(item: UserItem): Info {
    return {
      id: item.userId,
      email: item.email,
      name: item.name,
      role: item.role,
      clientIds: item.clientIds ?? [],
      status: item.status,
      lastLoginAt: item.lastLoginAt ?? null,
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
      version: item.version,
    };
  }

  /** What `actor` sees of a user: an agent or client admin sees only the clients they serve too. */
  function infoFor(actor: TenantActor, item: UserItem): Info {
    const info = toInfo(item);
    if (actor.clientIds === "all") return info;
    const mine = new Set(actor.clientIds);
    return { ...info, clientIds: info.clientIds.filter((id) => mine.has(id)) };
  }

  /** Who may see whom: staff see staff and the client admins of clients they serve. */
  function canSee(actor: TenantActor, user: Pick<Info, "role" | "clientIds">): boolean {
    if (actor.clientIds === "all") return true;
    const serves = (clientId: string) => (actor.clientIds as string[]).includes(clientId);
    if (actor.role === "agent") return user.role !== "client_admin" || user.clientIds.some(serves);
    return user.role === "client_admin" && user.clientIds.some(serves);
  }

  /** Provider admins manage everyone; client admins manage the client admins of their client. */
  function assertCanManage(actor: TenantActor, target: { role: Role; clientIds: string[] }) {
    if (actor.role === "provider_admin" || actor.role === "system") return;
    if (actor.role === "client_admin" && target.role === "client_admin" && canSee(actor, target)) return;
    throw Forbidden("You cannot manage this user");
  }

  /** Checks the assignment fits the role and every client exists, with one BatchGetItem. */
  async function checkAssignment(providerId: string, role: Role, clientIds: string[]) {
    const unique = [...new Set(clientIds)];
    if (role === "provider_admin" && unique.length > 0) {
      throw InvalidField(["clientIds"], "provider admins serve every client; leave clientIds empty");
    }
    if (role === "client_admin" && unique.length !== 1) {
      throw InvalidField(["clientIds"], "a client admin belongs to exactly one client");
    }
    if (unique.length === 0) return unique;
    const { data } = await Outdesk.entities.client.get(unique.map((clientId) => ({ providerId, clientId }))).go();
    const found = new Set(data.filter((c) => c.status === "active").map((c) => c.clientId));
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length > 0) throw InvalidField(["clientIds"], `unknown or archived client: ${missing.join(", ")}`);
    return unique;
  }

  const emailTaken = (email: string) =>
    Conflict(`A user with the email ${email} already exists`, { issues: [{ path: ["email"], message: "taken" }] });

  /** Creates a user; with a password it is active at once (sign-up, seeding), else invited. */
  export async function insert(
    providerId: string,
    input: { email: string; name: string; role: Role; clientIds: string[]; password?: string },
  ) {
    const userId = createId("user");
    const now = new Date().toISOString();
    const invite = input.password ? undefined : newInvite(providerId, userId);
    const passwordHash = input.password ? await hashPassword(input.password) : undefined;
    const result = await Outdesk.transaction
      .write(({ user, unique }) => [
        user
          .create({
            providerId,
            userId,
            email: input.email,
            name: input.name,
            role: input.role,
            clientIds: input.clientIds,
            createdAt: now,
            updatedAt: now,
            ...(passwordHash
              ? { status: "active", passwordHash }
              : { status: "invited", inviteHash: invite!.hash, inviteExpiresAt: invite!.expiresAt }),
          })
          .commit(),
        unique.create({ providerId, kind: "user_email", value: input.email, ownerId: userId }).commit(),
      ])
      .go();
    ensureCommitted(result, [undefined, emailTaken(input.email)]);
    const user: Info = {
      id: userId,
      email: input.email,
      name: input.name,
      role: input.role,
      clientIds: input.clientIds,
      status: passwordHash ? "active" : "invited",
      lastLoginAt: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    return { user, inviteToken: invite?.token, inviteExpiresAt: invite?.expiresAt };
  }

  export const invite = fn(InviteInput, async (input) => {
    const actor = useTenant();
    assertCanManage(actor, input);
    const clientIds = await checkAssignment(actor.providerId, input.role, input.clientIds);
    const created = await insert(actor.providerId, { ...input, clientIds });
    return {
      user: created.user,
      inviteToken: created.inviteToken!,
      inviteExpiresAt: created.inviteExpiresAt!,
    };
  });

  async function read(providerId: string, userId: string) {
    const { data } = await Outdesk.entities.user.get({ providerId, userId }).go({ consistent: true });
    return data;
  }

  async function visibleItem(userId: string) {
    const actor = useTenant();
    const item = await read(actor.providerId, userId);
    if (!item || !canSee(actor, toInfo(item))) throw NotFound("User");
    return item;
  }

  export async function get(userId: string): Promise<Info> {
    return infoFor(useTenant(), await visibleItem(userId));
  }

  /**
   * Visibility is part of the query's filter and pages are filled to `limit` (ElectroDB `count`),
   * so page sizes and cursors say nothing about users the caller cannot see.
   */
  export const list = fn(ListInput, async ({ cursor, limit, role }) => {
    const actor = useTenant();
    const { providerId } = actor;
    const served = actor.clientIds === "all" ? undefined : actor.clientIds;
    return paginate(
      (position) =>
        Outdesk.entities.user.query
          .byEmail({ providerId })
          .where((attr, op) => {
            const conditions = role ? [op.eq(attr.role, role)] : [];
            if (served) {
              const servesOne = served.map((id) => op.contains(attr.clientIds, id));
              const ofMyClients = servesOne.length ? `(${servesOne.join(" OR ")})` : op.eq(attr.userId, "");
              conditions.push(
                actor.role === "agent"
                  ? `(${op.ne(attr.role, "client_admin")} OR ${ofMyClients})`
                  : `(${op.eq(attr.role, "client_admin")} AND ${ofMyClients})`,
              );
            }
            return conditions.join(" AND ");
          })
          .go({ cursor: position, count: limit }),
      { cursor, binding: Cursor.binding(providerId, "user.list", { role }), map: (item) => infoFor(actor, item) },
    );
  });

  export const update = fn(UpdateInput.extend({ userId: z.string() }), async ({ userId, version, ...changes }) => {
    const actor = useTenant();
    const current = toInfo(await visibleItem(userId));
    assertCanManage(actor, current);
    const expected = version ?? current.version;
    const stale = Conflict("The user changed since you read it", { currentVersion: current.version });
    if (expected !== current.version) throw stale;
    const role = changes.role ?? current.role;
    const roleOrClientsChange = changes.role !== undefined || changes.clientIds !== undefined;
    if (roleOrClientsChange) assertCanManage(actor, { role, clientIds: changes.clientIds ?? current.clientIds });
    if (actor.type === "user" && actor.id === userId && (changes.role || changes.status === "disabled")) {
      throw Conflict("You cannot change your own role or disable yourself");
    }
    const clientIds = roleOrClientsChange
      ? await checkAssignment(actor.providerId, role, changes.clientIds ?? (changes.role ? [] : current.clientIds))
      : undefined;
    if (changes.status === "active" && current.status === "invited") {
      throw InvalidField(["status"], "an invited user becomes active by accepting the invitation");
    }
    const disabling = changes.status === "disabled" && current.status !== "disabled";
    const patch = Outdesk.entities.user.patch({ providerId: actor.providerId, userId }).set({
      ...(changes.name ? { name: changes.name } : {}),
      ...(changes.role ? { role: changes.role } : {}),
      ...(clientIds ? { clientIds } : {}),
      ...(changes.status ? { status: changes.status } : {}),
      updatedAt: new Date().toISOString(),
      version: current.version + 1,
    });
    // Disabling ends every session for good (re-enabling does not revive them) and the invitation.
    const { data } = await (disabling
      ? patch.add({ sessionEpoch: 1 }).remove(["inviteHash", "inviteExpiresAt"])
      : patch
    )
      .where((attr, op) => op.eq(attr.version, current.version))
      .go({ response: "all_new" })
      .catch((error) => {
        throw isConditionFailure(error) ? stale : error;
      });
    SessionCheck.userChanged(data as UserItem);
    return infoFor(actor, data as UserItem);
  });

  /**
   * A new link for a pending invitation (the old one stops working) with a fresh expiry: for a
   * mail that never arrived or a link that ran out.
   */
  export async function reissueInvite(userId: string) {
    const invite = newInvite(useTenant().providerId, userId);
    const user = await patchPending(userId, { inviteHash: invite.hash, inviteExpiresAt: invite.expiresAt });
    return { user, inviteToken: invite.token, inviteExpiresAt: invite.expiresAt };
  }

  /** Revokes a pending invitation: the link stops working and the user is left disabled. */
  export async function revokeInvite(userId: string): Promise<Info> {
    return patchPending(userId, { status: "disabled" }, ["inviteHash", "inviteExpiresAt"]);
  }

  /** A change to a user whose invitation is pending, conditional on what was read; 409 when nothing is pending. */
  async function patchPending(
    userId: string,
    set: { status?: "disabled"; inviteHash?: string; inviteExpiresAt?: string },
    remove: ("inviteHash" | "inviteExpiresAt")[] = [],
  ): Promise<Info> {
    const actor = useTenant();
    const current = await visibleItem(userId);
    assertCanManage(actor, toInfo(current));
    if (current.status !== "invited") throw Conflict("The user has no pending invitation");
    const { data } = await Outdesk.entities.user
      .patch({ providerId: actor.providerId, userId })
      .set({ ...set, updatedAt: new Date().toISOString(), version: current.version + 1 })
      .remove(remove)
      .where((attr, op) => `${op.eq(attr.version, current.version)} AND ${op.eq(attr.status, "invited")}`)
      .go({ response: "all_new" })
      .catch((error) => {
        throw isConditionFailure(error) ? Conflict("The user changed since you read it") : error;
      });
    return infoFor(actor, data as UserItem);
  }

  /** Accepting an invitation sets the password and activates the user. Public: the token is the proof. */
  export const acceptInvite = fn(
    z.strictObject({ token: z.string().max(512), password: Password, name: Name.optional() }),
    async ({ token, password, name }) => {
      const invalid = new OutdeskError("unauthorized", "The invitation is invalid or has expired");
      const match = /^odi_([a-z0-9_]+)\.([a-z0-9_]+)\.([A-Za-z0-9_-]+)$/.exec(token);
      if (!match) throw invalid;
      const [, providerId, userId, _secret] = match as unknown as [string, string, string, string];
      const item = await read(providerId, userId);
      if (
        item?.status !== "invited" ||
        !item.inviteHash ||
        !safeEqual(item.inviteHash, sha256(token)) ||
        !item.inviteExpiresAt ||
        item.inviteExpiresAt < new Date().toISOString()
      ) {
        throw invalid;
      }
      await Outdesk.entities.user
        .patch({ providerId, userId })
        .set({
          status: "active",
          passwordHash: await hashPassword(password),
          version: item.version + 1,
          ...(name ? { name } : {}),
        })
        .remove(["inviteHash", "inviteExpiresAt"])
        .where((attr, op) => op.eq(attr.inviteHash, item.inviteHash!))
        .go()
        .catch((error) => {
          throw isConditionFailure(error) ? invalid : error;
        });
      return { providerId, userId };
    },
  );

  /** Internal: the user's credentials row (login, refresh). Never returned by the API. */
  export async function findByEmail(providerId: string, email: string) {
    // Keys match by prefix, so a@x.com would also find a@x.com.au: compare the attribute too.
    const { data } = await Outdesk.entities.user.query
      .byEmail({ providerId, email })
      .where((attr, op) => op.eq(attr.email, email))
      .go({ limit: 1 });
    return data[0];
  }

  export async function readInternal(providerId: string, userId: string) {
    return read(providerId, userId);
  }
}
