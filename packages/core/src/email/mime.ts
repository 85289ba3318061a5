import { randomBytes } from "node:crypto";
import { InvalidField } from "../error";

/**
 * Outbound MIME for SES v2 SendEmail (`Content.Raw`). Header values a person controls (subject,
 * names, filenames) are checked, then quoted or encoded wherever plain ASCII would be misread: the
 * output is 7-bit ASCII with CRLF line ends, header lines folded within 78 characters (a custom
 * field's long word excepted) and no line past 998. A value holding CR, LF or
 * NUL is refused rather than cleaned, so a bad input fails at the caller instead of going out
 * altered. Attachments are sized before anything is encoded and written once into one Buffer.
 */

export interface MailAddress {
  address: string;
  name?: string;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
  /** Referenced from the HTML as `cid:<contentId>`; such a part sits beside the HTML (multipart/related). */
  contentId?: string;
  /** Content-Disposition inline for a part outside the HTML (ignored for cid parts, always inline). */
  inline?: boolean;
}

export interface MailDraft {
  from: MailAddress;
  to: MailAddress[];
  cc?: MailAddress[];
  replyTo?: MailAddress[];
  subject: string;
  /** Ours, `<local@domain>`. */
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  date?: Date;
  /** Extra fields such as Auto-Submitted; the fields this builder writes itself are refused. */
  headers?: Record<string, string>;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
}

type Path = (string | number)[];
type Chunk = Buffer | { base64: Uint8Array };
interface Entity {
  headers: string[];
  body: Chunk[];
  multipart?: boolean;
}

const CRLF = "\r\n";
/** RFC 5322 2.1.1: a line SHOULD stay within 78 characters and MUST stay within 998. */
const FOLD_AT = 78;
const MAX_LINE = 998;
/** RFC 2047 2: an encoded-word is at most 75 characters; `=?UTF-8?Q?` + `?=` is 12 of them. */
const MAX_WORD = 75;
const WORD_OVERHEAD = 12;
/** Plain words (and quoted names) longer than this could not share the first line with the field name. */
const MAX_PLAIN_WORD = 60;
/** 57 bytes are one 76-character base64 line (RFC 2045 6.8). */
const BASE64_LINE_BYTES = 57;
/** Quoted-printable content per line, leaving room for the soft break's `=` (RFC 2045 6.7). */
const QP_LINE = 75;

const ATEXT = "A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~";
const DOT_ATOM = new RegExp(`^[${ATEXT}]+(?:\\.[${ATEXT}]+)*$`);
const ATOM_PHRASE = new RegExp(`^[${ATEXT}]+(?: [${ATEXT}]+)*$`);
const DOMAIN_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const OUR_MESSAGE_ID = new RegExp(`^<[${ATEXT}]+(?:\\.[${ATEXT}]+)*@[${ATEXT}]+(?:\\.[${ATEXT}]+)*>$`);
/** Ids we echo come from other people's mailers and are not all RFC 5322-clean: any visible ASCII but `<>`. */
const THEIR_MESSAGE_ID = /^<[!-;=?-~]+>$/;
const CONTENT_ID = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.@]+$/;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;
const FIELD_NAME = /^[!-9;-~]+$/;
const PRINTABLE = /^[\x20-\x7e\t]*$/;
/** Fields this builder owns: a custom header may not replace or add to them (Bcc above all). */
const OWN_FIELDS = new Set([
  "bcc",
  "cc",
  "date",
  "from",
  "in-reply-to",
  "message-id",
  "mime-version",
  "received",
  "references",
  "reply-to",
  "return-path",
  "sender",
  "subject",
  "to",
]);

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const HEX = "0123456789ABCDEF";
const utf8 = new TextEncoder();
const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

function refuse(path: Path, message: string): never {
  throw InvalidField(path, message);
}

/** CR or LF would end the header line and start another (a Bcc, a second body); NUL truncates it in C mailers. */
function singleLine(path: Path, value: unknown): string {
  if (typeof value !== "string") refuse(path, "must be a string");
  if (/[\r\n\0]/.test(value)) refuse(path, "must not contain CR, LF or NUL");
  return value;
}

function checkAddress(path: Path, value: unknown): string {
  const address = singleLine(path, value);
  const at = address.lastIndexOf("@");
  const local = address.slice(0, at);
  const labels = address.slice(at + 1).split(".");
  const plain =
    at > 0 &&
    address.length <= 254 &&
    local.length <= 64 &&
    DOT_ATOM.test(local) &&
    labels.length >= 2 &&
    labels.every((label) => DOMAIN_LABEL.test(label));
  if (!plain) refuse(path, "must be a plain ASCII address (local@domain.tld)");
  return address;
}

