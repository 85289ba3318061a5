import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSigningKey } from "@outdesk/core/auth";
import { startDynamo } from "@outdesk/local/dynamo-local";
import { freePort } from "@outdesk/local/errors";
import { startS3 } from "@outdesk/local/mail/s3";
import { startSes } from "@outdesk/local/mail/ses";
import { repoRoot } from "@outdesk/local/paths";
import type { TestProject } from "vitest/node";
import { ownDynamoFiles, privateTableFiles } from "./private-tables";

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    signingKey: string;
    s3Endpoint: string;
    sesEndpoint: string;
    /** The table and buckets every file shares unless test/private-tables.ts lists it. */
    shared: { table: string; rawMail: string; attachments: string };
  }
}

/**
 * One DynamoDB Local (in memory), one s3rver (in a temporary directory) and one local SES for the
 * whole run. Test files share one table and one pair of buckets (test/setup.ts creates them);
 * those in test/private-tables.ts get their own. The SES store is shared: tests find their mail
 * by the MessageId SendEmail returned, or by recipient.
 */
export default async function setup(project: TestProject) {
  const stale = [...Object.keys(privateTableFiles), ...Object.keys(ownDynamoFiles)].filter(
    (file) => !existsSync(join(repoRoot, file)),
  );
  if (stale.length > 0) throw new Error(`test/private-tables.ts lists files that do not exist: ${stale.join(", ")}`);
  const s3Directory = mkdtempSync(join(tmpdir(), "outdesk-test-s3-"));
  const [dynamo, s3, ses] = await Promise.all([
    startDynamo({ port: await freePort() }),
    startS3({ port: await freePort(), directory: s3Directory }),
    startSes({ port: await freePort() }),
  ]);
  project.provide("dynamoEndpoint", dynamo.endpoint);
  project.provide("s3Endpoint", s3.endpoint);
  project.provide("sesEndpoint", ses.endpoint);
  project.provide("signingKey", await generateSigningKey());
  // A fresh shared table for each rerun in watch mode, as a new run would have: what an earlier
  // run wrote (global rate-limit counters, fixed names) cannot fail the next.
  let generation = 0;
  const share = () =>
    project.provide("shared", {
      table: `test-shared-${generation}`,
      rawMail: `raw-shared-${generation}`,
      attachments: `att-shared-${generation}`,
    });
  share();
  project.onTestsRerun(() => {
    generation++;
    share();
  });
  return async () => {
    await Promise.all([dynamo.stop(), s3.stop(), ses.stop()]);
    rmSync(s3Directory, { recursive: true, force: true });
  };
}
