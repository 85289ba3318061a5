import { randomBytes } from "node:crypto";
import { Aws } from "@outdesk/core/aws";
import { Config } from "@outdesk/core/config";
import { Dynamo, Outdesk } from "@outdesk/core/dynamo";
import {
  rawMailKey,
  type SesReceiptEvent,
  type SesReceiptRecord,
  type SesVerdictStatus,
} from "@outdesk/core/email/ses-event";
import { Log } from "@outdesk/core/log";
import { decodeWords } from "postal-mime";
import { SMTPServer, type SMTPServerSession } from "smtp-server";
import { assertPortFree } from "../errors";
import { type HeaderField, headerValues, mailboxes, parseHeaders } from "./headers";

/** SES receiving's message size limit, headers included. */
export const SES_MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

/** The inbound Lambda's shape: functions/src/email-inbound.ts `handler`. */
export type InboundHandler = (event: SesReceiptEvent) => Promise<unknown>;

export interface Verdicts {
  spam: SesVerdictStatus;
  virus: SesVerdictStatus;
  spf: SesVerdictStatus;
  dkim: SesVerdictStatus;
  dmarc: SesVerdictStatus;
}

/**
 * Nothing scans or authenticates mail locally, so every verdict says so: DISABLED, neither a PASS
 * nobody checked nor a FAIL. Tests that need FAIL pass `verdicts`.
 */
export const LOCAL_VERDICTS: Verdicts = {
  spam: "DISABLED",
  virus: "DISABLED",
  spf: "DISABLED",
  dkim: "DISABLED",
  dmarc: "DISABLED",
};

/** The address a routing item is keyed by: lower-cased, without a +tag. */
export function routingAddress(address: string): string {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf("@");
  if (at < 0) return lower;
  const local = lower.slice(0, at).split("+", 1)[0];
  return `${local}@${lower.slice(at + 1)}`;
}

/** An id shaped like SES's inbound message ids (40 characters of [a-z0-9]). */
export function sesMessageId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(randomBytes(40), (byte) => alphabet[byte % alphabet.length]).join("");
}

/** The header bytes SES's S3 action adds in front of what the sender sent (trace fields). */
function traceHeaders(options: {
  source: string;
  recipients: string[];
  messageId: string;
  receivedAt: Date;
  session: Pick<SMTPServerSession, "hostNameAppearsAs" | "clientHostname" | "remoteAddress">;
}): string {
  const { session } = options;
  const date = options.receivedAt.toUTCString().replace("GMT", "+0000");
  const only = options.recipients.length === 1 ? ` for ${options.recipients[0]}` : "";
  return (
    `Return-Path: <${options.source}>\r\n` +
    `Received: from ${session.hostNameAppearsAs || "unknown"} (${session.clientHostname} [${session.remoteAddress}])` +
    ` by ${Config.get("mailDomain")} (Outdesk local SMTP) with SMTP id ${options.messageId}${only}; ${date}\r\n`
  );
}

/** SES keeps the event small: past 10 KB of header fields it stops listing them and says so. */
const EVENT_HEADER_BYTES = 10 * 1024;

const display = (mailbox: { name: string; address: string }) =>
  mailbox.name ? `${mailbox.name} <${mailbox.address}>` : mailbox.address;

/**
 * The event SES's receipt rule gives the Lambda action for a message it stored at
 * `rawMailKey(messageId)`. `raw` is the stored object (trace fields included).
 */
export function sesReceiptEvent(options: {
  raw: Uint8Array;
  messageId: string;
  source: string;
  recipients: string[];
  receivedAt: Date;
  verdicts?: Partial<Verdicts>;
}): SesReceiptEvent {
  const fields = parseHeaders(options.raw);
  const listed: HeaderField[] = [];
  let bytes = 0;
  for (const field of fields) {
    bytes += field.name.length + field.value.length;
    if (bytes > EVENT_HEADER_BYTES) break;
    listed.push(field);
  }
  const first = (name: string) => headerValues(fields, name)[0];
  const addresses = (name: string) => mailboxes(fields, name).map(display);
  const cc = addresses("cc");
  const subject = first("subject");
  const verdicts = { ...LOCAL_VERDICTS, ...options.verdicts };
  const timestamp = options.receivedAt.toISOString();
  const record: SesReceiptRecord = {
    eventSource: "aws:ses",
    eventVersion: "1.0",
    ses: {
      mail: {
        timestamp,
        source: options.source,
        messageId: options.messageId,
        destination: mailboxes(fields, "to", "cc").map((mailbox) => mailbox.address),
        headersTruncated: listed.length < fields.length,
        headers: listed,
        commonHeaders: {
          returnPath: options.source,
          from: addresses("from"),
          to: addresses("to"),
          ...(cc.length > 0 ? { cc } : {}),
          ...(first("date") === undefined ? {} : { date: first("date") }),
          ...(first("message-id") === undefined ? {} : { messageId: first("message-id") }),
          ...(subject === undefined ? {} : { subject: decodeWords(subject) }),
        },
      },
      receipt: {
        timestamp,
        processingTimeMillis: Math.max(0, Date.now() - options.receivedAt.getTime()),
        recipients: options.recipients,
        spamVerdict: { status: verdicts.spam },
        virusVerdict: { status: verdicts.virus },
        spfVerdict: { status: verdicts.spf },
        dkimVerdict: { status: verdicts.dkim },
        dmarcVerdict: { status: verdicts.dmarc },
        action: {
          type: "Lambda",
          functionArn: "arn:aws:lambda:us-east-1:000000000000:function:outdesk-local-email-inbound",
          invocationType: "Event",
        },
      },
    },
  };
  return { Records: [record] };
}

