import { Delivery, type DeliveryOutcome } from "@outdesk/core/email/delivery";
import { Log } from "@outdesk/core/log";

/** The SNS → Lambda event, as far as this handler reads it. */
export interface SnsEvent {
  Records: { EventSource?: string; Sns: { MessageId: string; TopicArn?: string; Message: string } }[];
}

/**
 * SES event publishing (configuration set → SNS topic → here): each record's message is one SES
 * event record, applied by core. A record that is not JSON is logged and skipped; a storage
 * failure throws, so Lambda retries the event (twice) before its dead-letter queue.
 */
export async function handler(event: SnsEvent) {
  const results: DeliveryOutcome[] = [];
  for (const record of event.Records) {
    let message: unknown;
    try {
      message = JSON.parse(record.Sns.Message);
    } catch {
      Log.warn("SNS message is not JSON", { snsMessageId: record.Sns.MessageId });
      results.push({ outcome: "dropped", reason: "not JSON" });
      continue;
    }
    results.push(await Delivery.apply(message));
  }
  return { results };
}
