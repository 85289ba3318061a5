import { api } from "./api";

/** The signed-in user's SLA notifications (GET /v1/me/notifications; API keys get 403). */
export interface Notification {
  id: string;
  kind: "sla_warning" | "sla_breach" | "sla_escalation";
  clientId: string;
  ticketId: string;
  ticketKey: string;
  /** The ticket's subject: plain text, rendered inert. */
  subject: string;
  metric: string | null;
  text: string;
  createdAt: string;
  unread: boolean;
}

export interface NotificationList {
  /** Newest first. */
  items: Notification[];
  unread: number;
}

export const listNotifications = () => api<NotificationList>("GET", "/v1/me/notifications");

/** Marks read up to `until`: the newest item shown, so one that arrived since stays unread. */
export const markNotificationsRead = (until: string | undefined) =>
  api<NotificationList>("POST", "/v1/me/notifications/read", until ? { until } : {});
