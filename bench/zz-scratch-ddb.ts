import { randomUUID } from "node:crypto";
import { BatchGetItemCommand, PutItemCommand, TransactWriteItemsCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { Dynamo } from "@outdesk/core/dynamo";
import { benchStack } from "./harness";

const stack = await benchStack();
try {
  const T = Dynamo.table(); const c = Dynamo.raw();
  const small = () => ({ pk: `x#${randomUUID()}`, sk: "m", subject: "Damaged order 1", text: "Hello ".repeat(50), html: "<p>x</p>".repeat(30) });
  const gsi = () => { const o: any = small(); for (let i = 1; i <= 8; i++) { o[`gsi${i}pk`] = `p#${randomUUID()}`; o[`gsi${i}sk`] = `s#${i}`; } return o; };
  const cases: Record<string, () => Promise<unknown>> = {
    put: () => c.send(new PutItemCommand({ TableName: T, Item: marshall(small()) })),
    putGsi8: () => c.send(new PutItemCommand({ TableName: T, Item: marshall(gsi()) })),
    tx1: () => c.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: T, Item: marshall(small()) } }] })),
    tx7: () => c.send(new TransactWriteItemsCommand({ TransactItems: Array.from({ length: 7 }, () => ({ Put: { TableName: T, Item: marshall(small()), ConditionExpression: "attribute_not_exists(pk)" } })) })),
    tx6gsi1: () => c.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: T, Item: marshall(gsi()) } }, ...Array.from({ length: 6 }, () => ({ Put: { TableName: T, Item: marshall(small()) } }))] })),
    tx4: () => c.send(new TransactWriteItemsCommand({ TransactItems: Array.from({ length: 4 }, () => ({ Put: { TableName: T, Item: marshall(small()) } })) })),
    batchGet4: () => c.send(new BatchGetItemCommand({ RequestItems: { [T]: { ConsistentRead: true, Keys: Array.from({ length: 4 }, () => marshall({ pk: `x#${randomUUID()}`, sk: "m" })) } } })),
    update: () => c.send(new UpdateItemCommand({ TableName: T, Key: marshall({ pk: "counter", sk: "c" }), UpdateExpression: "ADD n :one", ExpressionAttributeValues: marshall({ ":one": 1 }) })),
  };
  const totals: Record<string, number> = {};
  for (let round = 0; round < 6; round++) for (const [k, f] of Object.entries(cases)) {
    const t = performance.now(); for (let i = 0; i < 30; i++) await f(); if (round > 0) totals[k] = (totals[k] ?? 0) + (performance.now() - t);
  }
  for (const [k, v] of Object.entries(totals)) console.log(k.padEnd(10), (v / 150).toFixed(2), "ms");
} finally { await stack.stop(); }
