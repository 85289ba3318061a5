import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { Dynamo } from "../dynamo";
import { Table } from "../table";
import { Identifiers } from "../ticket/fields";

export type RawItem = Record<string, AttributeValue>;

/** A string attribute of a raw item, or "". */
export const stringAttr = (item: RawItem, name: string) => item[name]?.S ?? "";

/**
 * Every item of one partition whose sort key starts with `prefix`, unmarshalled, paged past
 * 1 MB: the raw Query, for hot reads that need no ElectroDB query chain.
 */
export async function queryPrefix(pk: string, prefix: string): Promise<Record<string, unknown>[]> {
  return (await queryPrefixRaw(pk, prefix)).map((item) => unmarshall(item));
}

/** `queryPrefix` without unmarshalling, for readers that decode a few attributes themselves. */
export async function queryPrefixRaw(pk: string, prefix: string): Promise<RawItem[]> {
  const items: RawItem[] = [];
  let start: RawItem | undefined;
  do {
    const page = await queryPage(pk, prefix, undefined, start);
    items.push(...page.items);
    start = page.last;
  } while (start);
  return items;
}

/** One page of `queryPrefix`: up to `limit` items from `start` on, and where the next page starts. */
export async function queryPrefixPage(
  pk: string,
  prefix: string,
  { limit, start }: { limit?: number; start?: Record<string, string> | undefined },
): Promise<{ items: Record<string, unknown>[]; next: Record<string, string> | null }> {
  const startKey = start ? Object.fromEntries(Object.entries(start).map(([k, v]) => [k, { S: v }])) : undefined;
  const page = await queryPage(pk, prefix, limit, startKey);
  return {
    items: page.items.map((item) => unmarshall(item)),
    next: page.last ? Object.fromEntries(Object.entries(page.last).map(([k, v]) => [k, v.S ?? ""])) : null,
  };
}

async function queryPage(pk: string, prefix: string, limit: number | undefined, start: RawItem | undefined) {
  const { QueryCommand } = Dynamo.commands();
  const output = await Dynamo.raw().send(
    new QueryCommand({
      TableName: Dynamo.table(),
      KeyConditionExpression: "#pk = :pk AND begins_with(#sk, :prefix)",
      ExpressionAttributeNames: { "#pk": Table.partitionKey, "#sk": Table.sortKey },
      ExpressionAttributeValues: { ":pk": { S: pk }, ":prefix": { S: prefix } },
      ExclusiveStartKey: start,
      Limit: limit,
    }),
  );
  return { items: output.Items ?? [], last: output.LastEvaluatedKey };
}

/** Reads items by key (BatchGetItem), retrying what DynamoDB leaves unprocessed; keeps the given order. */
export async function batchGet(
  keys: RawItem[],
  options: { projection?: readonly string[]; consistent?: boolean } = {},
): Promise<RawItem[]> {
  const { projection, consistent } = options;
  if (keys.length === 0) return [];
  const table = Dynamo.table();
  const { BatchGetItemCommand } = Dynamo.commands();
  const found = new Map<string, RawItem>();
  const id = (item: RawItem) => `${stringAttr(item, Table.partitionKey)}\n${stringAttr(item, Table.sortKey)}`;
  const names = projection
    ? Object.fromEntries([Table.partitionKey, Table.sortKey, ...projection].map((name, i) => [`#a${i}`, name]))
    : undefined;
  for (let offset = 0; offset < keys.length; offset += 100) {
    let pending: RawItem[] = keys.slice(offset, offset + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));
      const output = await Dynamo.raw().send(
        new BatchGetItemCommand({
          RequestItems: {
            [table]: {
              Keys: pending,
              ConsistentRead: consistent,
              ...(names ? { ProjectionExpression: Object.keys(names).join(","), ExpressionAttributeNames: names } : {}),
            },
          },
        }),
      );
      for (const item of output.Responses?.[table] ?? []) found.set(id(item), item);
      pending = (output.UnprocessedKeys?.[table]?.Keys as RawItem[] | undefined) ?? [];
    }
  }
  return keys.map((key) => found.get(id(key))).filter((item): item is RawItem => item !== undefined);
}

/**
 * Items of any entities by their keys (as primaryKey gives them), in one
 * BatchGetItem, strongly consistent unless asked otherwise: half the units of a TransactGet, and never cancelled by a
 * concurrent transaction. Returns the found items, unmarshalled, by entity name for `parse`.
 */
export async function readByKeys(keys: Record<string, string>[], { consistent = true } = {}) {
  const raw = keys.map((key) => ({
    [Table.partitionKey]: { S: key[Table.partitionKey]! },
    [Table.sortKey]: { S: key[Table.sortKey]! },
  }));
  const found = (await batchGet(raw, { consistent })).map((item) => unmarshall(item));
  return byEntity(found);
}

/** Unmarshalled items of several entities, picked out per entity in the shape ElectroDB's `parse` takes. */
export function byEntity(items: Record<string, unknown>[]) {
  return (entity: string) => ({ Items: items.filter((item) => item[Identifiers.entity] === entity) });
}
