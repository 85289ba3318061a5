import { parseArgs } from "node:util";
import { generateSigningKey } from "@outdesk/core/auth";
import { randomSecret } from "@outdesk/core/auth/crypto";
import { Config } from "@outdesk/core/config";
import { Dynamo } from "@outdesk/core/dynamo";
import { OutdeskError } from "@outdesk/core/error";
import { Provider } from "@outdesk/core/tenancy";
import { LOCAL_MAIL_DOMAIN, LOCAL_TABLE, readStackInfo } from "./paths";
import { seedDemo } from "./seed";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const usage = `Usage: npm run cli -- <command> [options]

Commands:
  signup   Create a provider and its first admin
           --name <provider name> --slug <slug> --admin-name <name> --email <admin email> [--password <pw>]
           Without --password a random one is generated and printed.
  seed     Seed the "Northwind Support" demo provider (once)
  keygen   Print a new private signing key (JWK) for the JwtSigningKey secret of a deployed stage

Options:
  --endpoint <url>   DynamoDB endpoint (default: the running local stack's, from .data/stack.json)
  --table <name>     table name (default: the local stack's)
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      slug: { type: "string" },
      "admin-name": { type: "string" },
      email: { type: "string" },
      password: { type: "string" },
      endpoint: { type: "string" },
      table: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(usage);
    return command || values.help ? 0 : 2;
  }
  if (command === "keygen") {
    process.stdout.write(`${await generateSigningKey()}\n`);
    return 0;
  }
  const stack = readStackInfo();
  const endpoint = values.endpoint ?? stack?.dynamoEndpoint;
  if (!endpoint) {
    process.stderr.write("No DynamoDB endpoint: start the stack (npm start) or pass --endpoint.\n");
    return 2;
  }
  Config.configure({
    dynamoEndpoint: endpoint,
    tableName: values.table ?? stack?.tableName ?? LOCAL_TABLE,
    region: "us-east-1",
    // Clients get their default address on it (the seed creates clients).
    mailDomain: stack?.mailDomain ?? LOCAL_MAIL_DOMAIN,
  });
  await Dynamo.ready();

  if (command === "signup") {
    const password = values.password ?? randomSecret(12);
    const result = await Provider.signup({
      providerName: values.name ?? "",
      providerSlug: values.slug ?? "",
      adminName: values["admin-name"] ?? values.name ?? "",
      adminEmail: values.email ?? "",
      password,
    });
    process.stdout.write(
      `${JSON.stringify({ ...result, login: { provider: values.slug, email: values.email?.toLowerCase(), ...(values.password ? {} : { password }) } }, null, 2)}\n`,
    );
    return 0;
  }
  if (command === "seed") {
    process.stdout.write((await seedDemo()) ? "Demo provider seeded.\n" : "Demo provider already present.\n");
    return 0;
  }
  process.stderr.write(`Unknown command "${command}".\n\n${usage}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof OutdeskError) {
      const issues = (error.details.issues ?? []).map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
      process.stderr.write(`${error.message}\n${issues.join("\n")}\n`);
      process.exit(error.code === "conflict" ? 3 : 2);
    }
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
