import {
  type AttributeDefinition,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import {
  type GlobalIndexName,
  globalIndexNames,
  indexKeys,
  keyAttributes,
  type Projection,
  Table,
} from "@outdesk/core/table";

function projection(definition: Projection) {
  if (definition === "all") return { ProjectionType: "ALL" as const };
  if (definition === "keys-only") return { ProjectionType: "KEYS_ONLY" as const };
  return { ProjectionType: "INCLUDE" as const, NonKeyAttributes: [...definition] };
}

function globalIndex(name: GlobalIndexName) {
  const { hashKey, rangeKey } = indexKeys(name);
  return {
    IndexName: name,
    KeySchema: [
      { AttributeName: hashKey, KeyType: "HASH" as const },
      { AttributeName: rangeKey, KeyType: "RANGE" as const },
    ],
    Projection: projection(Table.globalIndexes[name].projection),
  };
}

const attributeDefinitions: AttributeDefinition[] = keyAttributes().map((name) => ({
  AttributeName: name,
  AttributeType: "S",
}));

/** An index as DescribeTable reports it, reduced to what must match the definition. */
function shape(index: {
  IndexName?: string;
  KeySchema?: unknown;
  Projection?: { ProjectionType?: string; NonKeyAttributes?: string[] };
}) {
  return JSON.stringify([
    index.IndexName,
    index.KeySchema,
    index.Projection?.ProjectionType,
    [...(index.Projection?.NonKeyAttributes ?? [])].sort(),
  ]);
}

/**
 * Creates the table from the shared definition, or brings an existing one up to date (adds
 * missing GSIs one at a time, as DynamoDB requires). A table whose indexes have another key
 * layout or projection holds data of an older layout: locally it is rebuilt ("rebuilt"), and the
 * caller seeds it again. Safe to run every start, and from several processes at once: a create
 * that loses the race ("in use") waits for the winner's table instead of failing. Returns once
 * the table is ACTIVE.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<"created" | "updated" | "rebuilt" | "ok"> {
  let existing = await describe(client, tableName);
  const wanted = new Map(globalIndexNames.map((name) => [name, shape(globalIndex(name))]));
  const present = existing?.GlobalSecondaryIndexes ?? [];
  const stale = present.some((index) => wanted.get(index.IndexName as GlobalIndexName) !== shape(index));
  if (existing && stale) {
    await client.send(new DeleteTableCommand({ TableName: tableName })).catch(unlessNotFound);
    await waitFor(client, tableName, (table) => table === undefined);
    existing = undefined;
  }
  if (!existing) {
    const created = await create(client, tableName);
    await waitFor(client, tableName, active);
    // A create that lost the race found the winner's table: the winner sets its TTL.
    if (!created) return "ok";
    await enableTtl(client, tableName);
    return stale ? "rebuilt" : "created";
  }
  if (!active(existing)) await waitFor(client, tableName, active);
  const names = new Set(present.map((index) => index.IndexName));
  const missing = globalIndexNames.filter((name) => !names.has(name));
  for (const name of missing) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: attributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: globalIndex(name) }],
      }),
    );
    await waitFor(client, tableName, active);
  }
  return missing.length > 0 ? "updated" : "ok";
}

/** Whether this call created the table; false when another process had just created it. */
async function create(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: attributeDefinitions,
        KeySchema: [
          { AttributeName: Table.partitionKey, KeyType: "HASH" },
          { AttributeName: Table.sortKey, KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: globalIndexNames.map(globalIndex),
        StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ResourceInUseException) return false;
    throw error;
  }
}

function unlessNotFound(error: unknown): undefined {
  if (error instanceof ResourceNotFoundException) return undefined;
  throw error;
}

/** The table as DescribeTable reports it, or undefined when there is none. */
async function describe(client: DynamoDBClient, tableName: string) {
  const reply = await client.send(new DescribeTableCommand({ TableName: tableName })).catch(unlessNotFound);
  return reply?.Table;
}

type TableDescription = Awaited<ReturnType<typeof describe>>;

const active = (table: TableDescription) =>
  table?.TableStatus === "ACTIVE" && (table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === "ACTIVE");

/** Polls DescribeTable until `done` (DynamoDB Local is immediate; AWS takes seconds). */
async function waitFor(client: DynamoDBClient, tableName: string, done: (table: TableDescription) => boolean) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const table = await describe(client, tableName);
    if (done(table)) return;
    if (Date.now() > deadline) throw new Error(`table ${tableName} is still ${table?.TableStatus ?? "absent"}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function enableTtl(client: DynamoDBClient, tableName: string) {
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { Enabled: true, AttributeName: Table.ttlAttribute },
    }),
  );
}
