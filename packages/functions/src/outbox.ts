import { Dynamo } from "@outdesk/core/dynamo";
import { Outbound } from "@outdesk/core/email/outbound";
import { Log } from "@outdesk/core/log";

/**
 * Timer (every minute on AWS, a local timer in the stack): retries outbound mail whose send
 * failed or never ran (a Lambda that stopped after its commit). Reads the outbox index only.
 */
export async function handler(event: { time?: string } = {}) {
  await Dynamo.ready();
  const result = await Outbound.sweep(event.time ? new Date(event.time) : new Date());
  if (result.attempted > 0) Log.info("outbox swept", result);
  return result;
}
