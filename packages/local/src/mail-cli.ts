import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { headerValues, mailboxes, parseHeaders } from "./mail/headers";
import { sendSmtp } from "./mail/smtp-client";
import { readStackInfo } from "./paths";

const usage = `Usage: npm run mail -- <file.eml> [--to <address>]... [--from <address>]
       npm run mail -- --to <address> [--from <address>] [--subject <text>] --text <text>

Sends a message over SMTP to the running local stack (npm start), as a mail server would.
  <file.eml>          a saved message, sent as it is; recipients default to its To and Cc,
                      the sender to its Return-Path, else its From
  --text <text>       compose a one-line plain-text mail instead (Subject "--subject", default "Test mail")
  --to <address>      an envelope recipient (repeat for more)
  --from <address>    the envelope sender (default for --text: sender@example.com)
  --port <port>       the SMTP port (default: the running stack's, from .data/stack.json)
`;

const encodeWord = (text: string) =>
  /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;

function compose(options: { from: string; to: string[]; subject: string; text: string }): Buffer {
  const eightBit = /[^\t\r\n\x20-\x7e]/.test(options.text);
  const domain = options.from.split("@")[1] || "localhost";
  const lines = [
    `From: ${options.from}`,
    `To: ${options.to.join(", ")}`,
    `Subject: ${encodeWord(options.subject)}`,
    `Date: ${new Date().toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: <${randomUUID()}@${domain}>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    `Content-Transfer-Encoding: ${eightBit ? "8bit" : "7bit"}`,
    "",
    options.text,
    "",
  ];
  return Buffer.from(lines.join("\r\n"), "utf8");
}

/** The address inside a Return-Path value (`<>` is the null sender of bounces). */
const returnPath = (value: string) => /<([^>]*)>/.exec(value)?.[1] ?? value.trim();

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      to: { type: "string", multiple: true },
      from: { type: "string" },
      subject: { type: "string" },
      text: { type: "string" },
      port: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const file = positionals[0];
  if (values.help || (!file && values.text === undefined) || (file && values.text !== undefined)) {
    process.stdout.write(usage);
    return values.help ? 0 : 2;
  }
  const stack = readStackInfo();
  const port = Number(values.port ?? stack?.smtpPort);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    process.stderr.write("No SMTP port: start the stack (npm start) or pass --port.\n");
    return 2;
  }
  let message: Buffer;
  let from: string;
  let to: string[];
  if (file) {
    message = readFileSync(file);
    const fields = parseHeaders(message);
    const path = headerValues(fields, "return-path")[0];
    from = values.from ?? (path === undefined ? (mailboxes(fields, "from")[0]?.address ?? "") : returnPath(path));
    to = values.to ?? mailboxes(fields, "to", "cc").map((mailbox) => mailbox.address);
  } else {
    to = values.to ?? [];
    from = values.from ?? "sender@example.com";
    message = compose({ from, to, subject: values.subject ?? "Test mail", text: values.text ?? "" });
  }
  if (to.length === 0) {
    process.stderr.write("No recipients: pass --to <address> (the message has no To or Cc).\n");
    return 2;
  }
  const host = stack?.smtpHost ?? "127.0.0.1";
  const result = await sendSmtp({
    host,
    port,
    from,
    to,
    message,
    onLine: (direction, line) => process.stdout.write(`${direction} ${line}\n`),
  });
  if (!result.delivered) {
    process.stderr.write(`\nNot delivered: ${result.last.lines.join(" ")}\n`);
    return 1;
  }
  if (result.rejected.length > 0) {
    process.stderr.write(`\nDelivered, but refused for ${result.rejected.map((r) => r.address).join(", ")}\n`);
    return 3;
  }
  process.stdout.write(`\nDelivered to ${result.accepted.join(", ")}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
