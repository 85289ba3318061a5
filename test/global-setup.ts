import { generateSigningKey } from "@outdesk/core/auth";
import { startDynamo } from "@outdesk/local/dynamo-local";
import { freePort } from "@outdesk/local/errors";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    signingKey: string;
  }
}

/** One DynamoDB Local (in memory) for the whole run; each test file creates its own table. */
export default async function setup(project: TestProject) {
  const dynamo = await startDynamo({ port: await freePort() });
  project.provide("dynamoEndpoint", dynamo.endpoint);
  project.provide("signingKey", await generateSigningKey());
  return () => dynamo.stop();
}
