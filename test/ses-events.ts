import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { MailKey } from "@outdesk/core/email/delivery";

/**
 * SES event-publishing records as SES sends them to SNS (test/fixtures/ses-events/*.json, shaped
 * after the records in the SES developer guide), pointed at one of our outbound mails, and the
 * SNS → Lambda envelope they arrive in.
 */
export type SesFixture =
  | "send"
  | "delivery"
  | "bounce-permanent"
  | "bounce-transient"
  | "complaint"
  | "reject"
  | "delivery-delay"
  | "rendering-failure"
  | "open";

const dir = join(import.meta.dirname, "fixtures/ses-events");
const load = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"));

const FIXTURE_RECIPIENT = "riley@customer.example";

/**
 * A fixture record for `mail` (its tags carry the mail's key, as SendEmail's EmailTags do),
 * with SES's message id and the recipient replaced; `tags: null` leaves ours out.
 */
export function sesRecord(
  name: SesFixture,
  options: { mail?: MailKey; tags?: Record<string, string[]> | null; sesMessageId?: string; recipient?: string } = {},
) {
  let text = JSON.stringify(load(name));
  if (options.recipient) text = text.replaceAll(FIXTURE_RECIPIENT, options.recipient);
  const record = JSON.parse(text);
  if (options.sesMessageId) record.mail.messageId = options.sesMessageId;
  const ses = Object.fromEntries(Object.entries(record.mail.tags).filter(([tag]) => tag.startsWith("ses:")));
  if (options.tags === null) record.mail.tags = ses;
  else if (options.tags) record.mail.tags = { ...ses, ...options.tags };
  else if (options.mail) {
    const { providerId, clientId, ticketId, mailId } = options.mail;
    record.mail.tags = { ...ses, p: [providerId], c: [clientId], t: [ticketId], o: [mailId] };
  }
  return record;
}

let sequence = 0;

/** The SNS → Lambda event carrying `messages` (SES records, or raw strings), one record each. */
export function snsEvent(...messages: unknown[]) {
  const envelope = load("sns-envelope");
  const template = envelope.Records[0];
  return {
    Records: messages.map((message) => ({
      ...template,
      Sns: {
        ...template.Sns,
        MessageId: `95df01b4-ee98-5cb9-9903-${String(++sequence).padStart(12, "0")}`,
        Message: typeof message === "string" ? message : JSON.stringify(message),
      },
    })),
  };
}
