import { randomUUID } from "node:crypto";
import type {
  AttributeValue,
  DynamoDBClient,
  TransactGetItemsInput,
  TransactWriteItem,
  TransactWriteItemsInput,
} from "@aws-sdk/client-dynamodb";
import type { DeserializeHandlerArguments, DeserializeMiddleware, HandlerExecutionContext } from "@smithy/types";

/**
 * Transaction conflicts for tests and benchmarks. Real DynamoDB locks the items of a
 * TransactWriteItems while it runs and rejects other requests that touch them; DynamoDB Local
 * serialises everything and never does. Following AWS's "transaction conflict handling" rules:
 * - a TransactWriteItems touching an item of an in-flight TransactWriteItems is cancelled;
 * - a TransactGetItems touching an item of an in-flight TransactWriteItems, PutItem, UpdateItem,
 *   DeleteItem or BatchWriteItem is cancelled;
 * - a PutItem, UpdateItem or DeleteItem on an item of an in-flight TransactWriteItems fails with
 *   TransactionConflictException. (GetItem, Query and BatchGetItem are never rejected.)
 *
 * The middleware sits below the SDK's deserializer, so a rejection is a synthetic HTTP 400 with
 * the body AWS sends: the SDK itself builds the TransactionCanceledException or
 * TransactionConflictException (same classes, name, $fault, $metadata, message, CancellationReasons,
 * hidden $response), and the retry middleware above sees it exactly as it would see AWS's.
 */
export interface ConflictOptions {
  /** Key attribute names, used to find the primary key inside a Put's Item. Default pk, sk. */
  keyAttributes?: readonly string[];
  /** Extra time a TransactWriteItems holds its locks before it is sent on (the commit comes last). */
  holdMs?: number;
  /**
   * How long a TransactWriteItems holds its locks at most, in ms. DynamoDB holds them while it
   * executes the transaction (some ms); DynamoDB Local serialises requests, so without this a
   * transaction would also hold them while it waits behind every other request of a burst.
   * Default: until the response arrives.
   */
  lockMs?: number;
  /** Chance that an overlap becomes a conflict, 0..1. Default 1: every overlap conflicts. */
  probability?: number;
  /** Source of randomness for `probability`; default Math.random. */
  random?: () => number;
}

export interface ConflictStats {
  /** TransactWriteItems and TransactGetItems cancelled with a TransactionConflict reason. */
  transactionsCancelled: number;
  /** PutItem, UpdateItem and DeleteItem rejected with TransactionConflictException. */
  writesRejected: number;
}

export interface ConflictInjector {
  stats: ConflictStats;
  /** Items currently locked by in-flight transactions, process-wide (lets tests wait for an overlap). */
  lockedItems(): number;
  remove(): void;
}

/**
 * Shared by every injected client in the process, as the lock table of one DynamoDB would be:
 * item id → how many in-flight requests of each kind hold it.
 */
const inFlight = new Map<string, { transactions: number; writes: number }>();

type Kind = "transactions" | "writes";

function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    action();
  };
}

function acquire(ids: (string | undefined)[], kind: Kind): () => void {
  const held = ids.filter((id): id is string => id !== undefined);
  for (const id of held) {
    const entry = inFlight.get(id) ?? { transactions: 0, writes: 0 };
    entry[kind]++;
    inFlight.set(id, entry);
  }
  return () => {
    for (const id of held) {
      const entry = inFlight.get(id);
      if (!entry) continue;
      entry[kind]--;
      if (entry.transactions === 0 && entry.writes === 0) inFlight.delete(id);
    }
  };
}

function lockedBy(id: string | undefined, kinds: readonly Kind[]): boolean {
  if (id === undefined) return false;
  const entry = inFlight.get(id);
  return entry !== undefined && kinds.some((kind) => entry[kind] > 0);
}

function encodeValue(value: AttributeValue): string {
  if (value.S !== undefined) return `S:${value.S}`;
  if (value.N !== undefined) return `N:${value.N}`;
  if (value.B !== undefined) return `B:${Buffer.from(value.B).toString("base64")}`;
  return JSON.stringify(value);
}

/**
 * Table + primary key. `keyNames` picks the key out of a whole item (Put); a Key is used as is.
 * Undefined when no key attribute is present: such an item cannot be tracked.
 */
function itemId(
  tableName: string | undefined,
  attributes: Record<string, AttributeValue> | undefined,
  keyNames?: readonly string[],
): string | undefined {
  if (!tableName || !attributes) return undefined;
  const parts = (keyNames ?? Object.keys(attributes))
    .filter((name) => attributes[name] !== undefined)
    .sort()
    .map((name) => [name, encodeValue(attributes[name]!)]);
  return parts.length > 0 ? JSON.stringify([tableName, ...parts]) : undefined;
}

