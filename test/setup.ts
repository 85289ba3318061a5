import { randomUUID } from "node:crypto";
import { Config } from "@outdesk/core/config";
import { Dynamo } from "@outdesk/core/dynamo";
import { Log } from "@outdesk/core/log";
import { ensureBuckets } from "@outdesk/local/mail/s3";
import { LOCAL_MAIL_DOMAIN } from "@outdesk/local/paths";
import { ensureTable } from "@outdesk/local/table";
import { afterAll, beforeAll, inject } from "vitest";

/** Every test file gets its own table in the shared DynamoDB Local, and its own buckets in s3rver. */
const fileId = randomUUID();
const tableName = `test-${fileId}`;
const buckets = { rawMail: `raw-${fileId}`, attachments: `att-${fileId}` };
Config.configure({
  s3Endpoint: inject("s3Endpoint"),
  sesEndpoint: inject("sesEndpoint"),
  rawMailBucket: buckets.rawMail,
  attachmentsBucket: buckets.attachments,
  mailDomain: LOCAL_MAIL_DOMAIN,
  dynamoEndpoint: inject("dynamoEndpoint"),
  signingKey: inject("signingKey"),
  tableName,
  region: "us-east-1",
  signup: "open",
});
Log.setQuiet(true);

await Dynamo.ready();

beforeAll(async () => {
  await Promise.all([ensureTable(Dynamo.raw(), tableName), ensureBuckets(buckets)]);
});

// The in-memory DynamoDB Local would hold every file's table until the run ends: each is dropped
// when its file is done, so the JVM's memory stays flat over the run.
afterAll(async () => {
  const { DeleteTableCommand } = await import("@aws-sdk/client-dynamodb");
  await Dynamo.raw()
    .send(new DeleteTableCommand({ TableName: tableName }))
    .catch(() => undefined);
});
