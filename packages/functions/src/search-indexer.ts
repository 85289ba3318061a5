import { Dynamo } from "@outdesk/core/dynamo";
import { Log } from "@outdesk/core/log";
import { indexChanges, type StreamRecord } from "@outdesk/core/search";

/**
 * The table's stream subscriber (infra/search.ts on AWS, packages/local/src/stream.ts locally):
 * re-indexes the tickets a batch of records touched. A failure throws, so the batch is retried.
 */
export async function handler(event: { Records?: StreamRecord[] }) {
  await Dynamo.ready();
  const result = await indexChanges(event.Records ?? []);
  if (result.tickets > 0) Log.info("search indexed", result);
  return result;
}
