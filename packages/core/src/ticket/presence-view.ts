import type { EntityItem } from "electrodb";
import * as z from "zod";
import type { TenantActor } from "../actor";
import type { TicketPresenceEntity } from "./presence.entity";

/**
 * Presence as the API shows it, apart from the operations: the ticket page carries it too (its
 * one Query reads the presence items of the ticket's partition anyway).
 */
export type PresenceItem = EntityItem<TicketPresenceEntity>;

export const PresenceState = z.enum(["viewing", "typing"]);

export const PresenceInfo = z
  .object({
    userId: z.string(),
    name: z.string(),
    staff: z.boolean().describe("the provider's staff (an agent or admin), else a client admin"),
    state: PresenceState,
    internal: z.boolean().describe("typing an internal note; never true for client admins to see"),
    at: z.string().describe("the last heartbeat"),
    expiresAt: z.string().describe("gone after this unless it beats again"),
  })
  .meta({ id: "TicketPresence" });
export type PresenceInfo = z.infer<typeof PresenceInfo>;

const isStaff = (actor: TenantActor) => actor.role !== "client_admin";

/** What a viewer may see of a heartbeat: client admins never learn that an internal note is being written. */
function toInfo(item: PresenceItem, viewer: TenantActor): PresenceInfo {
  const hidden = item.internal === true && !isStaff(viewer);
  return {
    userId: item.userId,
    name: item.name,
    staff: item.staff,
    state: hidden ? "viewing" : item.state,
    internal: hidden ? false : item.internal === true,
    at: item.at,
    expiresAt: new Date(item.expiresAt * 1000).toISOString(),
  };
}

/** The others on a ticket now, as `viewer` may see them: not the viewer, nothing expired (TTL deletes lazily). */
export function visiblePresence(items: PresenceItem[], viewer: TenantActor, now = Date.now()): PresenceInfo[] {
  return items
    .filter((item) => item.userId !== viewer.id && item.expiresAt > now / 1000)
    .map((item) => toInfo(item, viewer));
}