function writeItemId(item: TransactWriteItem, keyNames: readonly string[]): string | undefined {
  if (item.Put) return itemId(item.Put.TableName, item.Put.Item, keyNames);
  const keyed = item.Update ?? item.Delete ?? item.ConditionCheck;
  return itemId(keyed?.TableName, keyed?.Key);
}

/** The HTTP response AWS returns for a rejected request; the SDK's deserializer turns it into the exception. */
function rejection(type: string, body: Record<string, unknown>) {
  const payload = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, ...body });
  return {
    response: {
      statusCode: 400,
      reason: "Bad Request",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "content-length": String(Buffer.byteLength(payload)),
        "x-amzn-requestid": randomUUID().replaceAll("-", "").toUpperCase(),
      },
      body: new TextEncoder().encode(payload),
    },
  };
}

const ongoing = "Transaction is ongoing for the item";

function cancellation(conflicted: boolean[]) {
  const reasons = conflicted.map((hit) => (hit ? { Code: "TransactionConflict", Message: ongoing } : { Code: "None" }));
  const codes = reasons.map((reason) => reason.Code).join(", ");
  return rejection("TransactionCanceledException", {
    CancellationReasons: reasons,
    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`,
  });
}

let injectors = 0;

export function injectConflicts(client: DynamoDBClient, options: ConflictOptions = {}): ConflictInjector {
  const keyNames = options.keyAttributes ?? ["pk", "sk"];
  const holdMs = options.holdMs ?? 0;
  const lockMs = options.lockMs;
  const probability = options.probability ?? 1;
  const random = options.random ?? Math.random;
  const stats: ConflictStats = { transactionsCancelled: 0, writesRejected: 0 };
  const name = `outdeskConflictInjector${++injectors}`;
  const conflicts = () => probability >= 1 || random() < probability;

  const middleware: DeserializeMiddleware<any, any> =
    (next, context: HandlerExecutionContext) => async (args: DeserializeHandlerArguments<any>) => {
      const input = args.input as Record<string, any>;
      switch (context.commandName) {
        case "TransactWriteItemsCommand": {
          const ids = ((input as TransactWriteItemsInput).TransactItems ?? []).map((item) =>
            writeItemId(item, keyNames),
          );
          const hits = ids.map((id) => lockedBy(id, ["transactions"]));
          if (hits.some(Boolean) && conflicts()) {
            stats.transactionsCancelled++;
            return cancellation(hits);
          }
          const release = once(acquire(ids, "transactions"));
          const expiry = lockMs === undefined ? undefined : setTimeout(release, lockMs);
          try {
            if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
            return await next(args);
          } finally {
            clearTimeout(expiry);
            release();
          }
        }
        case "TransactGetItemsCommand": {
          const ids = ((input as TransactGetItemsInput).TransactItems ?? []).map((item) =>
            itemId(item.Get?.TableName, item.Get?.Key),
          );
          const hits = ids.map((id) => lockedBy(id, ["transactions", "writes"]));
          if (hits.some(Boolean) && conflicts()) {
            stats.transactionsCancelled++;
            return cancellation(hits);
          }
          return next(args);
        }
        case "PutItemCommand":
        case "UpdateItemCommand":
        case "DeleteItemCommand": {
          const id =
            context.commandName === "PutItemCommand"
              ? itemId(input.TableName, input.Item, keyNames)
              : itemId(input.TableName, input.Key);
          if (lockedBy(id, ["transactions"]) && conflicts()) {
            stats.writesRejected++;
            return rejection("TransactionConflictException", { message: ongoing });
          }
          const release = acquire([id], "writes");
          try {
            return await next(args);
          } finally {
            release();
          }
        }
        case "BatchWriteItemCommand": {
          // Only a lock holder (for TransactGetItems); AWS documents no rejection for it.
          const ids = Object.entries((input.RequestItems ?? {}) as Record<string, any[]>).flatMap(([table, requests]) =>
            requests.map((request) =>
              request.PutRequest
                ? itemId(table, request.PutRequest.Item, keyNames)
                : itemId(table, request.DeleteRequest?.Key),
            ),
          );
          const release = acquire(ids, "writes");
          try {
            return await next(args);
          } finally {
            release();
          }
        }
        default:
          return next(args);
      }
    };

  // Lowest priority in the last step: below the deserializer and the retry middleware, right
  // above the HTTP handler, so each attempt locks from send to response.
  client.middlewareStack.add(middleware, { step: "deserialize", priority: "low", name });

  return {
    stats,
    lockedItems: () => [...inFlight.values()].filter((entry) => entry.transactions > 0).length,
    remove: () => {
      client.middlewareStack.remove(name);
    },
  };
}
