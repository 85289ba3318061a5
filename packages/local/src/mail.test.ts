import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aws } from "@outdesk/core/aws";
import { Config } from "@outdesk/core/config";
import { Outdesk } from "@outdesk/core/dynamo";
import { rawMailKey, type SesReceiptEvent } from "@outdesk/core/email/ses-event";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freePort } from "./errors";
import { ensureBuckets } from "./mail/s3";
import { sentMail } from "./mail/ses";
import { type RunningSmtp, SES_MAX_MESSAGE_BYTES, startSmtp } from "./mail/smtp";
import { sendSmtp } from "./mail/smtp-client";
import { repoRoot } from "./paths";

const events: SesReceiptEvent[] = [];
/** Each handler call, with whether the raw object was already there when it ran. */
const calls: { messageId: string; stored: boolean }[] = [];
let behaviour: (event: SesReceiptEvent) => Promise<void> = async () => undefined;
let smtp: RunningSmtp;
let tiny: RunningSmtp;
const workDir = mkdtempSync(join(tmpdir(), "outdesk-mail-"));

async function handler(event: SesReceiptEvent) {
  const { messageId } = event.Records[0]!.ses.mail;
  const stored = (await Aws.getObject(Config.get("rawMailBucket"), rawMailKey(messageId))) !== undefined;
  calls.push({ messageId, stored });
  events.push(event);
  await behaviour(event);
}

beforeAll(async () => {
  [smtp, tiny] = await Promise.all([
    startSmtp({ port: await freePort(), handler, retryDelaysMs: [5, 5] }),
    startSmtp({ port: await freePort(), handler, maxBytes: 1024 }),
  ]);
  await Outdesk.entities.inboundAddress
    .create({ address: "help@acme-test.example", providerId: "prv_test", clientId: "cli_test" })
    .go();
});

afterAll(async () => {
  await Promise.all([smtp.stop(), tiny.stop()]);
  rmSync(workDir, { recursive: true, force: true });
});

const stored = (messageId: string) => Aws.getObject(Config.get("rawMailBucket"), rawMailKey(messageId));

async function rawKeys(): Promise<string[]> {
  const [client, { ListObjectsV2Command }] = await Promise.all([Aws.s3Client(), import("@aws-sdk/client-s3")]);
  const listed = await client.send(
    new ListObjectsV2Command({ Bucket: Config.get("rawMailBucket"), Prefix: "inbound/" }),
  );
  return (listed.Contents ?? []).map((object) => object.Key ?? "");
}

const message = [
  "From: Pat Doe <pat@example.com>",
  'To: "Acme Help" <acme.northwind@mail.localhost>, other@example.com',
  "Cc: help@acme-test.example",
  "Subject: =?UTF-8?B?UHJpbnRlciDwn5SlIG9uIGZpcmU=?=",
  "Message-ID: <m1@example.com>",
  "Date: Tue, 01 Dec 2026 10:00:00 +0000",
  "",
  "Hello,",
  ".a line that starts with a dot",
  "",
].join("\r\n");

const send = (
  server: RunningSmtp,
  from: string,
  to: string[],
  body: string | Buffer = message,
  declareSize?: boolean,
) => sendSmtp({ host: server.host, port: server.port, from, to, message: Buffer.from(body), declareSize });

