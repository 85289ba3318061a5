import { randomUUID } from "node:crypto";
import {
  DeleteItemCommand,
  DynamoDBServiceException,
  GetItemCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactionConflictException,
  TransactWriteItemsCommand,
  type TransactWriteItemsInput,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { Config } from "@outdesk/core/config";
import { Dynamo } from "@outdesk/core/dynamo";
import { Entity, Service } from "electrodb";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ConflictInjector, injectConflicts } from "./conflicts";

const table = () => Config.get("tableName");
const key = (pk: string, sk = "item") => ({ pk: { S: pk }, sk: { S: sk } });
const put = (pk: string, value: string) => ({ Put: { TableName: table(), Item: { ...key(pk), value: { S: value } } } });
const update = (pk: string, value: string) => ({
  Update: {
    TableName: table(),
    Key: key(pk),
    UpdateExpression: "SET #v = :v",
    ExpressionAttributeNames: { "#v": "value" },
    ExpressionAttributeValues: { ":v": { S: value } },
  },
});
const transaction = (...items: TransactWriteItemsInput["TransactItems"] & object) =>
  new TransactWriteItemsCommand({ TransactItems: items });
const read = async (pk: string) =>
  (await Dynamo.raw().send(new GetItemCommand({ TableName: table(), Key: key(pk), ConsistentRead: true }))).Item?.value
    ?.S;
const rejectionOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Record<string, any>,
  );

let injector: ConflictInjector | undefined;
afterEach(() => injector?.remove());

/**
 * Starts a transaction the injector holds in flight; resolves once its items are locked, with
 * the transaction's own promise wrapped (an async function would otherwise wait for it).
 */
async function inFlight(command: TransactWriteItemsCommand) {
  const before = injector!.lockedItems();
  const sent = Dynamo.raw().send(command);
  await vi.waitFor(() => expect(injector!.lockedItems()).toBeGreaterThan(before), { interval: 5 });
  return { done: sent };
}

