import { join } from "node:path";
import { Config } from "@outdesk/core/config";
import { Dynamo } from "@outdesk/core/dynamo";
import { startDynamo } from "./dynamo-local";
import { LocalStackError } from "./errors";
import { ensureBuckets, LOCAL_BUCKETS, startS3 } from "./mail/s3";
import { startSes } from "./mail/ses";
import { startSmtp } from "./mail/smtp";
import { dataDir, LOCAL_MAIL_DOMAIN, LOCAL_TABLE, localSigningKey, writeStackInfo } from "./paths";
import { DEMO_PASSWORD, DEMO_PROVIDER, demoLogins, seedDemo } from "./seed";
import { startServer } from "./server";
import { startSesEvents } from "./ses-events";
import { startSubscribers } from "./subscribers";
import { ensureTable } from "./table";
import { startTimers } from "./timers";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

function port(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new LocalStackError(`${name} must be a port number`);
  return value;
}

async function main() {
  const started = performance.now();
  const apiPort = port("OUTDESK_PORT", 3000);
  const dynamoPort = port("OUTDESK_DYNAMO_PORT", 8000);
  const smtpPort = port("OUTDESK_SMTP_PORT", 2525);
  const sesPort = port("OUTDESK_SES_PORT", 8005);
  const s3Port = port("OUTDESK_S3_PORT", 4569);
  const dynamo = await startDynamo({ port: dynamoPort, dataDir: join(dataDir, "dynamodb") });
  const stops: (() => Promise<void>)[] = [dynamo.stop];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  const shutdown = () => stopAll().then(() => process.exit(0));
  try {
    const s3 = await startS3({ port: s3Port, directory: join(dataDir, "s3") });
    stops.push(s3.stop);
    const ses = await startSes({ port: sesPort });
    stops.push(ses.stop);
    Config.configure({
      s3Endpoint: s3.endpoint,
      sesEndpoint: ses.endpoint,
      rawMailBucket: LOCAL_BUCKETS.rawMail,
      attachmentsBucket: LOCAL_BUCKETS.attachments,
      mailDomain: LOCAL_MAIL_DOMAIN,
      dynamoEndpoint: dynamo.endpoint,
      tableName: LOCAL_TABLE,
      region: "us-east-1",
      signingKey: await localSigningKey(),
      signup: process.env.OUTDESK_SIGNUP === "closed" ? "closed" : "open",
    });
    await Dynamo.ready();
    const table = await ensureTable(Dynamo.raw(), LOCAL_TABLE);
    await ensureBuckets(LOCAL_BUCKETS, [`http://localhost:${apiPort}`, `http://127.0.0.1:${apiPort}`]);
    const seeded = await seedDemo({ history: process.env.OUTDESK_DEMO_HISTORY !== "off" });
    const server = await startServer(apiPort);
    stops.push(server.close);
    const smtp = await startSmtp({ port: smtpPort });
    stops.push(smtp.stop);
    stops.push(startTimers());
    stops.push(startSubscribers({ endpoint: dynamo.endpoint, tableName: LOCAL_TABLE }));
    stops.push(startSesEvents({ sesUrl: ses.endpoint, intervalMs: 1000 }));
    writeStackInfo({
      dynamoEndpoint: dynamo.endpoint,
      tableName: LOCAL_TABLE,
      apiUrl: server.url,
      smtpHost: smtp.host,
      smtpPort: smtp.port,
      sesEndpoint: ses.endpoint,
      sesViewerUrl: ses.viewerUrl,
      s3Endpoint: s3.endpoint,
      rawMailBucket: LOCAL_BUCKETS.rawMail,
      attachmentsBucket: LOCAL_BUCKETS.attachments,
      mailDomain: LOCAL_MAIL_DOMAIN,
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const lines = [
      "",
      `Outdesk is running (ready in ${seconds} s; table ${table === "rebuilt" ? "rebuilt: its data layout was older" : table}, demo data ${seeded ? "seeded" : "already present"})`,
      "",
      `  Web console      ${server.url}/`,
      `  API              ${server.url}/v1`,
      `  API reference    ${server.url}/v1/docs`,
      `  OpenAPI          ${server.url}/v1/openapi.json`,
      `  Health           ${server.url}/health`,
      `  DynamoDB Local   ${dynamo.endpoint}  (data in ${join(dataDir, "dynamodb")})`,
      `  SMTP (inbound)   ${smtp.host}:${smtp.port}  (mail to *@${LOCAL_MAIL_DOMAIN} and the clients' addresses; npm run mail -- --help)`,
      `  Sent mail (SES)  ${ses.viewerUrl}`,
      `  S3 (s3rver)      ${s3.endpoint}  (data in ${join(dataDir, "s3")})`,
      "",
      `Demo logins: provider "${DEMO_PROVIDER}", password "${DEMO_PASSWORD}"`,
      ...demoLogins.map((login) => `  ${login.role.padEnd(15)} ${login.email.padEnd(26)} ${login.scope}`),
      "",
      "Press Ctrl-C to stop.",
      "",
    ];
    process.stdout.write(lines.join("\n"));
    process.once("SIGINT", () => void shutdown());
    process.once("SIGTERM", () => void shutdown());
  } catch (error) {
    await stopAll();
    throw error;
  }
}

main().catch((error: unknown) => {
  if (error instanceof LocalStackError) {
    process.stderr.write(`\nOutdesk could not start: ${error.message}\n\n`);
  } else {
    process.stderr.write(`\nOutdesk could not start:\n${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});
