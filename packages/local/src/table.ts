import {
  type AttributeDefinition,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
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
 * caller seeds it again. Safe to run every start.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<"created" | "updated" | "rebuilt" | "ok"> {
  let existing: Awaited<ReturnType<typeof describe>> | undefined;
  try {
    existing = await describe(client, tableName);
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const wanted = new Map(globalIndexNames.map((name) => [name, shape(globalIndex(name))]));
  const present = existing?.GlobalSecondaryIndexes ?? [];
  const stale = present.some((index) => wanted.get(index.IndexName as GlobalIndexName) !== shape(index));
  if (existing && stale) {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    existing = undefined;
  }
  if (!existing) {
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
    await enableTtl(client, tableName);
    return stale ? "rebuilt" : "created";
  }
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
  }
  return missing.length > 0 ? "updated" : "ok";
}

async function describe(client: DynamoDBClient, tableName: string) {
  const { Table: table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  return table;
}

async function enableTtl(client: DynamoDBClient, tableName: string) {
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { Enabled: true, AttributeName: Table.ttlAttribute },
    }),
  );
}
