import { randomUUID } from "node:crypto";
import { Config } from "@outdesk/core/config";
import { Dynamo } from "@outdesk/core/dynamo";
import { Log } from "@outdesk/core/log";
import { ensureTable } from "@outdesk/local/table";
import { beforeAll, inject } from "vitest";

/** Every test file gets its own table in the shared DynamoDB Local. */
const tableName = `test-${randomUUID()}`;
Config.configure({
  dynamoEndpoint: inject("dynamoEndpoint"),
  signingKey: inject("signingKey"),
  tableName,
  region: "us-east-1",
  signup: "open",
});
Log.setQuiet(true);

await Dynamo.ready();

beforeAll(async () => {
  await ensureTable(Dynamo.raw(), tableName);
});
