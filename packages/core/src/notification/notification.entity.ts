import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

export const NotificationKinds = ["sla_warning", "sla_breach", "sla_escalation"] as const;
export type NotificationKind = (typeof NotificationKinds)[number];

/**
 * A user's in-console notification (an SLA warning, breach or escalation), newest last in the
 * user's partition; kept 90 days. Which ones are unread follows from the user's read mark.
 */
export const notificationEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "notification", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        userId: { type: "string", required: true, readOnly: true },
        notificationId: { type: "string", required: true, readOnly: true },
        kind: { type: NotificationKinds, required: true, readOnly: true },
        clientId: { type: "string", required: true, readOnly: true },
        ticketId: { type: "string", required: true, readOnly: true },
        ticketKey: { type: "string", required: true, readOnly: true },
        subject: { type: "string", required: true, readOnly: true },
        metric: { type: "string", readOnly: true },
        /** Plain text: what happened, for the console and the mail. */
        text: { type: "string", required: true, readOnly: true },
        createdAt: { type: "string", required: true, readOnly: true },
        expiresAt: { type: "number", required: true, readOnly: true },
      },
      indexes: {
        byUser: { pk: key("pk", ["providerId", "userId"]), sk: key("sk", ["createdAt", "notificationId"], "n") },
      },
    },
    entityConfig,
  );

/** Up to when a user has read their notifications (one small item beside them). */
export const notificationMarkEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "notificationMark", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        userId: { type: "string", required: true, readOnly: true },
        readUntil: { type: "string", required: true },
      },
      indexes: {
        byUser: { pk: key("pk", ["providerId", "userId"]), sk: key("sk", [], "mark") },
      },
    },
    entityConfig,
  );

export type NotificationEntity = ReturnType<typeof notificationEntity>;
