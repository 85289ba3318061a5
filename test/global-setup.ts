import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSigningKey } from "@outdesk/core/auth";
import { startDynamo } from "@outdesk/local/dynamo-local";
import { freePort } from "@outdesk/local/errors";
import { startS3 } from "@outdesk/local/mail/s3";
import { startSes } from "@outdesk/local/mail/ses";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    signingKey: string;
    s3Endpoint: string;
    sesEndpoint: string;
  }
}

/**
 * One DynamoDB Local (in memory), one s3rver (in a temporary directory) and one local SES for the
 * whole run; each test file creates its own table and buckets. The SES store is shared: tests find
 * their mail by the MessageId SendEmail returned, or by recipient.
 */
export default async function setup(project: TestProject) {
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
  return async () => {
    await Promise.all([dynamo.stop(), s3.stop(), ses.stop()]);
    rmSync(s3Directory, { recursive: true, force: true });
  };
}
