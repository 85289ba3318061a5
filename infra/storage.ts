import { globalIndexNames, keyAttributes, Table } from "../packages/core/src/table";

/**
 * The single table, built from the same definition as DynamoDB Local and the tests. Point-in-time
 * recovery is on (SST's default), TTL expires sessions and rate-limit windows, and the stream
 * feeds later consumers (SLA rollups, audit export).
 */
export const table = new sst.aws.Dynamo("Table", {
  fields: Object.fromEntries(keyAttributes().map((name) => [name, "string" as const])),
  primaryIndex: { hashKey: Table.partitionKey, rangeKey: Table.sortKey },
  globalIndexes: Object.fromEntries(
    globalIndexNames.map((name) => {
      const { hashKey, rangeKey, projection } = Table.globalIndexes[name];
      return [name, { hashKey, rangeKey, projection: typeof projection === "string" ? projection : [...projection] }];
    }),
  ),
  ttl: Table.ttlAttribute,
  stream: Table.stream,
  deletionProtection: $app.stage === "production",
});

/** Raw inbound MIME, as SES stores it. Expires after 90 days; parsed content lives in the table. */
export const rawMail = new sst.aws.Bucket("RawMail", {
  transform: {
    bucket: { forceDestroy: $app.stage !== "production" },
  },
});

new aws.s3.BucketLifecycleConfigurationV2("RawMailExpiry", {
  bucket: rawMail.name,
  rules: [{ id: "expire-raw-mail", status: "Enabled", expiration: { days: 90 } }],
});

/** Attachments under tenant-prefixed keys (provider/client/ticket/…), served through signed URLs. */
export const attachments = new sst.aws.Bucket("Attachments", {
  transform: {
    bucket: { forceDestroy: $app.stage !== "production" },
  },
});
