import { randomUUID } from "node:crypto";
import { Aws } from "@outdesk/core/aws";
import { Config } from "@outdesk/core/config";
import { rawMailKey } from "@outdesk/core/email/ses-event";
import { handler } from "@outdesk/functions/email-inbound";
import { type SentMail, sentMail } from "@outdesk/local/mail/ses";
import { sesReceiptEvent, type Verdicts } from "@outdesk/local/mail/smtp";
import PostalMime from "postal-mime";

export interface MailParts {
  from: string;
  to: string[];
  cc?: string[];
  subject: string;
  text?: string;
  html?: string;
  messageId?: string | null;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
  date?: Date;
}

/** A plain RFC 5322 message, the way a simple mailer writes one. */
export function rawMail(parts: MailParts): string {
  const lines = [
    `From: ${parts.from}`,
    `To: ${parts.to.join(", ")}`,
    ...(parts.cc?.length ? [`Cc: ${parts.cc.join(", ")}`] : []),
    `Subject: ${parts.subject}`,
    `Date: ${(parts.date ?? new Date()).toUTCString()}`,
    ...(parts.messageId === null ? [] : [`Message-ID: ${parts.messageId ?? `<${randomUUID()}@mailer.example>`}`]),
    ...(parts.inReplyTo ? [`In-Reply-To: ${parts.inReplyTo}`] : []),
    ...(parts.references?.length ? [`References: ${parts.references.join(" ")}`] : []),
    ...Object.entries(parts.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    "MIME-Version: 1.0",
  ];
  if (parts.html) {
    const boundary = `b-${randomUUID()}`;
    lines.push(
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      "",
      `--${boundary}`,
      "Content-Type: text/plain; charset=utf-8",
      "",
      parts.text ?? "",
      `--${boundary}`,
      "Content-Type: text/html; charset=utf-8",
      "",
      parts.html,
      `--${boundary}--`,
      "",
    );
  } else {
    lines.push("Content-Type: text/plain; charset=utf-8", "", parts.text ?? "");
  }
  return lines.join("\r\n");
}

/**
 * Delivers raw mail the way SES does: the raw object where the receipt rule's S3 action puts
 * it, then the inbound Lambda handler with the receipt event. Returns the handler's result.
 */
export async function deliverMail(
  raw: string | Uint8Array,
  options: { recipients: string[]; source?: string; verdicts?: Partial<Verdicts>; sesMessageId?: string },
) {
  const bytes = typeof raw === "string" ? new TextEncoder().encode(raw) : raw;
  const messageId = options.sesMessageId ?? `test${randomUUID().replace(/-/g, "")}`;
  await Aws.putObject(Config.get("rawMailBucket"), rawMailKey(messageId), bytes);
  const event = sesReceiptEvent({
    raw: bytes,
    messageId,
    source: options.source ?? "sender@mailer.example",
    recipients: options.recipients,
    receivedAt: new Date(),
    verdicts: options.verdicts,
  });
  const { results } = await handler(event);
  return { ...results[0]!, event, sesMessageId: messageId };
}

export interface Sent extends SentMail {
  parsed: Awaited<ReturnType<typeof PostalMime.parse>>;
  header(name: string): string | undefined;
}

/** Mail the local SES accepted since `since` (epoch seconds), parsed. */
export async function sentSince(since: number, to?: string): Promise<Sent[]> {
  const mails = await sentMail(Config.get("sesEndpoint")!, { since });
  const parsed: Sent[] = [];
  for (const mail of mails) {
    if (!mail.raw) continue;
    const email = await PostalMime.parse(mail.raw);
    const entry: Sent = {
      ...mail,
      parsed: email,
      header: (name) => email.headers.find((h) => h.key === name.toLowerCase())?.value,
    };
    if (!to || [...mail.envelope.to, ...mail.envelope.cc].includes(to)) parsed.push(entry);
  }
  return parsed;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
