import { gunzipSync, gzipSync } from "node:zlib";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { Aws } from "../aws";
import { batchGet, type RawItem, stringAttr } from "../common/batch";
import { Config } from "../config";
import { Dynamo } from "../dynamo";
import { Table } from "../table";
import { Identifiers } from "../ticket/fields";
import type { SearchDocument } from "./document";

/**
 * Where search keeps its state, per client:
 * - a document item per ticket, `pk = provider#client#search`, `sk = d#ticket`, on gsi1 by the
 *   time it was indexed (`gsi1sk = indexedAt#ticket`): what changed since a snapshot is one Query;
 * - a counter item (`sk = state`) of documents written since the last compaction;
 * - the snapshot: the MiniSearch index of every document up to a time, gzipped JSON in the
 *   attachments bucket under `search/provider/client/index.json.gz`.
 * The indexer is the only writer of documents; snapshots are whole objects written by the
 * compaction, each carrying the time it covers, so two compactions racing both write a valid one.
 */
const partition = (providerId: string, clientId: string) => `${providerId}#${clientId}#search`;
export const snapshotKey = (providerId: string, clientId: string) => `search/${providerId}/${clientId}/index.json.gz`;

/** A deleted ticket stays as a tombstone, so an index built before the delete drops it. */
export type StoredDocument = (SearchDocument | { id: string; deleted: true }) & { indexedAt: string };

const DOC = "searchDoc";

function encode(providerId: string, clientId: string, doc: StoredDocument): RawItem {
  const pk = partition(providerId, clientId);
  const item: RawItem = {
    [Table.partitionKey]: { S: pk },
    [Table.sortKey]: { S: `d#${doc.id}` },
    gsi1pk: { S: pk },
    gsi1sk: { S: `${doc.indexedAt}#${doc.id}` },
    [Identifiers.entity]: { S: DOC },
    [Identifiers.version]: { S: "1" },
    ix: { S: doc.indexedAt },
  };
  if ("deleted" in doc) {
    item.x = { BOOL: true };
    return item;
  }
  const { publicText, internalText, indexedAt: _, ...rest } = doc;
  item.j = { S: JSON.stringify(rest) };
  if (publicText) item.pub = { S: publicText };
  if (internalText) item.int = { S: internalText };
  return item;
}

function decode(item: RawItem): StoredDocument {
  const id = stringAttr(item, Table.sortKey).slice(2);
  const indexedAt = stringAttr(item, "ix");
  if (item.x?.BOOL) return { id, deleted: true, indexedAt };
  const rest = JSON.parse(stringAttr(item, "j")) as Omit<SearchDocument, "publicText" | "internalText">;
  return { ...rest, id, publicText: stringAttr(item, "pub"), internalText: stringAttr(item, "int"), indexedAt };
}

/** Writes (or tombstones) a ticket's document: one PutItem. */
export async function putDocument(
  providerId: string,
  clientId: string,
  doc: SearchDocument | { id: string; deleted: true },
  indexedAt: string,
): Promise<void> {
  const { PutItemCommand } = await import("@aws-sdk/client-dynamodb");
  const item = encode(providerId, clientId, { ...doc, indexedAt });
  await Dynamo.raw().send(new PutItemCommand({ TableName: Dynamo.table(), Item: item }));
}

/** Documents indexed at or after `since` (ISO time), oldest first: one Query, paged past 1 MB. */
export async function changedSince(providerId: string, clientId: string, since: string): Promise<StoredDocument[]> {
  const { QueryCommand } = Dynamo.commands();
  const docs: StoredDocument[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const output = await Dynamo.raw().send(
      new QueryCommand({
        TableName: Dynamo.table(),
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk AND gsi1sk >= :since",
        ExpressionAttributeValues: { ":pk": { S: partition(providerId, clientId) }, ":since": { S: since } },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of output.Items ?? []) docs.push(decode(item));
    start = output.LastEvaluatedKey;
  } while (start);
  return docs;
}

/**
 * The text of some tickets' documents, for snippets: one BatchGetItem. A client admin's read
 * never asks for the notes' text (`int`), so it cannot leave the table.
 */
export async function documentsOf(
  providerId: string,
  clientId: string,
  ticketIds: string[],
  internal: boolean,
): Promise<Map<string, StoredDocument>> {
  const pk = partition(providerId, clientId);
  const keys = ticketIds.map((id) => ({ [Table.partitionKey]: { S: pk }, [Table.sortKey]: { S: `d#${id}` } }));
  const items = await batchGet(keys, { projection: ["ix", "x", "j", "pub", ...(internal ? ["int"] : [])] });
  return new Map(items.map((item) => [stringAttr(item, Table.sortKey).slice(2), decode(item)]));
}

/** Counts documents written since the last compaction; returns the new count. One UpdateItem. */
export async function addPending(providerId: string, clientId: string, written: number): Promise<number> {
  const { UpdateItemCommand } = await import("@aws-sdk/client-dynamodb");
  const output = await Dynamo.raw().send(
    new UpdateItemCommand({
      TableName: Dynamo.table(),
      Key: { [Table.partitionKey]: { S: partition(providerId, clientId) }, [Table.sortKey]: { S: "state" } },
      UpdateExpression: "ADD pending :n SET #e = :e",
      ExpressionAttributeNames: { "#e": Identifiers.entity },
      ExpressionAttributeValues: { ":n": { N: String(written) }, ":e": { S: "searchState" } },
      ReturnValues: "UPDATED_NEW",
    }),
  );
  return Number(output.Attributes?.pending?.N ?? written);
}

export async function subtractPending(providerId: string, clientId: string, compacted: number): Promise<void> {
  await addPending(providerId, clientId, -compacted);
}

export interface Snapshot {
  /** The MiniSearch index as plain data (MiniSearch.toJSON). */
  index: unknown;
  /** Every document indexed before this time (minus the overlap window) is in the index. */
  coveredUntil: string;
  etag: string;
  bytes: number;
}

const isNotModified = (error: unknown) =>
  (error as { name?: string }).name === "NotModified" ||
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 304;

/** The client's snapshot; "unchanged" when its ETag is still `etag`; undefined when there is none. */
export async function loadSnapshot(
  providerId: string,
  clientId: string,
  etag?: string,
): Promise<Snapshot | "unchanged" | undefined> {
  const [client, { GetObjectCommand }] = await Promise.all([Aws.s3Client(), import("@aws-sdk/client-s3")]);
  try {
    const output = await client.send(
      new GetObjectCommand({
        Bucket: Config.get("attachmentsBucket"),
        Key: snapshotKey(providerId, clientId),
        IfNoneMatch: etag,
      }),
    );
    const bytes = await output.Body?.transformToByteArray();
    if (!bytes) return undefined;
    const { coveredUntil, index } = JSON.parse(gunzipSync(bytes).toString("utf8")) as {
      coveredUntil: string;
      index: unknown;
    };
    return { index, coveredUntil, etag: output.ETag ?? "", bytes: bytes.length };
  } catch (error) {
    if (isNotModified(error)) return "unchanged";
    if ((error as { name?: string }).name === "NoSuchKey") return undefined;
    throw error;
  }
}

/** Writes a snapshot; returns its size in bytes (gzipped). */
export async function saveSnapshot(
  providerId: string,
  clientId: string,
  index: unknown,
  coveredUntil: string,
): Promise<number> {
  const body = gzipSync(JSON.stringify({ format: 1, coveredUntil, index }));
  await Aws.putObject(Config.get("attachmentsBucket"), snapshotKey(providerId, clientId), body, {
    contentType: "application/json",
  });
  return body.length;
}
