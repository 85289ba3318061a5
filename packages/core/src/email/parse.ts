import PostalMime, { type Address, type Email, type Mailbox } from "postal-mime";
import { repairWindows1252 } from "./charset";

/**
 * Limits on what one inbound mail may make us parse and store. Past them the mail still becomes
 * a ticket: what was cut is listed (and noted on the ticket), and the raw mail is kept.
 */
export const MAIL_LIMITS = {
  /** Raw bytes parsed in full; SES accepts up to 40 MB. Above this only the headers are read. */
  parseBytes: 40 * 1024 * 1024,
  headerBytes: 256 * 1024,
  nestingDepth: 20,
  attachments: 50,
  attachmentBytes: 25 * 1024 * 1024,
  /** Text kept on the message (the full text stays in the raw mail). */
  textChars: 100_000,
  htmlChars: 200_000,
} as const;

export interface ParsedAttachment {
  filename: string | null;
  contentType: string;
  content: Uint8Array;
  contentId?: string;
  disposition?: "inline" | "attachment";
}

export interface ParsedMail {
  headers: { key: string; value: string }[];
  from: Mailbox | undefined;
  to: Mailbox[];
  cc: Mailbox[];
  replyTo: Mailbox[];
  subject: string;
  messageId: string | undefined;
  inReplyTo: string | undefined;
  references: string | undefined;
  date: string | undefined;
  text: string;
  html: string | undefined;
  attachments: ParsedAttachment[];
  contentType: string | undefined;
  /** What the limits cut, in words for the ticket note. Empty when nothing was. */
  cut: string[];
}

const flatten = (list: Address[] | Address | undefined): Mailbox[] =>
  [list ?? []]
    .flat()
    .flatMap((entry) => (entry.group ? entry.group : [entry]))
    .filter((m): m is Mailbox => typeof m.address === "string" && m.address.includes("@"))
    .map((m) => ({ name: repairWindows1252(m.name ?? ""), address: m.address.trim().toLowerCase() }));

/** The header block: everything before the first empty line (or all of it). */
function headerBlock(raw: Uint8Array): Uint8Array {
  for (let i = 0; i + 1 < raw.length; i++) {
    if (raw[i] === 10 && (raw[i + 1] === 10 || (raw[i + 1] === 13 && raw[i + 2] === 10))) return raw.subarray(0, i + 1);
  }
  return raw;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function postal(raw: Uint8Array): Promise<Email> {
  // postal-mime copies a view into an ArrayBuffer of its own; a buffer that is the whole view is taken as it is.
  const whole = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength && raw.buffer instanceof ArrayBuffer;
  return PostalMime.parse(whole ? (raw.buffer as ArrayBuffer) : raw, {
    maxNestingDepth: MAIL_LIMITS.nestingDepth,
    maxHeadersSize: MAIL_LIMITS.headerBytes,
    attachmentEncoding: "arraybuffer",
  });
}

/**
 * Parses raw MIME under MAIL_LIMITS. A mail too large, too deep or with too much header is read
 * again as its headers only (and, failing that, as nothing but its bytes), never refused.
 */
export async function parseMail(raw: Uint8Array): Promise<ParsedMail> {
  const cut: string[] = [];
  let email: Email | undefined;
  if (raw.length > MAIL_LIMITS.parseBytes) {
    cut.push(`the message is ${mb(raw.length)}; only its headers were read (at most ${mb(MAIL_LIMITS.parseBytes)})`);
  } else {
    try {
      email = await postal(raw);
    } catch (error) {
      cut.push(`the message could not be parsed (${(error as Error).message}); only its headers were read`);
    }
  }
  if (!email) {
    const head = headerBlock(raw).subarray(0, MAIL_LIMITS.headerBytes);
    try {
      email = await postal(new Uint8Array([...head, 13, 10, 13, 10]));
    } catch {
      email = { headers: [], headerLines: [], attachments: [] };
      cut.push("its headers could not be read either");
    }
    email.text = "(The body of this message was not read; the original message is kept.)";
    email.html = undefined;
    email.attachments = [];
  }

  let text = repairWindows1252(email.text ?? "");
  if (text.length > MAIL_LIMITS.textChars) {
    cut.push(`the text was shortened from ${text.length} to ${MAIL_LIMITS.textChars} characters`);
    text = text.slice(0, MAIL_LIMITS.textChars);
  }
  let html = email.html === undefined ? undefined : repairWindows1252(email.html);
  if (html && html.length > MAIL_LIMITS.htmlChars) {
    cut.push(`the HTML version (${html.length} characters) was left out; the text version is shown`);
    html = undefined;
  }
  const attachments: ParsedAttachment[] = [];
  let skipped = 0;
  for (const part of email.attachments) {
    const content =
      part.content instanceof Uint8Array
        ? part.content
        : typeof part.content === "string"
          ? new TextEncoder().encode(part.content)
          : new Uint8Array(part.content);
    if (content.length > MAIL_LIMITS.attachmentBytes) {
      cut.push(
        `the attachment ${part.filename ?? "(unnamed)"} (${mb(content.length)}) is over ${mb(MAIL_LIMITS.attachmentBytes)}`,
      );
      continue;
    }
    if (attachments.length >= MAIL_LIMITS.attachments) {
      skipped++;
      continue;
    }
    attachments.push({
      filename: part.filename,
      contentType: part.mimeType || "application/octet-stream",
      content,
      contentId: part.contentId ? part.contentId.replace(/^<|>$/g, "") : undefined,
      disposition: part.disposition === "inline" ? "inline" : "attachment",
    });
  }
  if (skipped > 0) cut.push(`${skipped} attachments past the first ${MAIL_LIMITS.attachments} were not kept`);
  const headers = email.headers.map(({ key, value }) => ({ key, value }));
  return {
    headers,
    from: flatten(email.from)[0] ?? flatten(email.sender)[0],
    to: flatten(email.to),
    cc: flatten(email.cc),
    replyTo: flatten(email.replyTo),
    subject: repairWindows1252(email.subject ?? "")
      .replace(/[\r\n\t]+/g, " ")
      .trim(),
    messageId: email.messageId?.trim() || undefined,
    inReplyTo: email.inReplyTo,
    references: email.references,
    date: email.date,
    text,
    html,
    attachments,
    contentType: headers.find((h) => h.key === "content-type")?.value,
    cut,
  };
}
