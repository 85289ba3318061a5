import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSigningKey } from "@outdesk/core/auth";
import { Config } from "@outdesk/core/config";
import { Dynamo } from "@outdesk/core/dynamo";
import { Log } from "@outdesk/core/log";
import { startDynamo } from "@outdesk/local/dynamo-local";
import { freePort } from "@outdesk/local/errors";
import { ensureBuckets, startS3 } from "@outdesk/local/mail/s3";
import { startSes } from "@outdesk/local/mail/ses";
import { LOCAL_MAIL_DOMAIN } from "@outdesk/local/paths";
import { ensureTable } from "@outdesk/local/table";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/**
 * An in-memory DynamoDB Local with a fresh table, s3rver (in a temporary directory) with fresh
 * buckets and the local SES, configured for core; stop() when done.
 */
export async function benchStack() {
  const s3Directory = mkdtempSync(join(tmpdir(), "outdesk-bench-s3-"));
  const [dynamo, s3, ses] = await Promise.all([
    startDynamo({ port: await freePort() }),
    startS3({ port: await freePort(), directory: s3Directory }),
    startSes({ port: await freePort() }),
  ]);
  const tableName = `bench-${Date.now()}`;
  const buckets = { rawMail: `raw-${Date.now()}`, attachments: `att-${Date.now()}` };
  Config.configure({
    dynamoEndpoint: dynamo.endpoint,
    s3Endpoint: s3.endpoint,
    sesEndpoint: ses.endpoint,
    rawMailBucket: buckets.rawMail,
    attachmentsBucket: buckets.attachments,
    mailDomain: LOCAL_MAIL_DOMAIN,
    tableName,
    region: "us-east-1",
    signingKey: await generateSigningKey(),
    signup: "open",
  });
  Log.setQuiet(true);
  await Dynamo.ready();
  await Promise.all([ensureTable(Dynamo.raw(), tableName), ensureBuckets(buckets)]);
  return {
    endpoint: dynamo.endpoint,
    sesEndpoint: ses.endpoint,
    async stop() {
      await Promise.all([dynamo.stop(), s3.stop(), ses.stop()]);
      rmSync(s3Directory, { recursive: true, force: true });
    },
  };
}

/** Runs `work` against a fresh bench stack when `url` is the module node was started with. */
export async function runIfMain(url: string, work: () => Promise<void>) {
  if (url !== `file://${process.argv[1]}`) return;
  const dynamo = await benchStack();
  try {
    await work();
  } finally {
    await dynamo.stop();
  }
}

export interface Row {
  operation: string;
  /** DynamoDB requests per operation. */
  measured: number;
  target: number;
  note?: string;
  /** Capacity units per operation, as AWS bills them (indexes included). */
  readUnits?: number;
  writeUnits?: number;
}

/** Runs `work` `times` times and returns the mean DynamoDB requests and capacity units per run. */
export async function usagePer(times: number, work: (i: number) => Promise<unknown>): Promise<Dynamo.Usage> {
  const total = { requests: 0, readUnits: 0, writeUnits: 0 };
  for (let i = 0; i < times; i++) {
    const usage = await Dynamo.measure(() => work(i));
    total.requests += usage.requests;
    total.readUnits += usage.readUnits;
    total.writeUnits += usage.writeUnits;
  }
  const mean = (n: number) => Math.round((n / times) * 100) / 100;
  return { requests: mean(total.requests), readUnits: mean(total.readUnits), writeUnits: mean(total.writeUnits) };
}

export function printTable(title: string, rows: Row[]) {
  const width = Math.max(...rows.map((row) => row.operation.length), 9);
  const units = (n: number | undefined) => (n === undefined ? "" : String(n)).padStart(5);
  const lines = [
    title,
    `${"operation".padEnd(width)}  requests  target  ratio    RRU    WRU  note`,
    `${"-".repeat(width)}  --------  ------  -----  -----  -----  ----`,
    ...rows.map(
      (row) =>
        `${row.operation.padEnd(width)}  ${String(row.measured).padStart(8)}  ${String(row.target).padStart(6)}  ${(
          row.measured / row.target
        )
          .toFixed(2)
          .padStart(5)}  ${units(row.readUnits)}  ${units(row.writeUnits)}  ${row.note ?? ""}`,
    ),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
