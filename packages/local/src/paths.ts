import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateSigningKey } from "@outdesk/core/auth";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const dataDir = process.env.OUTDESK_DATA_DIR ?? join(repoRoot, ".data");
export const webDist = join(repoRoot, "packages/web/dist");
export const LOCAL_TABLE = "outdesk-local";
export const LOCAL_MAIL_DOMAIN = "mail.localhost";

/** What a running stack tells the CLIs: where its servers are and which table and buckets to use. */
export interface StackInfo {
  dynamoEndpoint: string;
  tableName: string;
  apiUrl: string;
  /** Inbound SMTP (the twin of SES receiving). */
  smtpHost: string;
  smtpPort: number;
  /** SES v2 (aws-ses-v2-local); its viewer of sent mail is at `sesViewerUrl`. */
  sesEndpoint: string;
  sesViewerUrl: string;
  /** S3 (s3rver). */
  s3Endpoint: string;
  rawMailBucket: string;
  attachmentsBucket: string;
  mailDomain: string;
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
