import type { AttachmentRef } from "../attachments";
import type { MailInfo } from "../mail";
import type { Presence } from "../presence";
import type { SlaInfo } from "../sla";
import type { TimeEntry as TimeEntryInfo } from "../time";
import type { TicketSummary } from "./Queue";

/** The ticket page as GET /v1/clients/{clientId}/tickets/{ticketId} answers it. */
export interface Ticket extends Omit<TicketSummary, "sla"> {
  number: number;
  version: number;
  type: string;
  category: string | null;
  channel: string;
  ccs: string[];
  fields: Record<string, string | number | boolean | null>;
  createdBy: string;
  /** Internal work: null for client admins. */
  timeSpentMinutes: number | null;
  mergedInto: string | null;
  firstReplyAt: string | null;
  /** null: the client had no SLA policies when the ticket was created. */
  sla: SlaInfo | null;
}

export interface Message {
  id: string;
  visibility: "public" | "internal";
  author: { type: string; id: string | null; name: string; email?: string | null };
  bodyText: string;
  bodyHtml: string | null;
  attachments: AttachmentRef[];
  channel: string;
  timeSpentMinutes: number;
  mergedFrom: string | null;
  mail: MailInfo | null;
  createdAt: string;
}

export interface TicketEvent {
  id: string;
  at: string;
  actor: { type: string; id: string };
  field: string;
  from: unknown;
  to: unknown;
  reason: string | null;
}

export interface Page {
  ticket: Ticket;
  /** A long thread's page holds its newest messages; this cursor reads the ones before. */
  olderMessages: string | null;
  messages: Message[];
  events: TicketEvent[];
  /** Staff only ([] for client admins). */
  timeEntries?: TimeEntryInfo[];
  /** Who else had the ticket open when the page was read (the heartbeats keep it current). */
  presence?: Presence[];
}

/**
 * Sends a PATCH (conditional on the version shown), showing `optimistic` at once. Resolves to
 * the refusal, if any; with `inPlace`, a 400 is the caller's to show next to its fields.
 */
export type Change = (
  patch: Record<string, unknown>,
  optimistic?: Partial<Ticket>,
  options?: { inPlace?: boolean; label?: string },
) => Promise<unknown>;

/**
 * One name per person across the thread and the trail. Client admins cannot list agents, so a
 * name the session does not know comes from the messages they wrote (the name the thread shows).
 */
export function peopleNames(
  users: { id: string; name: string }[],
  messages: Message[],
): (id: string | null | undefined) => string {
  const fromThread = new Map<string, string>();
  for (const message of messages) if (message.author.id) fromThread.set(message.author.id, message.author.name);
  return (id) => {
    if (!id) return "Unassigned";
    return users.find((user) => user.id === id)?.name ?? fromThread.get(id) ?? "Agent";
  };
}

/** The request itself: the first message, when the page starts at the beginning of the thread. */
export function isRequest(page: Page, message: Message): boolean {
  return page.olderMessages === null && page.messages[0]?.id === message.id && !message.mergedFrom;
}