/**
 * One header field being folded: pieces start with the whitespace they may be folded at, and a
 * fold goes before a piece that would carry the line past 78 characters.
 */
class Field {
  private readonly done: string[] = [];
  private line: string;
  private empty = true;

  constructor(name: string) {
    this.line = `${name}:`;
  }

  /** Characters left on the current line after a separating space. */
  get room(): number {
    return FOLD_AT - this.line.length - 1;
  }

  add(piece: string): void {
    if (!this.empty && this.line.length + piece.length > FOLD_AT) {
      this.done.push(this.line);
      this.line = piece;
    } else {
      this.line += piece;
    }
    this.empty = false;
  }

  text(path: Path): string {
    const lines = [...this.done, this.line];
    if (lines.some((line) => line.length > MAX_LINE)) refuse(path, "is too long for a header line");
    return lines.join(CRLF);
  }
}

/** RFC 2047 5(3): the Q characters allowed in a phrase, which are safe in unstructured text too. */
function qLiteral(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x21 ||
    byte === 0x2a ||
    byte === 0x2b ||
    byte === 0x2d ||
    byte === 0x2f ||
    byte === 0x20
  );
}

function qSize(bytes: ArrayLike<number>): number {
  let size = 0;
  for (let i = 0; i < bytes.length; i++) size += qLiteral(bytes[i]!) ? 1 : 3;
  return size;
}

function qText(bytes: number[]): string {
  let text = "";
  for (const byte of bytes) {
    if (byte === 0x20) text += "_";
    else if (qLiteral(byte)) text += String.fromCharCode(byte);
    else text += `=${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return text;
}

/**
 * Appends `text` as UTF-8 encoded-words (Q when shorter, else B). Words end on grapheme
 * boundaries (code points for a grapheme too long for one word), so each decodes on its own.
 */
function addEncoded(field: Field, text: string): void {
  const all = utf8.encode(text);
  const q = qSize(all) <= 4 * Math.ceil(all.length / 3);
  const size = (bytes: number[]) => WORD_OVERHEAD + (q ? qSize(bytes) : 4 * Math.ceil(bytes.length / 3));
  const word = (bytes: number[]) =>
    q ? `=?UTF-8?Q?${qText(bytes)}?=` : `=?UTF-8?B?${Buffer.from(bytes).toString("base64")}?=`;
  const units: number[][] = [];
  for (const { segment } of graphemes.segment(text)) {
    const bytes = [...utf8.encode(segment)];
    if (size(bytes) <= MAX_WORD) units.push(bytes);
    else for (const point of segment) units.push([...utf8.encode(point)]);
  }
  // The first word fills what is left of the current line when a character or two fit there.
  let limit = field.room >= WORD_OVERHEAD + 12 ? Math.min(MAX_WORD, field.room) : MAX_WORD;
  let current: number[] = [];
  for (const unit of units) {
    if (current.length > 0 && size([...current, ...unit]) > limit) {
      field.add(` ${word(current)}`);
      current = [];
      limit = MAX_WORD;
    }
    current.push(...unit);
  }
  if (current.length > 0) field.add(` ${word(current)}`);
}

/** A word of unstructured text that cannot go out as it is. */
function needsEncoding(word: string): boolean {
  // A literal `=?…?=` would be decoded by the reader as an encoded-word: encoding keeps it literal.
  return /[^\x21-\x7e]/.test(word) || word.includes("=?") || word.length > MAX_PLAIN_WORD;
}

/**
 * Unstructured text (RFC 5322 3.2.5), folded at its own whitespace. Runs of words that need it are
 * encoded as one span, spaces included, since readers drop the whitespace between encoded-words;
 * the other words stay readable (`Re: [ACME-1042] =?UTF-8?B?Q2Fmw6k=?= au lait`).
 */
function addText(field: Field, text: string): void {
  const tokens = text.match(/[ \t]*[^ \t]+/g) ?? [];
  for (let i = 0; i < tokens.length; ) {
    const plain = !needsEncoding(tokens[i]!.trimStart());
    let j = i + 1;
    while (j < tokens.length && needsEncoding(tokens[j]!.trimStart()) !== plain) j++;
    if (plain) {
      for (let k = i; k < j; k++) field.add(k === 0 ? ` ${tokens[k]}` : tokens[k]!);
    } else {
      const span = tokens.slice(i, j).join("");
      addEncoded(field, i === 0 || !span.startsWith(" ") ? span : span.slice(1));
    }
    i = j;
  }
}

function addDisplayName(field: Field, name: string): void {
  if (/^[\x20-\x7e]*$/.test(name) && !name.includes("=?")) {
    const shown = ATOM_PHRASE.test(name) ? name : `"${name.replace(/[\\"]/g, "\\$&")}"`;
    if (shown.length <= MAX_PLAIN_WORD) {
      field.add(` ${shown}`);
      return;
    }
  }
  addEncoded(field, name);
}