describe("injected transaction conflicts", () => {
  it("cancels the second of two overlapping transactions at the contested item", async () => {
    injector = injectConflicts(Dynamo.raw(), { holdMs: 300 });
    const [x, y] = [randomUUID(), randomUUID()];
    const first = await inFlight(transaction(put(x, "first")));
    const error = await rejectionOf(Dynamo.raw().send(transaction(put(y, "second"), update(x, "second"))));
    await first.done;

    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error).toBeInstanceOf(DynamoDBServiceException);
    expect(error).toMatchObject({
      name: "TransactionCanceledException",
      $fault: "client",
      message:
        "Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]",
      CancellationReasons: [{ Code: "None" }, { Code: "TransactionConflict" }],
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
    expect(await read(x)).toBe("first");
    expect(await read(y)).toBeUndefined();
    expect(injector.stats).toEqual({ transactionsCancelled: 1, writesRejected: 0 });
  });

  it("throws the same shape the SDK builds for a real cancellation", async () => {
    const guarded = randomUUID();
    const real = await rejectionOf(
      Dynamo.raw().send(
        transaction(put(randomUUID(), "a"), {
          ConditionCheck: { TableName: table(), Key: key(guarded), ConditionExpression: "attribute_exists(pk)" },
        }),
      ),
    );
    injector = injectConflicts(Dynamo.raw(), { holdMs: 200 });
    const x = randomUUID();
    const first = await inFlight(transaction(put(x, "first")));
    const injected = await rejectionOf(Dynamo.raw().send(transaction(put(randomUUID(), "a"), update(x, "b"))));
    await first.done;

    expect(injected!.constructor).toBe(real!.constructor);
    expect(Object.keys(injected!).sort()).toEqual(Object.keys(real!).sort());
    expect(injected!.__type).toBe(real!.__type);
    expect(injected!.$response.statusCode).toBe(400);
    expect(injected!.message).toBe(real!.message.replace("ConditionalCheckFailed", "TransactionConflict"));
  });

  it("rejects single-item writes on a locked item with TransactionConflictException, unretried", async () => {
    injector = injectConflicts(Dynamo.raw(), { holdMs: 300 });
    const x = randomUUID();
    await Dynamo.raw().send(new PutItemCommand({ TableName: table(), Item: { ...key(x), value: { S: "before" } } }));
    const first = await inFlight(transaction(update(x, "transaction")));

    const attempts = [
      Dynamo.raw().send(new PutItemCommand({ TableName: table(), Item: { ...key(x), value: { S: "put" } } })),
      Dynamo.raw().send(new UpdateItemCommand(update(x, "update").Update)),
      Dynamo.raw().send(new DeleteItemCommand({ TableName: table(), Key: key(x) })),
    ];
    const errors = await Promise.all(attempts.map(rejectionOf));
    // Reads are never rejected, and see the item as it was before the transaction commits.
    expect(await read(x)).toBe("before");
    await first.done;

    for (const error of errors) {
      expect(error).toBeInstanceOf(TransactionConflictException);
      expect(error).toMatchObject({
        name: "TransactionConflictException",
        $fault: "client",
        message: "Transaction is ongoing for the item",
        // The client allows 3 attempts: the SDK does not retry this error.
        $metadata: { httpStatusCode: 400, attempts: 1 },
      });
    }
    expect(await read(x)).toBe("transaction");
    expect(injector.stats).toEqual({ transactionsCancelled: 0, writesRejected: 3 });
  });

  it("cancels a TransactGetItems that reads a locked item", async () => {
    injector = injectConflicts(Dynamo.raw(), { holdMs: 300 });
    const [x, other] = [randomUUID(), randomUUID()];
    const first = await inFlight(transaction(put(x, "first")));
    const error = await rejectionOf(
      Dynamo.raw().send(
        new TransactGetItemsCommand({
          TransactItems: [
            { Get: { TableName: table(), Key: key(other) } },
            { Get: { TableName: table(), Key: key(x) } },
          ],
        }),
      ),
    );
    await first.done;

    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error!.CancellationReasons).toEqual([
      { Code: "None" },
      { Code: "TransactionConflict", Message: "Transaction is ongoing for the item" },
    ]);
    expect(injector.stats.transactionsCancelled).toBe(1);
  });

  it("never conflicts transactions or writes on disjoint items", async () => {
    injector = injectConflicts(Dynamo.raw(), { holdMs: 150 });
    const ids = Array.from({ length: 6 }, () => randomUUID());
    const first = await inFlight(transaction(put(ids[0]!, "v"), put(ids[1]!, "v")));
    const others = [
      Dynamo.raw().send(transaction(put(ids[2]!, "v"), update(ids[3]!, "v"))),
      Dynamo.raw().send(transaction(put(ids[4]!, "v"))),
      Dynamo.raw().send(new PutItemCommand({ TableName: table(), Item: { ...key(ids[5]!), value: { S: "v" } } })),
      Dynamo.raw().send(
        new PutItemCommand({ TableName: table(), Item: { ...key(ids[0]!, "sibling"), v: { S: "v" } } }),
      ),
    ];
    const results = await Promise.allSettled([first, ...others]);

    expect(results.map((result) => result.status)).toEqual(Array(5).fill("fulfilled"));
    for (const id of ids) expect(await read(id)).toBe("v");
    expect(injector.stats).toEqual({ transactionsCancelled: 0, writesRejected: 0 });
  });

  it("turns an overlap into a conflict only with the configured probability", async () => {
    const draws = [0.9, 0.1];
    injector = injectConflicts(Dynamo.raw(), { holdMs: 300, probability: 0.5, random: () => draws.shift()! });
    const x = randomUUID();
    const first = await inFlight(transaction(put(x, "first")));
    const write = (value: string) =>
      rejectionOf(
        Dynamo.raw().send(new PutItemCommand({ TableName: table(), Item: { ...key(x), value: { S: value } } })),
      );
    const spared = await write("spared");
    const hit = await write("hit");
    await first.done;

    expect(spared).toBeUndefined();
    expect(hit).toBeInstanceOf(TransactionConflictException);
    expect(injector.stats).toEqual({ transactionsCancelled: 0, writesRejected: 1 });
  });

  it("restores normal behaviour after remove()", async () => {
    injector = injectConflicts(Dynamo.raw(), { holdMs: 300 });
    const stats = injector.stats;
    injector.remove();
    expect(Dynamo.raw().middlewareStack.identify().join()).not.toMatch(/ConflictInjector/);

    const x = randomUUID();
    const results = await Promise.allSettled([
      Dynamo.raw().send(transaction(put(x, "first"))),
      Dynamo.raw().send(transaction(update(x, "second"))),
      Dynamo.raw().send(new PutItemCommand({ TableName: table(), Item: { ...key(x), value: { S: "third" } } })),
    ]);

    expect(results.map((result) => result.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    expect(stats).toEqual({ transactionsCancelled: 0, writesRejected: 0 });
  });

  it("reaches ElectroDB: a cancelled transaction resolves with canceled, a rejected write throws", async () => {
    const Thing = new Entity({
      model: { service: "conflicts", entity: "thing", version: "1" },
      attributes: { id: { type: "string", required: true }, value: { type: "string" } },
      indexes: {
        primary: { pk: { field: "pk", composite: ["id"] }, sk: { field: "sk", composite: [] } },
      },
    });
    const things = new Service({ thing: Thing }, { client: Dynamo.raw(), table: table() });
    injector = injectConflicts(Dynamo.raw(), { holdMs: 300 });
    const [x, y] = [randomUUID(), randomUUID()];
    const { pk, sk } = Thing.put({ id: x, value: "raw" }).params().Item;
    const first = await inFlight(
      transaction({ Put: { TableName: table(), Item: { pk: { S: pk }, sk: { S: sk }, value: { S: "raw" } } } }),
    );

    const result = await things.transaction
      .write(({ thing }) => [
        thing.put({ id: y, value: "electro" }).commit(),
        thing.put({ id: x, value: "electro" }).commit(),
      ])
      .go();
    const thrown = await rejectionOf(Thing.put({ id: x, value: "single" }).go());
    await first.done;

    expect(result.canceled).toBe(true);
    expect(result.data).toMatchObject([
      { rejected: false, code: "None" },
      { rejected: true, code: "TransactionConflict", message: "Transaction is ongoing for the item" },
    ]);
    expect(thrown).toMatchObject({ name: "ElectroError", code: 4001 });
    expect(thrown!.cause).toBeInstanceOf(TransactionConflictException);
  });
});
