import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { TimeEntryItem } from "../billing/time";
import { byEntity, type RawItem } from "../common/batch";
import { Cursor } from "../common/cursor";
import { storedBytes } from "../common/size";
import { Dynamo, Outdesk } from "../dynamo";
import type { OutboundItem } from "../email/model";
import { Table } from "../table";
import type { EventItem, MessageItem, TicketItem } from "./model";
import type { PresenceItem } from "./presence-view";
import { ViewKeys } from "./view-keys";

/**
 * Message bytes one ticket page carries at most (then the oldest ones are a page away): the
 * response stays far under Lambda's 6 MB however long the thread, and a long thread's page
 * reads its newest messages, not all of them.
 */
export const THREAD_PAGE_BYTES = 1_000_000;

// Sort keys in a ticket's partition: events `e#…`, messages `m#…`, the ticket `t`.
const MESSAGES_FROM = "m#";
const EVENTS = "e#";

interface Range {
  condition: string;
  values: Record<string, AttributeValue>;
}

/**
 * Reads a range of the partition newest first, page by page, until it ends or the messages
 * read reach the budget; `stoppedAt` is then the sort key of the oldest message kept.
 */
async function readNewestFirst(pk: string, range: Range | null, budget: number) {
  const { QueryCommand } = Dynamo.commands();
  const items: Record<string, unknown>[] = [];
  let bytes = 0;
  let start: RawItem | undefined;
  let oldestMessage: string | undefined;
  do {
    const output = await Dynamo.raw().send(
      new QueryCommand({
        TableName: Dynamo.table(),
        KeyConditionExpression: `#pk = :pk${range ? ` AND ${range.condition}` : ""}`,
        ExpressionAttributeNames: { "#pk": Table.partitionKey, ...(range ? { "#sk": Table.sortKey } : {}) },
        ExpressionAttributeValues: { ":pk": { S: pk }, ...range?.values },
        ScanIndexForward: false,
        ExclusiveStartKey: start,
      }),
    );
    for (const raw of output.Items ?? []) {
      const sk = raw[Table.sortKey]?.S ?? "";
      if (sk.startsWith(MESSAGES_FROM)) {
        bytes += storedBytes(raw);
        oldestMessage = sk;
      }
      items.push(unmarshall(raw));
    }
    start = output.LastEvaluatedKey;
    // Stop only between messages: what is left then is older messages (and the events, read apart).
    const lastKey = start?.[Table.sortKey]?.S ?? "";
    if (start && bytes >= budget && lastKey.startsWith(MESSAGES_FROM)) return { items, stoppedAt: oldestMessage };
  } while (start);
  return { items, stoppedAt: undefined };
}

function parse(items: Record<string, unknown>[]) {
  const of = byEntity(items);
  const { entities } = Outdesk;
  return {
    ticket: entities.ticket.parse(of("ticket")).data[0] as TicketItem | undefined,
    // Read newest first; shown oldest first.
    messages: (entities.message.parse(of("message")).data as MessageItem[]).reverse(),
    events: (entities.ticketEvent.parse(of("ticketEvent")).data as EventItem[]).reverse(),
    deliveries: entities.outboundMail.parse(of("outboundMail")).data as OutboundItem[],
    timeEntries: entities.timeEntry.parse(of("timeEntry")).data as TimeEntryItem[],
    presence: entities.ticketPresence.parse(of("ticketPresence")).data as PresenceItem[],
  };
}

const binding = (providerId: string, clientId: string, ticketId: string) =>
  Cursor.binding(providerId, "ticket.messages", { clientId, ticketId });

export interface Thread {
  ticket: TicketItem | undefined;
  messages: MessageItem[];
  events: EventItem[];
  /** Outbound mail of the ticket (sort keys `o#…`, read with the ticket): delivery states by message. */
  deliveries: OutboundItem[];
  /** Time entries (sort keys `w#…`, read with the ticket). */
  timeEntries: TimeEntryItem[];
  /** Heartbeats of who has the ticket open (sort keys `p#…`, read with the ticket). */
  presence: PresenceItem[];
  /** A cursor to the older messages, when the page stopped short of the first. */
  olderMessages: string | null;
}

/**
 * The ticket page's items: one Query for a thread under the budget, as before. A longer one
 * stops at the budget, and its events (small, all of them) come from a second Query.
 */
export async function readThread(providerId: string, clientId: string, ticketId: string): Promise<Thread> {
  const pk = ViewKeys.ticket(providerId, clientId, ticketId);
  const read = await readNewestFirst(pk, null, THREAD_PAGE_BYTES);
  if (!read.stoppedAt) return { ...parse(read.items), olderMessages: null };
  const events = await readNewestFirst(
    pk,
    { condition: "begins_with(#sk, :events)", values: { ":events": { S: EVENTS } } },
    Number.POSITIVE_INFINITY,
  );
  return {
    ...parse([...read.items, ...events.items]),
    olderMessages: await Cursor.seal(read.stoppedAt, binding(providerId, clientId, ticketId)),
  };
}

/** The messages before a page's oldest, newest first up to the budget, shown oldest first. */
export async function readOlderMessages(
  providerId: string,
  clientId: string,
  ticketId: string,
  cursor: string,
): Promise<{ messages: MessageItem[]; olderMessages: string | null }> {
  const bound = binding(providerId, clientId, ticketId);
  const before = await Cursor.open(cursor, bound);
  const read = await readNewestFirst(
    ViewKeys.ticket(providerId, clientId, ticketId),
    { condition: "#sk BETWEEN :from AND :to", values: { ":from": { S: MESSAGES_FROM }, ":to": { S: before } } },
    THREAD_PAGE_BYTES,
  );
  // BETWEEN includes its end: the page's oldest message was shown already.
  const { messages } = parse(read.items.filter((item) => item[Table.sortKey] !== before));
  return {
    messages,
    olderMessages: read.stoppedAt ? await Cursor.seal(read.stoppedAt, bound) : null,
  };
}

/**
 * Some stored fields of a ticket's messages, newest first, page by page, keeping only the ones
 * `filter` (a FilterExpression over `#f0`, `#f1`, … naming `fields` in order) accepts: the narrow
 * reads of one message's mail or attachments, without reading bodies.
 */
export async function* messageFields(
  providerId: string,
  clientId: string,
  ticketId: string,
  { fields, filter, values = {} }: { fields: string[]; filter: string; values?: Record<string, AttributeValue> },
): AsyncGenerator<Record<string, unknown>> {
  const { QueryCommand } = Dynamo.commands();
  const names = Object.fromEntries(fields.map((field, i) => [`#f${i}`, field]));
  let start: RawItem | undefined;
  do {
    const output = await Dynamo.raw().send(
      new QueryCommand({
        TableName: Dynamo.table(),
        KeyConditionExpression: "#pk = :pk AND begins_with(#sk, :messages)",
        FilterExpression: filter,
        ProjectionExpression: Object.keys(names).join(", "),
        ExpressionAttributeNames: { "#pk": Table.partitionKey, "#sk": Table.sortKey, ...names },
        ExpressionAttributeValues: {
          ":pk": { S: ViewKeys.ticket(providerId, clientId, ticketId) },
          ":messages": { S: MESSAGES_FROM },
          ...values,
        },
        ScanIndexForward: false,
        ExclusiveStartKey: start,
      }),
    );
    for (const raw of output.Items ?? []) yield unmarshall(raw);
    start = output.LastEvaluatedKey;
  } while (start);
}
