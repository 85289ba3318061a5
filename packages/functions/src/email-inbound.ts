import { Dynamo } from "@outdesk/core/dynamo";
import { Inbound } from "@outdesk/core/email";
import type { SesReceiptEvent } from "@outdesk/core/email/ses-event";

/**
 * SES receipt rule → Lambda (Event invocation), after the S3 action stored the raw MIME. Each
 * record is handled on its own; a failure throws so Lambda retries the event (twice) and then
 * hands it to the dead-letter queue. Handling a record again changes nothing it already did.
 */
export async function handler(event: SesReceiptEvent) {
  await Dynamo.ready();
  const results = [];
  for (const record of event.Records) results.push(await Inbound.receive(record));
  return { results };
}
