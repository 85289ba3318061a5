import * as z from "zod";
import { canAccessClient, useTenant } from "../actor";
import { Outdesk } from "../dynamo";
import { Forbidden } from "../error";
import { fn } from "../fn";
import { NotificationKinds } from "./notification.entity";

/** A user's in-console notifications: SLA warnings, breaches and escalations of their tickets. */
export namespace Notifications {
  export const Info = z
    .object({
      id: z.string(),
      kind: z.enum(NotificationKinds),
      clientId: z.string(),
      ticketId: z.string(),
      ticketKey: z.string(),
      subject: z.string().describe("the ticket's subject: plain text, render inert"),
      metric: z.string().nullable(),
      text: z.string().describe("what happened, plain text"),
      createdAt: z.string(),
      unread: z.boolean(),
    })
    .meta({ id: "Notification" });

  export const List = z
    .object({ items: z.array(Info).describe("newest first"), unread: z.number() })
    .meta({ id: "NotificationList" });

  export const ListInput = z.object({ limit: z.coerce.number().int().min(1).max(100).default(30) });
  export const ReadInput = z
    .strictObject({
      until: z.iso
        .datetime({ offset: true })
        .optional()
        .describe("mark everything up to this instant read (default now)"),
    })
    .meta({ id: "NotificationsRead" });

  /** Signed-in users only: an API key has no one to notify. */
  function user() {
    const actor = useTenant();
    if (actor.type !== "user") throw Forbidden("Notifications belong to signed-in users");
    return actor;
  }

  export const list = fn(ListInput, async ({ limit }): Promise<z.infer<typeof List>> => {
    const actor = user();
    const { providerId, id: userId } = actor;
    const [items, mark] = await Promise.all([
      Outdesk.entities.notification.query.byUser({ providerId, userId }).go({ order: "desc", count: limit }),
      Outdesk.entities.notificationMark.get({ providerId, userId }).go(),
    ]);
    const readUntil = mark.data?.readUntil ?? "";
    // A client taken away since: its tickets' notifications go with it.
    const visible = items.data.filter((item) => canAccessClient(actor, item.clientId));
    const list = visible.map((item) => ({
      id: item.notificationId,
      kind: item.kind,
      clientId: item.clientId,
      ticketId: item.ticketId,
      ticketKey: item.ticketKey,
      subject: item.subject,
      metric: item.metric ?? null,
      text: item.text,
      createdAt: item.createdAt,
      unread: item.createdAt > readUntil,
    }));
    return { items: list, unread: list.filter((item) => item.unread).length };
  });

  export const markRead = fn(ReadInput, async ({ until }) => {
    const { providerId, id: userId } = user();
    const readUntil = until ? new Date(until).toISOString() : new Date().toISOString();
    await Outdesk.entities.notificationMark.put({ providerId, userId, readUntil }).go();
    return list({});
  });
}
