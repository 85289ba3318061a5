import { Log } from "@outdesk/core/log";
import { sweep } from "@outdesk/core/sla/sweep";

/**
 * Timer (every minute on AWS, a local timer in the stack): records the SLA warnings, breaches
 * and escalations that are due. The scheduled event's time is the clock, so a test can run it
 * at any instant.
 */
export async function handler(event: { time?: string } = {}) {
  const result = await sweep(event.time ? new Date(event.time) : new Date());
  if (result.due > 0) Log.info("SLA swept", { ...result });
  return result;
}
