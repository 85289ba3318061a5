import { randomUUID } from "node:crypto";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { Aws } from "@outdesk/core/aws";
import { Config } from "@outdesk/core/config";
import { Dynamo } from "@outdesk/core/dynamo";
import { rawMailKey } from "@outdesk/core/email/ses-event";
import { handler } from "@outdesk/functions/email-inbound";
import { sesReceiptEvent } from "@outdesk/local/mail/smtp";
import PostalMime from "postal-mime";
import { call, expectStatus } from "../test/api";
import { rawMail } from "../test/email";
import { largeMessage } from "../test/mail/corpus";
import { signup } from "../test/world";
import { runIfMain } from "./harness";

/**
 * The inbound mail path on the local stack against its floor on the same machine:
 * - throughput: the whole handler (S3 read, parse, route, thread, attachments, one transaction)
 *   against postal-mime's parse plus one PutItem of the parsed message;
 * - DynamoDB requests and capacity units per new-ticket mail and per reply;
 * - memory: a 25 MB message with 20 attachments, the handler's peak growth ÷ the message size.
 */
export interface InboundReport {
  mails: number;
  floorPerSecond: number;
  oursPerSecond: number;
  ratio: number;
  newTicket: Dynamo.Usage;
  reply: Dynamo.Usage;
  large: { bytes: number; peakGrowth: number; ratio: number };
}

function sampleMail(from: string, to: string, i: number, inReplyTo?: string) {
  const text = `Hello,\n\nOrder ${i} arrived damaged: the box was crushed and two items are broken.\nCan you send replacements?\n\nThanks,\nSam\n\n> quoted history line\n> another line`;
  return rawMail({
    from: `"Sam Sender" <${from}>`,
    to: [to],
    subject: `Damaged order ${i}`,
    text,
    html: `<div dir="ltr"><p>Hello,</p><p>Order ${i} arrived damaged.</p><div class="gmail_quote"><blockquote>old</blockquote></div></div>`,
    inReplyTo,
  });
}

async function stage(raw: string | Uint8Array, recipients: string[]) {
  const bytes = typeof raw === "string" ? new TextEncoder().encode(raw) : raw;
  const messageId = `bench${randomUUID().replace(/-/g, "")}`;
  await Aws.putObject(Config.get("rawMailBucket"), rawMailKey(messageId), bytes);
  return sesReceiptEvent({ raw: bytes, messageId, source: "bench@sender.example", recipients, receivedAt: new Date() });
}

export async function inboundReport(mails = 150): Promise<InboundReport> {
  const admin = await signup(`inbound-bench-${Date.now().toString(36)}`);
  const client = expectStatus(
    await call(admin, "POST", "/v1/clients", { name: "Bench", slug: "bench-mail", timeZone: "UTC" }),
    201,
  ).body;
  const address = client.defaultAddress as string;
  // Acknowledgements off: the comparison is ingestion against ingestion.
  expectStatus(
    await call(admin, "PATCH", `/v1/clients/${client.id}`, { mailSettings: { autoAck: { enabled: false } } }),
    200,
  );

  // Staged first (SES's S3 action is not ours to time).
  const raws = Array.from({ length: mails }, (_, i) => sampleMail(`s${i}@sender.example`, address, i));
  const events = [];
  for (const raw of raws) events.push(await stage(raw, [address]));

  const floorStart = performance.now();
  for (const raw of raws) {
    const parsed = await PostalMime.parse(raw);
    await Dynamo.raw().send(
      new PutItemCommand({
        TableName: Dynamo.table(),
        Item: marshall(
          { pk: `floor#${randomUUID()}`, sk: "m", subject: parsed.subject, text: parsed.text, html: parsed.html },
          { removeUndefinedValues: true },
        ),
      }),
    );
  }
  const floorSeconds = (performance.now() - floorStart) / 1000;

  const oursStart = performance.now();
  for (const event of events) await handler(event);
  const oursSeconds = (performance.now() - oursStart) / 1000;

  const newTicket = await Dynamo.measure(async () =>
    handler(await stage(sampleMail("n@sender.example", address, 1), [address])),
  );
  const opened = newTicket.result.results[0]!.clients[0]!.ticketId!;
  const page = expectStatus(await call(admin, "GET", `/v1/clients/${client.id}/tickets/${opened}`), 200).body;
  const reply = await Dynamo.measure(async () =>
    handler(await stage(sampleMail("n@sender.example", address, 2, page.messages[0].mail.messageId), [address])),
  );

  const large = largeMessage({ attachments: 20, totalBytes: 25 * 1024 * 1024 });
  const largeEvent = await stage(large, [address]);
  globalThis.gc?.();
  const base = process.memoryUsage();
  let peak = 0;
  const sample = () => {
    const now = process.memoryUsage();
    peak = Math.max(peak, now.heapUsed - base.heapUsed + (now.arrayBuffers - base.arrayBuffers));
  };
  const timer = setInterval(sample, 2);
  await handler(largeEvent);
  sample();
  clearInterval(timer);

  const floorPerSecond = mails / floorSeconds;
  const oursPerSecond = mails / oursSeconds;
  const usage = ({ requests, readUnits, writeUnits }: Dynamo.Usage) => ({ requests, readUnits, writeUnits });
  return {
    mails,
    floorPerSecond,
    oursPerSecond,
    ratio: oursPerSecond / floorPerSecond,
    newTicket: usage(newTicket),
    reply: usage(reply),
    large: { bytes: large.length, peakGrowth: peak, ratio: peak / large.length },
  };
}

export function printInbound(report: InboundReport) {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  const lines = [
    "Inbound mail on the local stack (target: ≥ 0.5× the floor; memory < 4× the message)",
    `  floor (postal-mime parse + 1 PutItem)  ${report.floorPerSecond.toFixed(0)} mails/s`,
    `  ours (the whole inbound handler)       ${report.oursPerSecond.toFixed(0)} mails/s  ratio ${report.ratio.toFixed(2)}`,
    `  new-ticket mail   ${report.newTicket.requests} requests  ${report.newTicket.readUnits} RRU  ${report.newTicket.writeUnits} WRU`,
    `  reply mail        ${report.reply.requests} requests  ${report.reply.readUnits} RRU  ${report.reply.writeUnits} WRU`,
    `  ${mb(report.large.bytes)} message, 20 attachments: peak heap+buffers growth ${mb(report.large.peakGrowth)} = ${report.large.ratio.toFixed(2)}× the message`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

await runIfMain(import.meta.url, async () => printInbound(await inboundReport()));
