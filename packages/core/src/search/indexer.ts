import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { Dynamo } from "../dynamo";
import { Log } from "../log";
import { Table } from "../table";
import { TicketFields as F, Identifiers } from "../ticket/fields";
import { documentOf, searchedTicketFields } from "./document";
import { applyDocument, emptyIndex, loadIndex } from "./engine";
import { overlapBefore } from "./segment";
import { addPending, changedSince, loadSnapshot, putDocument, saveSnapshot, subtractPending } from "./store";

/** A DynamoDB stream record, as Lambda delivers it and as the Streams API returns it locally. */
export interface StreamRecord {
  eventName?: "INSERT" | "MODIFY" | "REMOVE" | string;
  dynamodb?: {
    NewImage?: Record<string, AttributeValue>;
    OldImage?: Record<string, AttributeValue>;
  };
}

/** Documents written since the last snapshot that make the indexer compact the client's index. */
export const COMPACT_AFTER = 200;

type Image = Record<string, AttributeValue>;
const same = (a: Image | undefined, b: Image | undefined, name: string) =>
  JSON.stringify(a?.[name] ?? null) === JSON.stringify(b?.[name] ?? null);

/** The ticket a record touches, when it is a ticket or message whose searched content may have changed. */
function ticketOf(record: StreamRecord): { providerId: string; clientId: string; ticketId: string } | undefined {
  const image = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage;
  const entity = image?.[Identifiers.entity]?.S;
  if (entity !== "ticket" && entity !== "message") return undefined;
  if (entity === "ticket" && record.eventName === "MODIFY") {
    const { OldImage, NewImage } = record.dynamodb ?? {};
    if (searchedTicketFields.every((name) => same(OldImage, NewImage, name))) return undefined;
  }
  const providerId = image?.[F.providerId]?.S;
  const clientId = image?.[F.clientId]?.S;
  const ticketId = image?.[F.ticketId]?.S;
  if (!providerId || !clientId || !ticketId) return undefined;
  return { providerId, clientId, ticketId };
}

/** The ticket and its messages (not its events): one Query on the ticket's partition. */
async function readTicket(providerId: string, clientId: string, ticketId: string) {
  const { QueryCommand } = Dynamo.commands();
  const items: Record<string, unknown>[] = [];
  let start: Image | undefined;
  do {
    const output = await Dynamo.raw().send(
      new QueryCommand({
        TableName: Dynamo.table(),
        KeyConditionExpression: "#pk = :pk AND #sk BETWEEN :from AND :to",
        ExpressionAttributeNames: { "#pk": Table.partitionKey, "#sk": Table.sortKey },
        ExpressionAttributeValues: {
          ":pk": { S: `${providerId}#${clientId}#${ticketId}` },
          ":from": { S: "m#" },
          ":to": { S: "t" },
        },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of output.Items ?? []) items.push(unmarshall(item));
    start = output.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * Rewrites the client's snapshot: the last one, with every document indexed since applied,
 * vacuumed, stamped with the time the read began. Returns the documents it holds and its size.
 */
export async function compact(providerId: string, clientId: string) {
  const startedAt = new Date().toISOString();
  const snapshot = await loadSnapshot(providerId, clientId);
  const loaded = snapshot && snapshot !== "unchanged" ? snapshot : undefined;
  const index = loaded ? loadIndex(loaded.index) : emptyIndex();
  const changed = await changedSince(providerId, clientId, loaded ? overlapBefore(loaded.coveredUntil) : "0");
  for (const doc of changed) applyDocument(index, doc);
  if (index.dirtCount > 0) await index.vacuum();
  const bytes = await saveSnapshot(providerId, clientId, index.toJSON(), startedAt);
  return { documents: index.documentCount, applied: changed.length, bytes };
}

/**
 * Applies a batch of stream records: each ticket touched (once, however many of its items
 * changed) is read as it is now and its document written, so records may arrive late, twice or
 * out of order. A client with enough new documents gets its snapshot rewritten.
 */
export async function indexChanges(records: StreamRecord[]) {
  const tickets = new Map<string, { providerId: string; clientId: string; ticketId: string }>();
  for (const record of records) {
    const ticket = ticketOf(record);
    if (ticket) tickets.set(`${ticket.providerId}#${ticket.clientId}#${ticket.ticketId}`, ticket);
  }
  const written = new Map<string, { providerId: string; clientId: string; count: number }>();
  const queue = [...tickets.values()];
  // A few tickets at a time: a batch of 100 records stays a few round trips long.
  await Promise.all(
    Array.from({ length: Math.min(8, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const { providerId, clientId, ticketId } = next;
        const doc = documentOf(await readTicket(providerId, clientId, ticketId));
        await putDocument(providerId, clientId, doc ?? { id: ticketId, deleted: true }, new Date().toISOString());
        const key = `${providerId}#${clientId}`;
        const entry = written.get(key) ?? { providerId, clientId, count: 0 };
        entry.count++;
        written.set(key, entry);
      }
    }),
  );
  let compacted = 0;
  for (const { providerId, clientId, count } of written.values()) {
    const pending = await addPending(providerId, clientId, count);
    if (pending < COMPACT_AFTER) continue;
    const result = await compact(providerId, clientId);
    await subtractPending(providerId, clientId, pending);
    Log.info("search index compacted", { providerId, clientId, ...result });
    compacted++;
  }
  return { records: records.length, tickets: tickets.size, compacted };
}
