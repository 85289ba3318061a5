import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Config } from "./config";

type Runtime = typeof import("./dynamo-runtime");
type OutdeskService = ReturnType<Runtime["buildService"]>;

let runtime: Runtime | undefined;
let loading: Promise<Runtime> | undefined;
let client: DynamoDBClient | undefined;

/** What the process has sent so far: operations and the capacity DynamoDB reported for them. */
const meter = { requests: 0, readUnits: 0, writeUnits: 0 };

const writeCommands = new Set([
  "PutItemCommand",
  "UpdateItemCommand",
  "DeleteItemCommand",
  "BatchWriteItemCommand",
  "TransactWriteItemsCommand",
]);

const billable = new Set([
  ...writeCommands,
  "GetItemCommand",
  "QueryCommand",
  "ScanCommand",
  "BatchGetItemCommand",
  "TransactGetItemsCommand",
]);

type Capacity = {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
};

/**
 * Capacity units of one response, as AWS bills them. DynamoDB Local reports these rules
 * faithfully but two: it bills index writes inside a transaction twice (AWS propagates them at
 * the standard rate; only the table items are transactional), and it reports 0 for a read that
 * finds nothing (AWS charges at least half a unit).
 */
function billed(command: string, consumed: Capacity | Capacity[] | undefined): number {
  let units = 0;
  for (const entry of [consumed ?? []].flat()) {
    const indexes = Object.values(entry.GlobalSecondaryIndexes ?? {}).reduce(
      (sum, i) => sum + (i.CapacityUnits ?? 0),
      0,
    );
    const table = entry.Table?.CapacityUnits ?? (entry.CapacityUnits ?? 0) - indexes;
    units += table + (command === "TransactWriteItemsCommand" ? indexes / 2 : indexes);
  }
  if ((command === "QueryCommand" || command === "GetItemCommand") && units === 0) return 0.5;
  return units;
}

function loaded(): Runtime {
  if (!runtime) throw new Error("The data layer is not loaded: await Dynamo.ready() first (fn() and the API do)");
  return runtime;
}

function buildClient(): DynamoDBClient {
  const endpoint = Config.get("dynamoEndpoint");
  const created = new (loaded().DynamoDBClient)({
    region: Config.get("region"),
    ...(endpoint ? { endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" }, maxAttempts: 3 } : {}),
  });
  // Counts operations (not HTTP attempts) and the capacity units each consumed, indexes
  // included: the figures benchmarks and tests compare, and what AWS bills.
  created.middlewareStack.add(
    (next, context) => async (args) => {
      meter.requests++;
      const input = args.input as { ReturnConsumedCapacity?: string };
      const command = context.commandName ?? "";
      if (billable.has(command)) input.ReturnConsumedCapacity ??= "INDEXES";
      const result = await next(args);
      const units = billed(command, (result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity);
      if (writeCommands.has(command)) meter.writeUnits += units;
      else meter.readUnits += units;
      return result;
    },
    { step: "initialize", name: "outdeskMeter" },
  );
  return created;
}

/** Forwards to the current client, so configuration can change (tests, local stack) after import. */
const forwardingClient = {
  send: (...args: Parameters<DynamoDBClient["send"]>) => {
    client ??= buildClient();
    return client.send(...args);
  },
};

function tableName(): string | undefined {
  try {
    return Config.get("tableName");
  } catch {
    return undefined;
  }
}

let service: OutdeskService | undefined;
const outdesk = () => {
  // Entities are built (and schema-checked by ElectroDB) on first use, not at import.
  service ??= loaded().buildService(forwardingClient as unknown as DynamoDBClient, tableName());
  return service;
};

/** The ElectroDB service over the one table. */
export const Outdesk = {
  get entities() {
    return outdesk().entities;
  },
  get transaction() {
    return outdesk().transaction;
  },
};

Config.onChange(() => {
  client?.destroy();
  client = undefined;
  const table = tableName();
  if (table && service) service.setTableName(table);
});

export namespace Dynamo {
  /**
   * Loads the SDK client, ElectroDB and the entities, once. Every operation built with fn(), the
   * API (before its routes) and each entry point (CLI, timers, local stack, tests) await it.
   */
  /** Whether the data layer has loaded (then `ready()` need not be awaited). */
  export function isReady(): boolean {
    return runtime !== undefined;
  }

  export function ready(): Promise<void> {
    if (runtime) return Promise.resolve();
    loading ??= import("./dynamo-runtime").then((module) => {
      runtime = module;
      return module;
    });
    return loading.then(() => undefined);
  }

  /** SDK command classes, for requests ElectroDB cannot express. */
  export function commands() {
    const { BatchGetItemCommand, GetItemCommand, QueryCommand } = loaded();
    return { BatchGetItemCommand, GetItemCommand, QueryCommand };
  }

  /** The raw client, for table administration and requests ElectroDB cannot express. */
  export function raw(): DynamoDBClient {
    client ??= buildClient();
    return client;
  }

  export function table(): string {
    return Config.get("tableName");
  }

  export interface Usage {
    requests: number;
    readUnits: number;
    writeUnits: number;
  }

  /** Runs `work` and returns how many DynamoDB operations it sent and the capacity they consumed. */
  export async function measure<T>(work: () => Promise<T>): Promise<{ result: T } & Usage> {
    const before = { ...meter };
    const result = await work();
    return {
      result,
      requests: meter.requests - before.requests,
      readUnits: meter.readUnits - before.readUnits,
      writeUnits: meter.writeUnits - before.writeUnits,
    };
  }
}
