import { join } from "node:path";
import { Config } from "@outdesk/core/config";
import { Dynamo } from "@outdesk/core/dynamo";
import { startDynamo } from "./dynamo-local";
import { LocalStackError } from "./errors";
import { dataDir, LOCAL_TABLE, localSigningKey, writeStackInfo } from "./paths";
import { DEMO_PASSWORD, DEMO_PROVIDER, demoLogins, seedDemo } from "./seed";
import { startServer } from "./server";
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
  const dynamo = await startDynamo({ port: dynamoPort, dataDir: join(dataDir, "dynamodb") });
  const stops: (() => Promise<void>)[] = [dynamo.stop];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  const shutdown = () => stopAll().then(() => process.exit(0));
  try {
    Config.configure({
      dynamoEndpoint: dynamo.endpoint,
      tableName: LOCAL_TABLE,
      region: "us-east-1",
      signingKey: await localSigningKey(),
      signup: process.env.OUTDESK_SIGNUP === "closed" ? "closed" : "open",
    });
    await Dynamo.ready();
    const table = await ensureTable(Dynamo.raw(), LOCAL_TABLE);
    const seeded = await seedDemo();
    const server = await startServer(apiPort);
    stops.push(server.close);
    stops.push(startTimers());
    writeStackInfo({ dynamoEndpoint: dynamo.endpoint, tableName: LOCAL_TABLE, apiUrl: server.url });
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
