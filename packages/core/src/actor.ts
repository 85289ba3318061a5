import { AsyncLocalStorage } from "node:async_hooks";
import { Forbidden, NotFound, Unauthorized } from "./error";

export type Role = "provider_admin" | "agent" | "client_admin";
export const Roles = ["provider_admin", "agent", "client_admin"] as const satisfies readonly Role[];

/**
 * Who is acting, resolved once at the edge (verified token claims, API key, or the inbound
 * recipient address) and never from request bodies. Core operations derive every key from it.
 */
export type Actor =
  | {
      type: "user" | "api_key";
      providerId: string;
      /** user id, or API key id */
      id: string;
      role: Role;
      /** Clients this actor may touch: "all" for provider admins and provider-wide keys. */
      clientIds: "all" | string[];
      /** Display name (user name or key name), for message authors and audit entries. */
      name?: string;
    }
  | { type: "system"; providerId: string; id: string; role: "system"; clientIds: "all"; name?: string }
  | { type: "public" };

export type TenantActor = Exclude<Actor, { type: "public" }>;

/**
 * One async-local scope per request (or job): its id for log lines and who is acting. An API
 * request enters it once and its auth middleware sets the actor in it, so a request pays for one
 * AsyncLocalStorage run, not one per layer.
 */
export interface Scope {
  readonly requestId?: string;
  actor: Actor;
}

const PUBLIC: Actor = { type: "public" };
const storage = new AsyncLocalStorage<Scope>();

export function withActor<T>(actor: Actor, fn: () => T): T {
  return storage.run({ requestId: storage.getStore()?.requestId, actor }, fn);
}

/** A request's scope: its id, no actor until the edge resolves one (setRequestActor). */
export function requestScope(requestId: string): Scope {
  return { requestId, actor: PUBLIC };
}

export function inScope<A extends unknown[], T>(scope: Scope, fn: (...args: A) => T, ...args: A): T {
  return storage.run(scope, fn, ...args);
}

/** Sets the actor of the current request scope, once: a resolved tenant is never replaced. */
export function setRequestActor(actor: Actor): void {
  const scope = storage.getStore();
  if (!scope) throw new Error("setRequestActor outside a request scope");
  if (scope.actor.type !== "public") throw new Error("the request's actor is already resolved");
  scope.actor = actor;
}

export function useActor(): Actor {
  return storage.getStore()?.actor ?? PUBLIC;
}

export function scopeRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** The tenant context; throws 401 where there is none, so no operation can run unscoped. */
export function useTenant(): TenantActor {
  const actor = useActor();
  if (actor.type === "public") throw Unauthorized();
  return actor;
}

export function useProviderId(): string {
  return useTenant().providerId;
}

export function canAccessClient(actor: TenantActor, clientId: string): boolean {
  return actor.clientIds === "all" || actor.clientIds.includes(clientId);
}

/** A client outside the actor's reach answers exactly like a missing one: 404, never 403. */
export function assertClientAccess(clientId: string, what = "Client"): TenantActor {
  const actor = useTenant();
  if (!canAccessClient(actor, clientId)) throw NotFound(what);
  return actor;
}

export function assertRole(...roles: (Role | "system")[]): TenantActor {
  const actor = useTenant();
  if (!roles.includes(actor.role)) throw Forbidden();
  return actor;
}