describe("local SMTP (the twin of SES receiving)", () => {
  it("stores the raw mail where SES would, answers 250, then hands the handler an SES receipt event", async () => {
    let release: (() => void) | undefined;
    behaviour = () =>
      new Promise<void>((resolve) => {
        release = resolve;
      });
    const result = await send(smtp, "bounces+pat@example.com", [
      "Acme.Northwind+Tag@Mail.Localhost",
      "help@acme-test.example",
      "stranger@nowhere.example",
    ]);
    expect(result.delivered).toBe(true);
    expect(result.accepted).toEqual(["Acme.Northwind+Tag@Mail.Localhost", "help@acme-test.example"]);
    expect(result.rejected.map((r) => [r.address, r.reply.code])).toEqual([["stranger@nowhere.example", 550]]);

    // The 250 came while the handler was still running: it is invoked asynchronously.
    await expect.poll(() => calls.length).toBe(1);
    release?.();
    await smtp.settled();
    behaviour = async () => undefined;

    const [event] = events.splice(0);
    const [call] = calls.splice(0);
    const record = event!.Records[0]!;
    const { mail, receipt } = record.ses;
    expect(call).toEqual({ messageId: mail.messageId, stored: true });
    expect(mail.messageId).toMatch(/^[a-z0-9]{40}$/);
    expect(result.last.lines.join(" ")).toContain(mail.messageId);
    expect(record.eventSource).toBe("aws:ses");
    expect(mail.source).toBe("bounces+pat@example.com");
    expect(receipt.recipients).toEqual(["Acme.Northwind+Tag@Mail.Localhost", "help@acme-test.example"]);
    expect(mail.destination).toEqual(["acme.northwind@mail.localhost", "other@example.com", "help@acme-test.example"]);
    expect(receipt.action).toMatchObject({ type: "Lambda", invocationType: "Event" });
    expect(receipt.spamVerdict?.status).toBe("DISABLED");
    expect(receipt.virusVerdict?.status).toBe("DISABLED");
    expect(mail.headers?.slice(0, 2).map((h) => h.name)).toEqual(["Return-Path", "Received"]);
    expect(mail.headers?.find((h) => h.name === "Message-ID")?.value).toBe("<m1@example.com>");
    expect(mail.headersTruncated).toBe(false);
    expect(mail.commonHeaders).toMatchObject({
      from: ["Pat Doe <pat@example.com>"],
      to: ["Acme Help <acme.northwind@mail.localhost>", "other@example.com"],
      subject: "Printer 🔥 on fire",
      messageId: "<m1@example.com>",
    });

    const raw = Buffer.from((await stored(mail.messageId))!).toString("utf8");
    expect(raw).toMatch(/^Return-Path: <bounces\+pat@example\.com>\r\nReceived: from localhost \(\[127\.0\.0\.1\] /);
    expect(raw).toContain(` with SMTP id ${mail.messageId}; `);
    // Exactly the sender's bytes after the trace fields (the dot-stuffing undone).
    expect(raw.slice(raw.indexOf("From: Pat Doe"))).toBe(message);
  });

  it("refuses recipients SES would not take (550) and then has nothing to deliver", async () => {
    const before = await rawKeys();
    const result = await send(smtp, "pat@example.com", ["help@unrouted.example", "acme@mail.localhost.evil.example"]);
    expect(result.delivered).toBe(false);
    expect(result.rejected.map((r) => r.reply.code)).toEqual([550, 550]);
    expect(await rawKeys()).toEqual(before);
    await smtp.settled();
    expect(calls).toEqual([]);
  });

  it("refuses mail past the size limit, announced (at MAIL FROM) or not (after the data)", async () => {
    const before = await rawKeys();
    const huge = Buffer.alloc(SES_MAX_MESSAGE_BYTES + 1, "a");
    const announced = await send(smtp, "pat@example.com", ["acme.northwind@mail.localhost"], huge);
    expect(announced.delivered).toBe(false);
    expect(announced.last.code).toBe(552);

    const big = `${message}${"x".repeat(78)}\r\n`.repeat(20);
    const unannounced = await send(tiny, "pat@example.com", ["acme.northwind@mail.localhost"], big, false);
    expect(unannounced.delivered).toBe(false);
    expect(unannounced.last.code).toBe(552);
    // A message under the limit still goes through.
    expect(
      (await send(tiny, "pat@example.com", ["acme.northwind@mail.localhost"], "Subject: small\r\n\r\nok\r\n"))
        .delivered,
    ).toBe(true);
    await tiny.settled();
    expect(calls).toHaveLength(1);
    expect((await rawKeys()).length).toBe(before.length + 1);
    calls.splice(0);
    events.splice(0);
  });

  it("retries a failing handler twice, as Lambda retries an Event invocation", async () => {
    let failures = 0;
    behaviour = async () => {
      if (failures++ < 2) throw new Error("not yet");
    };
    expect((await send(smtp, "pat@example.com", ["acme.northwind@mail.localhost"], message)).delivered).toBe(true);
    await smtp.settled();
    behaviour = async () => undefined;
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((call) => call.messageId)).size).toBe(1);
    calls.splice(0);
    events.splice(0);
  });
});