/** `path` names a list (to, cc) or, given one entry, a single field (from). */
function addressField(fieldName: string, list: MailAddress[], path: Path, single = false): string {
  const field = new Field(fieldName);
  list.forEach((entry, i) => {
    const at = single ? path : [...path, i];
    const address = checkAddress([...at, "address"], entry?.address);
    const name = entry.name === undefined ? "" : singleLine([...at, "name"], entry.name);
    const comma = i < list.length - 1 ? "," : "";
    if (name.trim() === "") {
      field.add(` ${address}${comma}`);
    } else {
      addDisplayName(field, name);
      field.add(` <${address}>${comma}`);
    }
  });
  return field.text(path);
}

function messageIdField(fieldName: string, ids: string[], path: Path, pattern: RegExp, single = false): string {
  const field = new Field(fieldName);
  ids.forEach((id, i) => {
    const at = single ? path : [...path, i];
    const value = singleLine(at, id);
    if (!pattern.test(value) || value.length > 900) refuse(at, "must be a message id, <id@domain>");
    field.add(` ${value}`);
  });
  return field.text(path);
}

/** RFC 5322 3.3, always in UTC: `Tue, 05 Mar 2024 14:03:09 +0000`. */
function rfc5322Date(date: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[date.getUTCDay()]}, ${two(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

function messageHeaders(draft: MailDraft): string[] {
  const date = draft.date ?? new Date();
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) refuse(["date"], "must be a valid date");
  if (!Array.isArray(draft.to) || draft.to.length === 0) refuse(["to"], "needs at least one recipient");
  const headers = [`Date: ${rfc5322Date(date)}`, addressField("From", [draft.from], ["from"], true)];
  if (draft.replyTo?.length) headers.push(addressField("Reply-To", draft.replyTo, ["replyTo"]));
  headers.push(addressField("To", draft.to, ["to"]));
  if (draft.cc?.length) headers.push(addressField("Cc", draft.cc, ["cc"]));

  const subject = new Field("Subject");
  addText(subject, singleLine(["subject"], draft.subject));
  headers.push(subject.text(["subject"]));

  headers.push(messageIdField("Message-ID", [draft.messageId], ["messageId"], OUR_MESSAGE_ID, true));
  if (draft.inReplyTo !== undefined) {
    headers.push(messageIdField("In-Reply-To", [draft.inReplyTo], ["inReplyTo"], THEIR_MESSAGE_ID, true));
  }
  if (draft.references?.length) {
    headers.push(messageIdField("References", draft.references, ["references"], THEIR_MESSAGE_ID));
  }

  const seen = new Set<string>();
  for (const [name, raw] of Object.entries(draft.headers ?? {})) {
    const path = ["headers", name];
    singleLine(path, name);
    const key = name.toLowerCase();
    if (!FIELD_NAME.test(name)) refuse(path, "is not a valid header name");
    if (OWN_FIELDS.has(key) || key.startsWith("content-")) refuse(path, "is a header the mail builder writes itself");
    if (seen.has(key)) refuse(path, "is given twice");
    seen.add(key);
    const value = singleLine(path, raw);
    const field = new Field(name);
    // Structured fields (List-Unsubscribe) must stay as written: ASCII is only folded at its spaces.
    if (PRINTABLE.test(value)) {
      for (const [i, piece] of (value.match(/[ \t]*[^ \t]+/g) ?? []).entries())
        field.add(i === 0 ? ` ${piece}` : piece);
    } else {
      addText(field, value);
    }
    headers.push(field.text(path));
  }
  return headers;
}

/** Structured field with parameters: `value; a=b; c=d`, folded between parameters. */
function paramField(fieldName: string, value: string, params: string[]): string {
  const field = new Field(fieldName);
  const pieces = [value, ...params];
  for (const [i, piece] of pieces.entries()) field.add(` ${piece}${i < pieces.length - 1 ? ";" : ""}`);
  return field.text([fieldName]);
}

/** RFC 5987 attr-char: what an RFC 2231 extended value may carry unescaped. */
function percentEncode(text: string): string {
  let out = "";
  for (const byte of utf8.encode(text)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9!#$&+\-.^_`|~]/.test(c) ? c : `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

/** For readers without RFC 2231: accents dropped, anything else outside plain ASCII becomes `_`. */
function asciiFallback(filename: string): string {
  const ascii = filename
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^\x20-\x7e]|["\\]/gu, "_")
    .replaceAll("=?", "=_");
  if (ascii.length <= MAX_PLAIN_WORD) return ascii;
  const dot = ascii.lastIndexOf(".");
  const extension = dot > 0 && ascii.length - dot <= 10 ? ascii.slice(dot) : "";
  return ascii.slice(0, MAX_PLAIN_WORD - extension.length) + extension;
}

/**
 * `name="…"` when the name is short plain ASCII; otherwise an ASCII fallback plus the RFC 2231
 * `name*` value, in numbered sections split on character boundaries when one line cannot hold it.
 */
function fileParams(param: string, filename: string): string[] {
  const plain = /^[\x20-\x7e]+$/.test(filename) && !/["\\]/.test(filename) && !filename.includes("=?");
  if (plain && filename.length <= MAX_PLAIN_WORD) return [`${param}="${filename}"`];
  const sections: string[] = [];
  let current = "UTF-8''";
  for (const point of filename) {
    const encoded = percentEncode(point);
    if (current.length + encoded.length > MAX_PLAIN_WORD) {
      sections.push(current);
      current = "";
    }
    current += encoded;
  }
  sections.push(current);
  const extended =
    sections.length === 1 ? [`${param}*=${sections[0]}`] : sections.map((section, i) => `${param}*${i}*=${section}`);
  return [`${param}="${asciiFallback(filename)}"`, ...extended];
}

function attachmentEntity(attachment: MailAttachment, path: Path, related: boolean): Entity {
  const declared = singleLine([...path, "contentType"], attachment.contentType).toLowerCase();
  if (!MEDIA_TYPE.test(declared)) refuse([...path, "contentType"], "must be a media type such as image/png");
  // Composite types may not be base64 (RFC 2046 5.2.1) and an attached .eml could hold any line,
  // so they go as opaque bytes; the file name still says what they are.
  const type = /^(multipart|message)\//.test(declared) ? "application/octet-stream" : declared;
  const filename = singleLine([...path, "filename"], attachment.filename);
  if (filename.trim() === "") refuse([...path, "filename"], "must not be empty");
  if (!(attachment.content instanceof Uint8Array)) refuse([...path, "content"], "must be bytes");
  const headers = [paramField("Content-Type", type, fileParams("name", filename)), "Content-Transfer-Encoding: base64"];
  if (attachment.contentId !== undefined) {
    const cid = singleLine([...path, "contentId"], attachment.contentId).replace(/^<(.*)>$/, "$1");
    if (!CONTENT_ID.test(cid) || cid.length > 250) refuse([...path, "contentId"], "must be an id such as logo@acme");
    headers.push(`Content-ID: <${cid}>`);
  }
  const disposition = related || attachment.inline ? "inline" : "attachment";
  headers.push(paramField("Content-Disposition", disposition, fileParams("filename", filename)));
  return { headers, body: [{ base64: attachment.content }] };
}

function normaliseLineBreaks(text: string): string {
  return text.replace(/\r\n|\r|\n/g, CRLF);
}

/** Whether a byte may stand for itself in quoted-printable at this place of its line. */
function qpLiteral(src: Buffer, i: number, lineStart: boolean): boolean {
  const byte = src[i]!;
  if (lineStart && (byte === 0x2e || (byte === 0x46 && src.toString("latin1", i, i + 5) === "From "))) return false;
  // Trailing whitespace is stripped by transports, so it is escaped where it ends a line.
  if (byte === 0x20 || byte === 0x09) return i + 1 < src.length && src[i + 1] !== 0x0d;
  return byte >= 0x21 && byte <= 0x7e && byte !== 0x3d;
}

/**
 * Quoted-printable of UTF-8 text (RFC 2045 6.7), line breaks as CRLF. Beyond the rules, a line
 * never starts with `.` (SMTP dot handling) or `From ` (mbox quoting): both would alter the body.
 */
function quotedPrintable(text: string): Buffer {
  const src = Buffer.from(normaliseLineBreaks(text), "utf8");
  // Worst case: every byte escaped (3) plus a 3-byte soft break per 25 escapes.
  const out = Buffer.allocUnsafe(src.length * 4 + 3);
  let o = 0;
  let col = 0;
  for (let i = 0; i < src.length; i++) {
    const byte = src[i]!;
    if (byte === 0x0d) {
      // normalised: always CRLF
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      i++;
      col = 0;
      continue;
    }
    let literal = qpLiteral(src, i, col === 0);
    if (col + (literal ? 1 : 3) > QP_LINE) {
      out[o++] = 0x3d;
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      col = 0;
      literal = qpLiteral(src, i, true);
    }
    if (literal) {
      out[o++] = byte;
      col += 1;
    } else {
      out[o++] = 0x3d;
      out[o++] = HEX.charCodeAt(byte >> 4);
      out[o++] = HEX.charCodeAt(byte & 15);
      col += 3;
    }
  }
  return out.subarray(0, o);
}

function textEntity(subtype: "plain" | "html", text: unknown, path: Path): Entity {
  if (typeof text !== "string") refuse(path, "must be a string");
  return {
    headers: [`Content-Type: text/${subtype}; charset=utf-8`, "Content-Transfer-Encoding: quoted-printable"],
    body: [quotedPrintable(text)],
  };
}

/**
 * Boundaries start `=_`, which neither quoted-printable (`=` is followed by hex or a line break)
 * nor base64 can produce, so no encoded line can look like a delimiter; they share one random
 * tail and differ in a same-length tag, so none is a prefix of another.
 */
function multipartEntity(subtype: string, boundary: string, parts: Entity[], params: string[] = []): Entity {
  const body: Chunk[] = [];
  for (const part of parts) {
    body.push(Buffer.from(`--${boundary}${CRLF}${part.headers.join(CRLF)}${CRLF}${CRLF}`, "latin1"), ...part.body);
    body.push(Buffer.from(CRLF, "latin1"));
  }
  body.push(Buffer.from(`--${boundary}--`, "latin1"));
  const headers = [paramField("Content-Type", `multipart/${subtype}`, [...params, `boundary="${boundary}"`])];
  return { headers, body, multipart: true };
}

function bodyEntity(draft: MailDraft): Entity {
  const tail = randomBytes(18).toString("base64url");
  const attachments = draft.attachments ?? [];
  if (!Array.isArray(attachments)) refuse(["attachments"], "must be a list");
  const hasHtml = draft.html !== undefined;
  const related: Entity[] = [];
  const mixed: Entity[] = [];
  attachments.forEach((attachment, i) => {
    const inHtml = hasHtml && attachment.contentId !== undefined;
    (inHtml ? related : mixed).push(attachmentEntity(attachment, ["attachments", i], inHtml));
  });
  let content = textEntity("plain", draft.text, ["text"]);
  if (hasHtml) {
    let html = textEntity("html", draft.html, ["html"]);
    if (related.length > 0) {
      html = multipartEntity("related", `=_rel_${tail}`, [html, ...related], ['type="text/html"']);
    }
    content = multipartEntity("alternative", `=_alt_${tail}`, [content, html]);
  }
  if (mixed.length > 0) content = multipartEntity("mixed", `=_mix_${tail}`, [content, ...mixed]);
  return content;
}

function base64Size(length: number): number {
  return length === 0 ? 0 : 4 * Math.ceil(length / 3) + 2 * (Math.ceil(length / BASE64_LINE_BYTES) - 1);
}

/** Base64 in 76-character lines, written straight into `out`, a block of lines per string. */
function writeBase64(content: Uint8Array, out: Buffer, at: number): number {
  const src = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const block = BASE64_LINE_BYTES * 1024;
  const scratch = Buffer.allocUnsafe((block / 3) * 4);
  let o = at;
  for (let i = 0; i < src.length; i += block) {
    const length = scratch.write(src.subarray(i, i + block).toString("base64"), 0, "latin1");
    for (let j = 0; j < length; j += 76) {
      if (o > at) o += out.write(CRLF, o, "latin1");
      o += scratch.copy(out, o, j, Math.min(j + 76, length));
    }
  }
  return o;
}

/** The whole message as bytes for SES `Content.Raw.Data`. Throws OutdeskError "validation" naming the bad field. */
export function buildMime(draft: MailDraft): Uint8Array {
  const entity = bodyEntity(draft);
  const head = [...messageHeaders(draft), "MIME-Version: 1.0", ...entity.headers].join(CRLF) + CRLF + CRLF;
  // A multipart ends its last delimiter line; a single part ends where its text ends.
  const chunks: Chunk[] = [Buffer.from(head, "latin1"), ...entity.body];
  if (entity.multipart) chunks.push(Buffer.from(CRLF, "latin1"));
  const total = chunks.reduce((sum, c) => sum + (Buffer.isBuffer(c) ? c.length : base64Size(c.base64.length)), 0);
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const chunk of chunks)
    at = Buffer.isBuffer(chunk) ? at + chunk.copy(out, at) : writeBase64(chunk.base64, out, at);
  if (at !== total) throw new Error(`mime: wrote ${at} of ${total} bytes`);
  return out;
}
