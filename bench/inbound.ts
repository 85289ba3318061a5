import { randomUUID } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { Aws } from "@outdesk/core/aws";
import { Config } from "@outdesk/core/config";
import { Dynamo } from "@outdesk/core/dynamo";
import { ROUTE_CACHE_MS } from "@outdesk/core/email/addresses";
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
 *   against postal-mime's parse plus one PutItem of the parsed message. Both sides warm up
 *   first and then alternate in rounds (as in overhead.ts), so DynamoDB Local's JIT warming and
 *   the machine's drift fall on both alike; where each side's time went is printed with it;
 * - DynamoDB requests and capacity units per new-ticket mail and per reply, on a warm instance
 *   (the routing item cached) and for an instance's first mail to an address;
 * - memory: a 25 MB message with 20 attachments, the handler's peak growth ÷ the message size.
 */
export interface InboundReport {
  mails: number;
  floor: Side;
  ours: Side;
  ratio: number;
  newTicket: Dynamo.Usage;
  reply: Dynamo.Usage;
  firstMail: Dynamo.Usage;
  large: { bytes: number; peakGrowth: number; ratio: number } | { skipped: string };
}

/** Mails per second, and where a mail's time went (DynamoDB and S3 requests as the SDK clients see them). */
export interface Side {
  perSecond: number;
  msPerMail: number;
  dynamoMs: number;
  s3Ms: number;
}

const WARMUP = 20;
const ROUNDS = 6;

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

/** Milliseconds spent in DynamoDB and S3 requests while `on` (a middleware on both SDK clients). */
async function requestClock() {
  const clock = { on: false, dynamo: 0, s3: 0 };
  const timed = async <T>(side: "dynamo" | "s3", send: () => Promise<T>): Promise<T> => {
    if (!clock.on) return send();
    const started = performance.now();
    try {
      return await send();
    } finally {
      clock[side] += performance.now() - started;
    }
  };
  const name = "benchRequestClock";
  Dynamo.raw().middlewareStack.add((next) => (args) => timed("dynamo", () => next(args)), { step: "initialize", name });
  const s3 = await Aws.s3Client();
  s3.middlewareStack.add((next) => (args) => timed("s3", () => next(args)), { step: "initialize", name });
  return {
    async time(work: () => Promise<unknown>) {
      const before = { dynamo: clock.dynamo, s3: clock.s3 };
      clock.on = true;
      const started = performance.now();
      try {
        await work();
      } finally {
        clock.on = false;
      }
      return { ms: performance.now() - started, dynamo: clock.dynamo - before.dynamo, s3: clock.s3 - before.s3 };
    },
    remove() {
      Dynamo.raw().middlewareStack.remove(name);
      s3.middlewareStack.remove(name);
    },
  };
}