export interface SmtpOptions {
  port: number;
  /** What SES invokes; the real inbound Lambda handler unless a test injects one. */
  handler?: InboundHandler;
  /** Defaults to SES's 40 MB. */
  maxBytes?: number;
  /**
   * Waits before each retry of a failed invocation. Lambda retries an Event invocation twice (after
   * about 1 and 2 minutes); locally 1 and 2 seconds, so a failure shows up while you watch.
   */
  retryDelaysMs?: readonly number[];
  verdicts?: Partial<Verdicts>;
}

export interface RunningSmtp {
  host: string;
  port: number;
  /** Resolves once every accepted message's handler invocations (retries included) are over. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

const smtpError = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

/** Whether SES would take mail for this recipient: any address on the mail domain, or a routed one. */
async function acceptsRecipient(address: string): Promise<boolean> {
  const routed = routingAddress(address);
  if (routed.endsWith(`@${Config.get("mailDomain").toLowerCase()}`)) return true;
  await Dynamo.ready();
  const { data } = await Outdesk.entities.inboundAddress.get({ address: routed }).go();
  return data !== null;
}

const realHandler: InboundHandler = async (event) => (await import("@outdesk/functions/email-inbound")).handler(event);

/**
 * The local twin of SES receiving on 127.0.0.1 (no TLS, no AUTH: a development inbox only).
 * Recipients are refused (550) unless SES would take them. An accepted message is stored at
 * `rawMailKey(<new SES-like id>)` in the raw-mail bucket before the 250, then the handler gets the
 * SES receipt event asynchronously, as the receipt rule's Event invocation does: a failure is
 * logged and retried twice, never reported to the sender.
 */
export async function startSmtp(options: SmtpOptions): Promise<RunningSmtp> {
  await assertPortFree(options.port, "SMTP");
  const handler = options.handler ?? realHandler;
  const retryDelays = options.retryDelaysMs ?? [1_000, 2_000];
  const maxBytes = options.maxBytes ?? SES_MAX_MESSAGE_BYTES;
  const pending = new Set<Promise<void>>();
  let stopped = false;

  const invoke = async (event: SesReceiptEvent) => {
    const { messageId } = event.Records[0]!.ses.mail;
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(event);
        return;
      } catch (error) {
        const delay = retryDelays[attempt - 1];
        const fields = { messageId, key: rawMailKey(messageId), attempt, error: (error as Error).message };
        if (delay === undefined || stopped) {
          Log.error("inbound mail handler failed, giving up (on AWS: the dead-letter queue)", fields);
          return;
        }
        Log.warn("inbound mail handler failed, retrying", { ...fields, inMs: delay });
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  };

  const deliver = async (message: Buffer, session: SMTPServerSession) => {
    const receivedAt = new Date();
    const messageId = sesMessageId();
    const source = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
    const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address);
    const raw = Buffer.concat([
      Buffer.from(traceHeaders({ source, recipients, messageId, receivedAt, session })),
      message,
    ]);
    await Aws.putObject(Config.get("rawMailBucket"), rawMailKey(messageId), raw);
    const event = sesReceiptEvent({ raw, messageId, source, recipients, receivedAt, verdicts: options.verdicts });
    const run = new Promise<void>((resolve) => setImmediate(resolve)).then(() => invoke(event));
    pending.add(run);
    void run.finally(() => pending.delete(run));
    return messageId;
  };

  const server = new SMTPServer({
    name: Config.get("mailDomain"),
    banner: "Outdesk local SMTP (the twin of SES receiving)",
    disabledCommands: ["AUTH", "STARTTLS"],
    hideSTARTTLS: true,
    authOptional: true,
    disableReverseLookup: true,
    size: maxBytes,
    rejectOversized: true,
    logger: false,
    closeTimeout: 1_000,
    onRcptTo(address, _session, callback) {
      acceptsRecipient(address.address).then(
        (accepted) =>
          callback(accepted ? null : smtpError(550, `5.1.1 <${address.address}>: no mailbox here by that name`)),
        (error: Error) => callback(smtpError(451, `4.3.0 recipient lookup failed: ${error.message}`)),
      );
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => {
        if (!stream.sizeExceeded) chunks.push(chunk);
      });
      stream.on("end", () => {
        if (stream.sizeExceeded) return callback(smtpError(552, `5.3.4 message exceeds ${maxBytes} bytes`));
        deliver(Buffer.concat(chunks), session).then(
          (messageId) => callback(null, `OK: stored as ${messageId}`),
          (error: Error) => {
            Log.error("inbound mail could not be stored", { error: error.message });
            callback(smtpError(451, `4.3.0 could not store the message: ${error.message}`));
          },
        );
      });
    },
  });
  server.on("error", (error) => Log.error("SMTP server error", { error: error.message }));
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => {
      server.server.off("error", reject);
      resolve();
    });
  });
  return {
    host: "127.0.0.1",
    port: options.port,
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    stop() {
      stopped = true;
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