function mailCli(...args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      "node",
      ["--import", "tsx", "packages/local/src/mail-cli.ts", ...args, "--port", String(smtp.port)],
      { cwd: repoRoot, env: { ...process.env, OUTDESK_DATA_DIR: workDir } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

describe("npm run mail", () => {
  it("sends a saved .eml (LF line ends) to its To/Cc, and composes a one-line mail", async () => {
    const file = join(workDir, "saved.eml");
    writeFileSync(file, message.replaceAll("\r\n", "\n"));
    const [saved, composed, refused] = await Promise.all([
      mailCli(file),
      mailCli("--to", "acme.northwind@mail.localhost", "--subject", "Ça marche", "--text", "Bonjour"),
      mailCli("--to", "nobody@unrouted.example", "--text", "hi"),
    ]);
    expect(saved.code, "other@example.com is refused: delivered, but not to all").toBe(3);
    expect(saved.stderr).toContain("refused for other@example.com");
    expect(saved.stdout).toContain("> RCPT TO:<help@acme-test.example>");
    expect(saved.stdout).toMatch(/< 250 OK: stored as [a-z0-9]{40}/);
    expect(composed.code, composed.stderr).toBe(0);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("< 550");
    await smtp.settled();

    const byRecipients = new Map(events.map((event) => [event.Records[0]!.ses.receipt.recipients.join(","), event]));
    const fileEvent = byRecipients.get("acme.northwind@mail.localhost,help@acme-test.example")!;
    expect(fileEvent.Records[0]!.ses.mail.source).toBe("pat@example.com");
    const fileRaw = Buffer.from((await stored(fileEvent.Records[0]!.ses.mail.messageId))!).toString("utf8");
    expect(fileRaw.slice(fileRaw.indexOf("From: Pat Doe"))).toBe(message);

    const quick = byRecipients.get("acme.northwind@mail.localhost")!.Records[0]!.ses.mail;
    expect(quick.source).toBe("sender@example.com");
    expect(quick.commonHeaders).toMatchObject({ subject: "Ça marche", to: ["acme.northwind@mail.localhost"] });
    expect(Buffer.from((await stored(quick.messageId))!).toString("utf8")).toMatch(/\r\n\r\nBonjour\r\n$/);
    calls.splice(0);
    events.splice(0);
  }, 30_000);
});

describe("local SES (aws-ses-v2-local)", () => {
  it("keeps the raw MIME, envelope and tags of SendEmail (Content.Raw); the viewer downloads that raw MIME", async () => {
    const { SendEmailCommand } = await import("@aws-sdk/client-sesv2");
    const raw = Buffer.from(
      [
        "From: Maya <maya@northwind.example>",
        "To: Pat <pat@example.com>",
        "Subject: Re: Printer on fire",
        "Message-ID: <reply-1@mail.localhost>",
        "In-Reply-To: <m1@example.com>",
        "References: <m1@example.com>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "On it.",
        "",
      ].join("\r\n"),
    );
    const client = await Aws.sesClient();
    const { MessageId } = await client.send(
      new SendEmailCommand({
        FromEmailAddress: "maya@northwind.example",
        Destination: { ToAddresses: ["pat@example.com"], BccAddresses: ["audit@example.com"] },
        Content: { Raw: { Data: raw } },
        EmailTags: [
          { Name: "p", Value: "prv_1" },
          { Name: "o", Value: "mail_1" },
        ],
        ConfigurationSetName: "outdesk-local",
      }),
    );
    const sesUrl = inject("sesEndpoint");
    const [mail, ...others] = await sentMail(sesUrl, { messageId: MessageId });
    expect(others).toEqual([]);
    expect((await sentMail(sesUrl)).map((sent) => sent.messageId)).toContain(MessageId);
    expect(mail).toMatchObject({
      subject: "Re: Printer on fire",
      fromEmailAddress: "maya@northwind.example",
      envelope: { to: ["pat@example.com"], cc: [], bcc: ["audit@example.com"] },
      tags: { p: "prv_1", o: "mail_1" },
      configurationSet: "outdesk-local",
    });
    expect(mail?.raw?.equals(raw)).toBe(true);
    expect(mail?.headers, "the library's store keeps no headers of raw mail").toBeUndefined();

    const download = await fetch(new URL(`/get-emlContent?messageId=${MessageId}`, sesUrl));
    const { body } = (await download.json()) as { body: { data: number[] } };
    expect(Buffer.from(body.data).equals(raw)).toBe(true);
  });
});

describe("local S3 (s3rver)", () => {
  it("lets the console's origin PUT an attachment with a presigned URL, and no other origin", async () => {
    const [client, { PutObjectCommand }, { getSignedUrl }] = await Promise.all([
      Aws.s3Client(),
      import("@aws-sdk/client-s3"),
      import("@aws-sdk/s3-request-presigner"),
    ]);
    const bucket = Config.get("attachmentsBucket");
    const origin = "http://localhost:3999";
    await ensureBuckets({ rawMail: Config.get("rawMailBucket"), attachments: bucket }, [origin]);
    const key = "prv_1/cli_1/tkt_1/att_1";
    const url = await getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: "text/plain" }),
      {
        expiresIn: 60,
      },
    );
    const preflight = (from: string) =>
      fetch(url, {
        method: "OPTIONS",
        headers: {
          origin: from,
          "access-control-request-method": "PUT",
          "access-control-request-headers": "content-type",
        },
      });
    expect((await preflight(origin)).status).toBe(200);
    expect((await preflight("http://evil.example")).status).toBe(403);
    const put = await fetch(url, { method: "PUT", headers: { origin, "content-type": "text/plain" }, body: "hello" });
    expect(put.status, await put.clone().text()).toBe(200);
    expect(put.headers.get("access-control-allow-origin")).toBe(origin);
    expect(Buffer.from((await Aws.getObject(bucket, key))!).toString()).toBe("hello");
  });
});
