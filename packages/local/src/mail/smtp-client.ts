import { isAscii } from "node:buffer";
import { connect } from "node:net";
import { createInterface } from "node:readline";

export interface SmtpReply {
  code: number;
  /** The reply's lines, codes included (`250-…`, `250 …`). */
  lines: string[];
}

export interface SmtpResult {
  /** Whether the server took the message (250 after the data) for the accepted recipients. */
  delivered: boolean;
  accepted: string[];
  rejected: { address: string; reply: SmtpReply }[];
  /** The reply that ended the attempt: the one after the data, or the refusal. */
  last: SmtpReply;
}

const CRLF = Buffer.from("\r\n");
const DOT = Buffer.from(".");

/**
 * A message as SMTP DATA carries it: every line ends in CRLF (bare LF as saved .eml files often have
 * are converted), lines starting with "." get another (RFC 5321 4.5.2), then the "." line. Bytes
 * are kept as they are: 8-bit bodies in any charset pass unchanged.
 */
export function smtpData(message: Uint8Array): Buffer {
  const bytes = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  const parts: Buffer[] = [];
  let start = 0;
  while (start < bytes.length) {
    const newline = bytes.indexOf(10, start);
    const end = newline < 0 ? bytes.length : newline;
    const line = bytes.subarray(start, end > start && bytes[end - 1] === 13 ? end - 1 : end);
    if (line[0] === 0x2e) parts.push(DOT);
    parts.push(line, CRLF);
    start = end + 1;
  }
  parts.push(Buffer.from(".\r\n"));
  return Buffer.concat(parts);
}

/**
 * A minimal SMTP client (EHLO, MAIL FROM, RCPT TO, DATA, QUIT), enough to hand a message to the
 * local stack. `onLine` sees the conversation: ">" what was sent, "<" what the server answered.
 */
export async function sendSmtp(options: {
  host: string;
  port: number;
  from: string;
  to: string[];
  message: Uint8Array;
  /** Announce the size in MAIL FROM (RFC 1870) when the server supports it, as MTAs do. */
  declareSize?: boolean;
  onLine?: (direction: ">" | "<", line: string) => void;
}): Promise<SmtpResult> {
  const socket = connect({ host: options.host, port: options.port });
  let failure: Error | undefined;
  socket.on("error", (error) => {
    failure = error;
  });
  const lines = createInterface({ input: socket, crlfDelay: Number.POSITIVE_INFINITY })[Symbol.asyncIterator]();
  const log = options.onLine ?? (() => undefined);

  const reply = async (): Promise<SmtpReply> => {
    const collected: string[] = [];
    for (;;) {
      const next = await lines.next();
      if (next.done) throw new Error(`the SMTP server closed the connection${failure ? `: ${failure.message}` : ""}`);
      log("<", next.value);
      collected.push(next.value);
      if (/^\d{3}(?: |$)/.test(next.value)) return { code: Number(next.value.slice(0, 3)), lines: collected };
    }
  };
  const command = (line: string) => {
    log(">", line);
    socket.write(`${line}\r\n`);
    return reply();
  };
  const quit = async () => {
    await command("QUIT").catch(() => undefined);
    socket.end();
  };

  try {
    const greeting = await reply();
    if (greeting.code !== 220) return { delivered: false, accepted: [], rejected: [], last: greeting };
    const ehlo = await command("EHLO localhost");
    if (ehlo.code !== 250) {
      await quit();
      return { delivered: false, accepted: [], rejected: [], last: ehlo };
    }
    const features = ehlo.lines.map((line) => line.slice(4).toUpperCase());
    const size = options.declareSize !== false && features.some((feature) => feature.startsWith("SIZE"));
    const eightBit = features.includes("8BITMIME") && !isAscii(options.message);
    const mail = await command(
      `MAIL FROM:<${options.from}>${size ? ` SIZE=${options.message.byteLength}` : ""}${eightBit ? " BODY=8BITMIME" : ""}`,
    );
    if (mail.code !== 250) {
      await quit();
      return { delivered: false, accepted: [], rejected: [], last: mail };
    }
    const accepted: string[] = [];
    const rejected: SmtpResult["rejected"] = [];
    let last = mail;
    for (const address of options.to) {
      last = await command(`RCPT TO:<${address}>`);
      if (last.code === 250 || last.code === 251) accepted.push(address);
      else rejected.push({ address, reply: last });
    }
    if (accepted.length === 0) {
      await quit();
      return { delivered: false, accepted, rejected, last };
    }
    const start = await command("DATA");
    if (start.code !== 354) {
      await quit();
      return { delivered: false, accepted, rejected, last: start };
    }
    const data = smtpData(options.message);
    log(">", `(${data.byteLength} bytes of message, ending with ".")`);
    socket.write(data);
    const done = await reply();
    await quit();
    return { delivered: done.code === 250, accepted, rejected, last: done };
  } finally {
    socket.destroy();
  }
}
