import { RAW_MAIL_PREFIX } from "../packages/core/src/email/ses-event";
import { globalIndexNames, keyAttributes, Table } from "../packages/core/src/table";
import { mail } from "./secrets";

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

const account = aws.getCallerIdentityOutput().accountId;
const region = aws.getRegionOutput().name;
const partition = aws.getPartitionOutput().partition;

/** Raw inbound MIME, as SES stores it. Expires after 90 days; parsed content lives in the table. */
export const rawMail = new sst.aws.Bucket("RawMail", {
  // The receipt rule's S3 action (infra/email.ts) writes under inbound/, as this account's rule only.
  policy: [
    {
      principals: [{ type: "service", identifiers: ["ses.amazonaws.com"] }],
      actions: ["s3:PutObject"],
      paths: [`${RAW_MAIL_PREFIX}*`],
      conditions: [
        { test: "StringEquals", variable: "aws:SourceAccount", values: [account] },
        {
          test: "StringEquals",
          variable: "aws:SourceArn",
          values: [
            $interpolate`arn:${partition}:ses:${region}:${account}:receipt-rule-set/${mail.receiptRuleSet}:receipt-rule/${mail.receiptRule}`,
          ],
        },
      ],
    },
  ],
  transform: {
    bucket: { forceDestroy: $app.stage !== "production" },
  },
});

new aws.s3.BucketLifecycleConfigurationV2("RawMailExpiry", {
  bucket: rawMail.name,
  rules: [{ id: "expire-raw-mail", status: "Enabled", expiration: { days: 90 } }],
});

/**
 * Attachments under tenant-prefixed keys (provider/client/ticket/…), served through signed URLs.
 * Its CORS rule (the console's origin only) comes with the router: see allowConsoleUploads.
 */
export const attachments = new sst.aws.Bucket("Attachments", {
  cors: false,
  transform: {
    bucket: { forceDestroy: $app.stage !== "production" },
  },
});

/** Uploads wait under uploads/ until a message claims (copies) them; unclaimed ones go after a day. */
new aws.s3.BucketLifecycleConfigurationV2("AttachmentUploadsExpiry", {
  bucket: attachments.name,
  rules: [
    { id: "expire-unclaimed-uploads", status: "Enabled", filter: { prefix: "uploads/" }, expiration: { days: 1 } },
  ],
});

/**
 * The console PUTs uploads and reads inline images straight from the bucket with presigned URLs:
 * CORS lets its origin (and no other) do so. Called by infra/web.ts, which knows the origin.
 */
export function allowConsoleUploads(consoleUrl: $util.Input<string>) {
  return new aws.s3.BucketCorsConfigurationV2("AttachmentsCors", {
    bucket: attachments.name,
    corsRules: [
      {
        allowedOrigins: [$util.output(consoleUrl).apply((url) => new URL(url).origin)],
        allowedMethods: ["PUT", "GET", "HEAD"],
        allowedHeaders: ["content-type"],
        exposeHeaders: ["ETag"],
        maxAgeSeconds: 3600,
      },
    ],
  });
}

/** Where presigned attachment URLs point (virtual-hosted style), for the console's CSP. */
export const attachmentsOrigin = $interpolate`https://${attachments.name}.s3.${aws.getRegionOutput().name}.amazonaws.com`;
