import { randomUUID } from "node:crypto";
import { relative } from "node:path";
import { Config } from "@outdesk/core/config";
import { Dynamo } from "@outdesk/core/dynamo";
import { Log } from "@outdesk/core/log";
import { startDynamo } from "@outdesk/local/dynamo-local";
import { freePort } from "@outdesk/local/errors";
import { ensureBuckets } from "@outdesk/local/mail/s3";
import { LOCAL_MAIL_DOMAIN, repoRoot } from "@outdesk/local/paths";
import { ensureTable } from "@outdesk/local/table";
import { afterAll, beforeAll, expect, inject } from "vitest";
import { ownDynamoFiles, privateTableFiles } from "./private-tables";

/**
 * Test files share one table and one pair of buckets: DynamoDB Local slows down with every table
 * it has seen (deleted or not), so a table per file cost minutes a run. Files listed in
 * test/private-tables.ts (sweeps and counts over what every tenant shares) get their own, dropped
 * when the file is done.
 */
const testFile = relative(repoRoot, expect.getState().testPath ?? "");
const ownTable = testFile in privateTableFiles || testFile in ownDynamoFiles;
const ownDynamo = testFile in ownDynamoFiles ? await startDynamo({ port: await freePort() }) : undefined;
const fileId = randomUUID();
const { table: tableName, ...buckets } = ownTable
  ? { table: `test-${fileId}`, rawMail: `raw-${fileId}`, attachments: `att-${fileId}` }
  : inject("shared");
Config.configure({
  s3Endpoint: inject("s3Endpoint"),
  sesEndpoint: inject("sesEndpoint"),
  rawMailBucket: buckets.rawMail,
  attachmentsBucket: buckets.attachments,
  mailDomain: LOCAL_MAIL_DOMAIN,
  dynamoEndpoint: ownDynamo?.endpoint ?? inject("dynamoEndpoint"),
  signingKey: inject("signingKey"),
  tableName,
  region: "us-east-1",
  signup: "open",
});
Log.setQuiet(true);

await Dynamo.ready();

// The shared table is created by whichever file comes first (ensureTable tolerates the race
// between workers); for the others this is one DescribeTable.
beforeAll(async () => {
  await Promise.all([ensureTable(Dynamo.raw(), tableName), ensureBuckets(buckets)]);
});

// The in-memory DynamoDB Local would hold every private table until the run ends: each is
// dropped when its file is done, so the JVM's memory stays flat over the run.
afterAll(async () => {
  if (ownDynamo) return ownDynamo.stop();
  if (!ownTable) return;
  const { DeleteTableCommand } = await import("@aws-sdk/client-dynamodb");
  await Dynamo.raw()
    .send(new DeleteTableCommand({ TableName: tableName }))
    .catch(() => undefined);
});
