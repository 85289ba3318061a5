import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Service } from "electrodb";
import { apiKeyEntity } from "./auth/api-key.entity";
import { rateLimitEntity } from "./auth/rate-limit.entity";
import { sessionEntity } from "./auth/session.entity";
import { Config } from "./config";
import { clientEntity } from "./tenancy/client.entity";
import { inboundAddressEntity } from "./tenancy/inbound-address.entity";
import { providerEntity } from "./tenancy/provider.entity";
import { providerSlugEntity } from "./tenancy/provider-slug.entity";
import { uniqueEntity } from "./tenancy/unique.entity";
import { userEntity } from "./tenancy/user.entity";
import { queueStatsEntity } from "./ticket/queue-stats.entity";
import { messageEntity, ticketEntity, ticketEventEntity, ticketTagEntity } from "./ticket/ticket.entity";

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

function buildClient(): DynamoDBClient {
  const endpoint = Config.get("dynamoEndpoint");
  const created = new DynamoDBClient({
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

// Entities are built (and schema-checked by ElectroDB) on first use, not at import: a cold
// start pays for them only when a request needs the table.
function build() {
  return new Service(
    {
      provider: providerEntity(),
      providerSlug: providerSlugEntity(),
      client: clientEntity(),
      inboundAddress: inboundAddressEntity(),
      unique: uniqueEntity(),
      user: userEntity(),
      session: sessionEntity(),
      apiKey: apiKeyEntity(),
      rateLimit: rateLimitEntity(),
      ticket: ticketEntity(),
      message: messageEntity(),
      ticketEvent: ticketEventEntity(),
      ticketTag: ticketTagEntity(),
      queueStats: queueStatsEntity(),
    },
    { client: forwardingClient as unknown as DynamoDBClient, table: tableName() },
  );
}

let service: ReturnType<typeof build> | undefined;
const outdesk = () => {
  service ??= build();
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

  /** Runs `work` and returns how many DynamoDB operations it sent. */
  export async function countRequests<T>(work: () => Promise<T>): Promise<{ result: T; requests: number }> {
    const { result, requests } = await measure(work);
    return { result, requests };
  }
}
