import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateSigningKey } from "@outdesk/core/auth";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const dataDir = process.env.OUTDESK_DATA_DIR ?? join(repoRoot, ".data");
export const webDist = join(repoRoot, "packages/web/dist");
export const LOCAL_TABLE = "outdesk-local";

/** What a running stack tells the CLI: where its DynamoDB is and which table to use. */
export interface StackInfo {
  dynamoEndpoint: string;
  tableName: string;
  apiUrl: string;
}

const stackFile = () => join(dataDir, "stack.json");

export function writeStackInfo(info: StackInfo) {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(stackFile(), `${JSON.stringify(info, null, 2)}\n`);
}

export function readStackInfo(): StackInfo | undefined {
  return existsSync(stackFile()) ? (JSON.parse(readFileSync(stackFile(), "utf8")) as StackInfo) : undefined;
}

/** The local signing key, generated once and kept (mode 600) so logins survive restarts. */
export async function localSigningKey(): Promise<string> {
  const file = join(dataDir, "signing-key.json");
  if (existsSync(file)) return readFileSync(file, "utf8");
  mkdirSync(dataDir, { recursive: true });
  const key = await generateSigningKey();
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}
