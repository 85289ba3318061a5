import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { indexKeys, keyAttributes, Table } from "@outdesk/core/table";

function globalIndex(name: (typeof Table.globalIndexes)[number]) {
  const { hashKey, rangeKey } = indexKeys(name);
  return {
    IndexName: name,
    KeySchema: [
      { AttributeName: hashKey, KeyType: "HASH" as const },
      { AttributeName: rangeKey, KeyType: "RANGE" as const },
    ],
    Projection: { ProjectionType: "ALL" as const },
  };
}

const attributeDefinitions: AttributeDefinition[] = keyAttributes().map((name) => ({
  AttributeName: name,
  AttributeType: "S",
}));

/**
 * Creates the table from the shared definition, or brings an existing one up to date (adds
 * missing GSIs one at a time, as DynamoDB requires, and enables TTL). Safe to run every start.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<"created" | "updated" | "ok"> {
  let existing: Awaited<ReturnType<typeof describe>> | undefined;
  try {
    existing = await describe(client, tableName);
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
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
        GlobalSecondaryIndexes: Table.globalIndexes.map(globalIndex),
        StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
      }),
    );
    await enableTtl(client, tableName);
    return "created";
  }
  const present = new Set((existing.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missing = Table.globalIndexes.filter((name) => !present.has(name));
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