/** `gc()`: exposed by --expose-gc, else enabled now; undefined if neither works. */
function collector(): (() => void) | undefined {
  if (globalThis.gc) return globalThis.gc;
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return undefined;
  }
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

  let sent = 0;
  /** `n` distinct mails, each staged in S3 for the handler (SES's S3 action is not ours to time). */
  const batch = async (n: number) => {
    const raws = Array.from({ length: n }, () => sampleMail(`s${++sent}@sender.example`, address, sent));
    const events = [];
    for (const raw of raws) events.push(await stage(raw, [address]));
    return { raws, events };
  };
  const floorRun = async (raws: string[]) => {
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
  };
  const oursRun = async (events: Awaited<ReturnType<typeof stage>>[]) => {
    for (const event of events) await handler(event);
  };

  const warm = await batch(WARMUP);
  await floorRun(warm.raws);
  await oursRun(warm.events);
  const clock = await requestClock();
  const totals = {
    floor: { ms: 0, dynamo: 0, s3: 0 },
    ours: { ms: 0, dynamo: 0, s3: 0 },
  };
  const add = (side: keyof typeof totals, time: { ms: number; dynamo: number; s3: number }) => {
    totals[side].ms += time.ms;
    totals[side].dynamo += time.dynamo;
    totals[side].s3 += time.s3;
  };
  const perRound = Math.ceil(mails / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    const { raws, events } = await batch(perRound);
    // Alternate which goes first, so neither always runs on a fresher heap or a calmer machine.
    if (round % 2) {
      add("ours", await clock.time(() => oursRun(events)));
      add("floor", await clock.time(() => floorRun(raws)));
    } else {
      add("floor", await clock.time(() => floorRun(raws)));
      add("ours", await clock.time(() => oursRun(events)));
    }
  }
  clock.remove();
  const timed = perRound * ROUNDS;
  const side = ({ ms, dynamo, s3 }: { ms: number; dynamo: number; s3: number }): Side => ({
    perSecond: (timed * 1000) / ms,
    msPerMail: ms / timed,
    dynamoMs: dynamo / timed,
    s3Ms: s3 / timed,
  });
  const [floor, ours] = [side(totals.floor), side(totals.ours)];

  // The routing item was read (and cached) by the mails above: these are a warm instance's costs.
  const newTicket = await Dynamo.measure(async () =>
    handler(await stage(sampleMail("n@sender.example", address, 1), [address])),
  );
  const opened = newTicket.result.results[0]!.clients[0]!.ticketId!;
  const page = expectStatus(await call(admin, "GET", `/v1/clients/${client.id}/tickets/${opened}`), 200).body;
  const reply = await Dynamo.measure(async () =>
    handler(await stage(sampleMail("n@sender.example", address, 2, page.messages[0].mail.messageId), [address])),
  );
  const other = expectStatus(
    await call(admin, "POST", "/v1/clients", { name: "Bench 2", slug: "bench-mail-2", timeZone: "UTC" }),
    201,
  ).body;
  expectStatus(
    await call(admin, "PATCH", `/v1/clients/${other.id}`, { mailSettings: { autoAck: { enabled: false } } }),
    200,
  );
  const firstMail = await Dynamo.measure(async () =>
    handler(await stage(sampleMail("f@sender.example", other.defaultAddress, 3), [other.defaultAddress as string])),
  );

  const gc = collector();
  let large: InboundReport["large"] = { skipped: "gc() is not available: run node with --expose-gc" };
  if (gc) {
    const message = largeMessage({ attachments: 20, totalBytes: 25 * 1024 * 1024 });
    const largeEvent = await stage(message, [address]);
    // ArrayBuffers are swept after a collection, not during it: settle, so the baseline holds no garbage.
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
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
    large = { bytes: message.length, peakGrowth: peak, ratio: peak / message.length };
  }

  const usage = ({ requests, readUnits, writeUnits }: Dynamo.Usage) => ({ requests, readUnits, writeUnits });
  return {
    mails: timed,
    floor,
    ours,
    ratio: ours.perSecond / floor.perSecond,
    newTicket: usage(newTicket),
    reply: usage(reply),
    firstMail: usage(firstMail),
    large,
  };
}

export function printInbound(report: InboundReport) {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const { floor, ours, large } = report;
  const units = (u: Dynamo.Usage) => `${u.requests} requests  ${u.readUnits} RRU  ${u.writeUnits} WRU`;
  const lines = [
    `Inbound mail on the local stack (target: ≥ 0.5× the floor; memory < 4× the message); ${report.mails} mails a side, after ${WARMUP} to warm up, in ${ROUNDS} alternating rounds`,
    `  floor (postal-mime parse + 1 PutItem)  ${floor.perSecond.toFixed(0)} mails/s  ${ms(floor.msPerMail)} a mail: DynamoDB ${ms(floor.dynamoMs)}, the rest ${ms(floor.msPerMail - floor.dynamoMs)}`,
    `  ours (the whole inbound handler)       ${ours.perSecond.toFixed(0)} mails/s  ${ms(ours.msPerMail)} a mail: DynamoDB ${ms(ours.dynamoMs)}, S3 ${ms(ours.s3Ms)}, the rest ${ms(ours.msPerMail - ours.dynamoMs - ours.s3Ms)}  ratio ${report.ratio.toFixed(2)}`,
    `  ceiling with no handler CPU at all: floor ÷ ours' request time = ${(floor.msPerMail / (ours.dynamoMs + ours.s3Ms)).toFixed(2)}`,
    `  new-ticket mail   ${units(report.newTicket)}`,
    `  reply mail        ${units(report.reply)}`,
    `  an instance's first mail to an address (routing item not cached; cached ${ROUTE_CACHE_MS / 1000} s): ${units(report.firstMail)}`,
    "skipped" in large
      ? `  25 MB message, 20 attachments: memory not measured (${large.skipped})`
      : `  ${mb(large.bytes)} message, 20 attachments: peak heap+buffers growth ${mb(large.peakGrowth)} = ${large.ratio.toFixed(2)}× the message`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

await runIfMain(import.meta.url, async () => printInbound(await inboundReport()));
