import { TicketFields as F, Identifiers } from "../ticket/fields";

/**
 * What search knows of one ticket: the fields it matches on and the few it shows in a result.
 * Public text (replies) and internal text (notes) are apart, so a client admin's search never
 * reads or matches a note.
 */
export interface SearchDocument {
  id: string;
  clientId: string;
  number: number;
  key: string;
  subject: string;
  status: string;
  requesterName: string;
  requesterEmail: string;
  tags: string[];
  /** Custom field values (text, select, number, date), space-separated. */
  fields: string;
  publicText: string;
  internalText: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * Text kept per ticket for matching and snippets: a long thread is searched by its first
 * messages (where the problem is stated), and the document stays well under DynamoDB's 400 KB.
 */
export const MAX_PUBLIC_TEXT = 48_000;
export const MAX_INTERNAL_TEXT = 16_000;

function capped(parts: string[], max: number): string {
  let text = "";
  for (const part of parts) {
    const next = text ? `${text}\n${part}` : part;
    if (next.length > max) return next.slice(0, max);
    text = next;
  }
  return text;
}

function fieldValues(fields: unknown): string {
  if (!fields || typeof fields !== "object") return "";
  return Object.values(fields as Record<string, unknown>)
    .filter((value): value is string | number => typeof value === "string" || typeof value === "number")
    .map(String)
    .join(" ");
}

type Item = Record<string, unknown>;
const str = (value: unknown) => (typeof value === "string" ? value : "");

/**
 * The document of a ticket from its partition's ticket and message items (unmarshalled, stored
 * attribute names), or undefined when the ticket item is gone.
 */
export function documentOf(items: Item[]): SearchDocument | undefined {
  const ticket = items.find((item) => item[Identifiers.entity] === "ticket");
  if (!ticket) return undefined;
  const messages = items
    .filter((item) => item[Identifiers.entity] === "message")
    .sort((a, b) => (str(a.ca) < str(b.ca) ? -1 : str(a.ca) > str(b.ca) ? 1 : 0));
  const body = (visibility: string) => messages.filter((m) => m.vi === visibility).map((m) => str(m.bt));
  return {
    id: str(ticket[F.ticketId]),
    clientId: str(ticket[F.clientId]),
    number: Number(ticket[F.number]),
    key: str(ticket[F.key]),
    subject: str(ticket[F.subject]),
    status: str(ticket[F.status]),
    requesterName: str(ticket[F.requesterName]),
    requesterEmail: str(ticket[F.requesterEmail]),
    tags: Array.isArray(ticket[F.tags]) ? (ticket[F.tags] as unknown[]).map(String) : [],
    fields: fieldValues(ticket[F.fields]),
    publicText: capped(body("public"), MAX_PUBLIC_TEXT),
    internalText: capped(body("internal"), MAX_INTERNAL_TEXT),
    createdAt: str(ticket[F.createdAt]),
    updatedAt: str(ticket[F.updatedAt]),
  };
}

/**
 * Ticket attributes a search document is matched or filtered on: a ticket change touching none
 * of them (an SLA sweep, a time entry's minutes) is not re-indexed.
 */
export const searchedTicketFields = [F.subject, F.status, F.requesterName, F.requesterEmail, F.tags, F.fields] as const;
