import { randomBytes } from "node:crypto";
import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { OutdeskError } from "../error";
import { buildMime, type MailAttachment, type MailDraft } from "./mime";

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

function draft(overrides: Partial<MailDraft> = {}): MailDraft {
  return {
    from: { address: "acme.prov@mail.localhost", name: "Acme Support" },
    to: [{ address: "jane@example.com", name: "Jane Doe" }],
    subject: "Hello",
    messageId: "<01HXYZ.reply@mail.localhost>",
    date: new Date("2024-03-05T14:03:09Z"),
    text: "Hi Jane",
    ...overrides,
  };
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");
const normalise = (text: string) => text.replace(/\r\n|\r|\n/g, "\r\n");
const lf = (text: string) => text.replace(/\r\n|\r|\n/g, "\n");
/**
 * What postal-mime returns for a text we sent: line breaks as LF, plus the CRLF that RFC 2046
 * 5.1.1 makes part of the next delimiter (it keeps it); a lone part always ends in a line break.
 */
const postalText = (text: string, multipart: boolean) =>
  multipart || !lf(text).endsWith("\n") ? `${lf(text)}\n` : lf(text);

interface Part {
  headerLines: string[];
  headers: Map<string, string>;
  type: string;
  boundary?: string;
  body: string;
  children: Part[];
}

/** An independent reading of our output's structure, strict where postal-mime is forgiving. */
function tree(entity: string): Part {
  const split = entity.indexOf("\r\n\r\n");
  const head = split < 0 ? entity : entity.slice(0, split);
  const body = split < 0 ? "" : entity.slice(split + 4);
  const headerLines = head.split("\r\n");
  const headers = new Map<string, string>();
  for (const field of head.split(/\r\n(?![ \t])/)) {
    const colon = field.indexOf(":");
    headers.set(
      field.slice(0, colon).toLowerCase(),
      field
        .slice(colon + 1)
        .replace(/\r\n/g, "")
        .trim(),
    );
  }
  const contentType = headers.get("content-type") ?? "text/plain";
  const type = contentType.split(";")[0]!.trim();
  const boundary = /boundary="([^"]+)"/.exec(contentType)?.[1];
  const children: Part[] = [];
  if (boundary) {
    const close = body.indexOf(`\r\n--${boundary}--`);
    expect(close).toBeGreaterThan(0);
    const inner = body.slice(0, close);
    expect(inner.startsWith(`--${boundary}\r\n`)).toBe(true);
    for (const chunk of inner.slice(boundary.length + 4).split(`\r\n--${boundary}\r\n`)) children.push(tree(chunk));
  }
  return { headerLines, headers, type, boundary, body, children };
}

function shape(part: Part): unknown {
  return part.children.length ? { [part.type]: part.children.map(shape) } : part.type;
}

function allParts(part: Part): Part[] {
  return [part, ...part.children.flatMap(allParts)];
}

/** RFC 2045 6.7 read strictly: 76-character lines, no trailing whitespace, only `=XX` escapes. */
function decodeQp(body: string): Buffer {
  const out: number[] = [];
  const lines = body.split("\r\n");
  lines.forEach((line, i) => {
    expect(line.length).toBeLessThanOrEqual(76);
    expect(line).not.toMatch(/[ \t]$/);
    expect(line).not.toMatch(/^\.|^From /);
    expect(line).toMatch(/^[\t\x20-\x7e]*$/);
    let soft = false;
    for (let j = 0; j < line.length; j++) {
      const c = line.charCodeAt(j);
      if (c !== 0x3d) {
        out.push(c);
      } else if (j === line.length - 1) {
        soft = true;
      } else {
        const hex = line.slice(j + 1, j + 3);
        expect(hex).toMatch(/^[0-9A-F]{2}$/);
        out.push(Number.parseInt(hex, 16));
        j += 2;
      }
    }
    if (!soft && i < lines.length - 1) out.push(0x0d, 0x0a);
  });
  return Buffer.from(out);
}

function decodeBase64Lines(body: string): Buffer {
  const lines = body === "" ? [] : body.split("\r\n");
  lines.forEach((line, i) => {
    expect(line).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    if (i < lines.length - 1) expect(line.length).toBe(76);
    else expect(line.length).toBeLessThanOrEqual(76);
  });
  return Buffer.from(lines.join(""), "base64");
}

/**
 * Every line ends in CRLF and stays within 998; every header line, of the message and its parts,
 * within 78, but for custom fields whose words are longer than that (they are folded at spaces only).
 */
function checkLines(raw: string, root: Part, unfoldable: string[] = []): void {
  expect(raw.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  expect(raw).toMatch(/^[\t\r\n\x20-\x7e]*$/);
  for (const line of raw.split("\r\n")) expect(line.length).toBeLessThanOrEqual(998);
  for (const part of allParts(root)) {
    let field = "";
    for (const line of part.headerLines) {
      if (!/^[ \t]/.test(line)) field = line.slice(0, line.indexOf(":")).toLowerCase();
      if (!unfoldable.includes(field)) expect(line.length).toBeLessThanOrEqual(78);
    }
  }
}

/** Encoded-words of a header as they appear, decoded one by one with a fatal UTF-8 decoder. */
function encodedWords(value: string): { word: string; text: string }[] {
  return [...value.matchAll(/=\?UTF-8\?([BQ])\?([^?]*)\?=/g)].map(([word, encoding, payload]) => {
    const bytes =
      encoding === "B"
        ? Buffer.from(payload!, "base64")
        : Buffer.from(
            payload!
              .replace(/_/g, " ")
              .replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(Number.parseInt(h, 16))),
            "latin1",
          );
    return { word, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  });
}

async function build(d: MailDraft, unfoldable: string[] = []) {
  const bytes = buildMime(d);
  const raw = latin1(bytes);
  const root = tree(raw);
  checkLines(raw, root, unfoldable);
  return { bytes, raw, root, email: await PostalMime.parse(bytes) };
}

function refusal(d: MailDraft): OutdeskError {
  try {
    buildMime(d);
  } catch (error) {
    expect(error).toBeInstanceOf(OutdeskError);
    expect((error as OutdeskError).code).toBe("validation");
    return error as OutdeskError;
  }
  throw new Error("the draft was not refused");
}

const png = (bytes = 300): MailAttachment => ({
  filename: "logo.png",
  contentType: "image/png",
  content: randomBytes(bytes),
  contentId: "logo@acme",
});
const pdf = (): MailAttachment => ({
  filename: "report.pdf",
  contentType: "application/pdf",
  content: randomBytes(5000),
});

describe("buildMime headers", () => {
  it("writes every header of a threaded reply, in order, and parses back", async () => {
    const references = ["<first@mail.example>", "<CAF=abc+def@mail.gmail.com>", "<01HXYZ.ack@mail.localhost>"];
    const { raw, email } = await build(
      draft({
        replyTo: [{ address: "acme.prov+tok3n@mail.localhost", name: "Acme Support" }],
        cc: [{ address: "bob@example.com" }, { address: "carol@example.org", name: "Carol" }],
        inReplyTo: "<CAF=abc+def@mail.gmail.com>",
        references,
        headers: { "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All" },
      }),
    );
    expect(email.headers.map((h) => h.key)).toEqual([
      "date",
      "from",
      "reply-to",
      "to",
      "cc",
      "subject",
      "message-id",
      "in-reply-to",
      "references",
      "auto-submitted",
      "x-auto-response-suppress",
      "mime-version",
      "content-type",
      "content-transfer-encoding",
    ]);
    expect(raw.startsWith("Date: Tue, 05 Mar 2024 14:03:09 +0000\r\n")).toBe(true);
    expect(email.date).toBe("2024-03-05T14:03:09.000Z");
    expect(email.from).toEqual({ address: "acme.prov@mail.localhost", name: "Acme Support" });
    expect(email.replyTo).toEqual([{ address: "acme.prov+tok3n@mail.localhost", name: "Acme Support" }]);
    expect(email.to).toEqual([{ address: "jane@example.com", name: "Jane Doe" }]);
    expect(email.cc).toEqual([
      { address: "bob@example.com", name: "" },
      { address: "carol@example.org", name: "Carol" },
    ]);
    expect(email.subject).toBe("Hello");
    expect(email.messageId).toBe("<01HXYZ.reply@mail.localhost>");
    expect(email.inReplyTo).toBe("<CAF=abc+def@mail.gmail.com>");
    expect(email.references).toBe(references.join(" "));
    expect(email.headers.find((h) => h.key === "auto-submitted")?.value).toBe("auto-replied");
    expect(email.headers.find((h) => h.key === "x-auto-response-suppress")?.value).toBe("All");
    expect(email.headers.find((h) => h.key === "mime-version")?.value).toBe("1.0");
    expect(email.bcc).toBeUndefined();
    expect(raw).not.toMatch(/^bcc:/im);
    expect(email.text).toBe(postalText("Hi Jane", false));
  });

  it("formats Date per RFC 5322 in UTC and defaults it to now", async () => {
    for (const [iso, header] of [
      ["2024-01-01T00:00:00Z", "Mon, 01 Jan 2024 00:00:00 +0000"],
      ["1999-12-31T23:59:59.999Z", "Fri, 31 Dec 1999 23:59:59 +0000"],
      ["2030-07-04T09:05:03+02:00", "Thu, 04 Jul 2030 07:05:03 +0000"],
    ] as const) {
      expect(latin1(buildMime(draft({ date: new Date(iso) }))).startsWith(`Date: ${header}\r\n`)).toBe(true);
    }
    const before = Math.floor(Date.now() / 1000) * 1000;
    const { raw, email } = await build(draft({ date: undefined }));
    expect(raw).toMatch(
      /^Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000\r\n/,
    );
    expect(Date.parse(email.date!)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(email.date!)).toBeLessThanOrEqual(Date.now());
    expect(refusal(draft({ date: new Date("nope") })).details.issues?.[0]?.path).toEqual(["date"]);
  });

  it("folds a long References header at id boundaries within 78 characters", async () => {
    const references = Array.from({ length: 40 }, (_, i) => `<${i}.${"x".repeat(i)}@mail.example.com>`);
    const { email, root } = await build(draft({ references, inReplyTo: references.at(-1) }));
    const lines = root.headerLines.slice(root.headerLines.findIndex((l) => l.startsWith("References:")));
    expect(lines.filter((l) => l.startsWith(" ")).length).toBeGreaterThan(10);
    expect(email.references).toBe(references.join(" "));
    expect(email.inReplyTo).toBe(references.at(-1));
  });

  it("keeps custom ASCII values as written (folded at spaces only) and encodes non-ASCII ones", async () => {
    const unsubscribe = `<https://acme.example/unsubscribe?token=${"a".repeat(100)}>, <mailto:u@acme.example?subject=unsubscribe>`;
    const { email, raw } = await build(
      draft({ headers: { "List-Unsubscribe": unsubscribe, "X-Ticket": "Gebühr für Straße 通知" } }),
      ["list-unsubscribe"],
    );
    const unfolded = raw.slice(raw.indexOf("List-Unsubscribe:"), raw.indexOf("\r\nX-Ticket:"));
    expect(unfolded).toContain("\r\n <mailto:");
    expect(email.headers.find((h) => h.key === "list-unsubscribe")?.value).toBe(unsubscribe);
    const ticket = email.headers.find((h) => h.key === "x-ticket")!.value;
    expect(ticket).toMatch(/^[\x20-\x7e]+$/);
    expect(encodedWords(ticket).length).toBeGreaterThan(0);
    expect(raw).toContain("X-Ticket: =?UTF-8?");
  });

  it("refuses custom headers that would replace ours, add a Bcc, or are not header names", () => {
    for (const name of ["Bcc", "BCC", "bcc", "From", "to", "Cc", "Subject", "Message-ID", "Date", "Reply-To"]) {
      expect(refusal(draft({ headers: { [name]: "evil@attacker.example" } })).details.issues?.[0]?.path).toEqual([
        "headers",
        name,
      ]);
    }
    for (const name of ["MIME-Version", "Content-Type", "content-transfer-encoding", "In-Reply-To", "References"]) {
      refusal(draft({ headers: { [name]: "x" } }));
    }
    for (const name of ["X Bad", "X-Bad:", "", "Bcc ", " Bcc", "X-Ünïcode", "X-\tTab"]) {
      refusal(draft({ headers: { [name]: "x" } }));
    }
    refusal(draft({ headers: { "X-Same": "1", "x-same": "2" } }));
  });
});

describe("buildMime addresses and names", () => {
  it("quotes, escapes or encodes display names so they decode to exactly what was given", async () => {
    const names = [
      "Doe, Jane",
      'Jane "JJ" Doe',
      "back\\slash \\\\ twice",
      "O'Brien",
      "evil@attacker.example",
      "Support <support@attacker.example>",
      "semi;colon (comment) [bracket]",
      "=?UTF-8?B?SGk=?=",
      "Zoë Ångström",
      "김민준",
      "محمد الأحمد",
      "דניאל כהן (Support)",
      "👩‍💻 Dev 🇯🇵",
      "山田太郎".repeat(12),
      `Long ASCII ${"name ".repeat(20)}end`,
      `Quoted, ${"n".repeat(64)}`,
    ];
    const to = names.map((name, i) => ({ address: `user${i}@example.com`, name }));
    const { email, raw } = await build(draft({ to, from: { address: "acme.prov@mail.localhost", name: names[0] } }));
    expect(email.to).toEqual(to);
    // A name as wide as the first line allows, where the field name is longest (Reply-To).
    const long = names.at(-1)!;
    const replied = await build(draft({ replyTo: [{ address: "r@example.com", name: long }] }));
    expect(replied.email.replyTo).toEqual([{ address: "r@example.com", name: long }]);
    expect(email.from).toEqual({ address: "acme.prov@mail.localhost", name: "Doe, Jane" });
    expect(raw).toContain('From: "Doe, Jane" <acme.prov@mail.localhost>\r\n');
    expect(raw).toContain('"Jane \\"JJ\\" Doe" <user1@example.com>');
    const toField = raw.slice(raw.indexOf("\r\nTo:"), raw.indexOf("\r\nSubject:"));
    for (const { word } of encodedWords(toField)) expect(word.length).toBeLessThanOrEqual(75);
    expect(email.headers.filter((h) => h.key === "to")).toHaveLength(1);
  });

  it("accepts plain addr-specs and refuses anything else", () => {
    for (const address of [
      "first.last+tag@sub.example.com",
      "o'brien@example.ie",
      "x_y-z@a-b.example",
      "U@EXAMPLE.COM",
    ]) {
      expect(() => buildMime(draft({ to: [{ address }] }))).not.toThrow();
    }
    const bad = [
      "",
      "plain",
      "@example.com",
      "a@",
      "a@localhost",
      "a b@example.com",
      "<a@example.com>",
      "a@example.com>, evil@attacker.example",
      "a@example.com,evil@attacker.example",
      '"quoted"@example.com',
      "a@[192.0.2.1]",
      "a@-bad.example",
      "a@bad-.example",
      "a..b@example.com",
      ".a@example.com",
      "a.@example.com",
      "a@example..com",
      "ü@example.de",
      "a@münchen.de",
      `${"a".repeat(65)}@example.com`,
      "a@b@example.com",
      "a(comment)@example.com",
    ];
    for (const address of bad) {
      expect(refusal(draft({ to: [{ address }] })).details.issues?.[0]?.path).toEqual(["to", 0, "address"]);
      expect(refusal(draft({ from: { address } })).details.issues?.[0]?.path).toEqual(["from", "address"]);
    }
    refusal(draft({ to: [] }));
  });

  it("refuses message ids that are not <id>", () => {
    for (const messageId of ["no-brackets@x.example", "<two@x> <ids@y>", "<a b@x.example>", "<>", "<x@y.example"]) {
      refusal(draft({ messageId }));
      refusal(draft({ inReplyTo: messageId }));
      refusal(draft({ references: ["<ok@x.example>", messageId] }));
    }
    refusal(draft({ messageId: "<no-at-sign>" }));
  });
});

describe("buildMime subjects", () => {
  const subjects = [
    "Re: [ACME-1042] Printer on fire",
    "Re: [ACME-1042] Café au lait, s'il vous plaît",
    "👨‍👩‍👧‍👦 Family plan 🇯🇵🇫🇷🏳️‍🌈 flags and 👍🏽 tones",
    "請求書についてのお問い合わせ：二〇二四年三月分の請求金額が見積もりと異なっている件について確認をお願いします",
    "שלום, ההזמנה שלי #4521 לא הגיעה — مرحبا، طلبي لم يصل بعد",
    "e\u0301 combining, Z\u0351\u0352\u0353\u0354\u0355 marks, 한국어 제목",
    // One long span of multi-code-point graphemes: words must break between them, never inside.
    `${"👨‍👩‍👧‍👦".repeat(5)}${"🇯🇵🇫🇷🇩🇪🇧🇷🇮🇳".repeat(3)}${"👍🏽".repeat(9)}नमस्ते${"e\u0301".repeat(30)}`,
    "=?UTF-8?B?SGk=?= is literal text, not an encoded-word",
    `A URL: https://acme.example/very/long/path/${"segment/".repeat(12)}end and more`,
    "Tabs\tand  double  spaces",
    "",
  ];

  it("decodes every subject to exactly what was given, folded within 78 characters", async () => {
    for (const subject of subjects) {
      const { email, root } = await build(draft({ subject }));
      expect(email.subject ?? "").toBe(subject);
      const field = root.headers.get("subject")!;
      const words = encodedWords(field);
      for (const { word } of words) expect(word.length).toBeLessThanOrEqual(75);
      // Consecutive words split the text where a grapheme ends, so no character is cut in two.
      for (let i = 1; i < words.length; i++) {
        const joined = words[i - 1]!.text + words[i]!.text;
        const boundaries = new Set([...graphemes.segment(joined)].map((s) => s.index));
        expect(boundaries.has(words[i - 1]!.text.length)).toBe(true);
      }
    }
  });

  it("leaves ASCII words readable and picks the shorter of Q and B for the rest", () => {
    const raw = (subject: string) => latin1(buildMime(draft({ subject })));
    expect(raw("Re: [ACME-1042] Printer on fire")).toContain("\r\nSubject: Re: [ACME-1042] Printer on fire\r\n");
    expect(raw("Re: [ACME-1042] Café au lait")).toContain(
      "\r\nSubject: Re: [ACME-1042] =?UTF-8?B?Q2Fmw6k=?= au lait\r\n",
    );
    // A word too long to fold is encoded; mostly Q-safe characters make Q the shorter.
    expect(raw(`See https://acme.example/${"segment/".repeat(10)}end`)).toContain(
      "\r\nSubject: See =?UTF-8?Q?https=3A//acme=2Eexample/segment/segment/",
    );
    expect(raw("請求書")).toContain("\r\nSubject: =?UTF-8?B?6KuL5rGC5pu4?=\r\n");
  });

  it("splits a grapheme longer than one encoded-word at code points and still decodes it", async () => {
    const zalgo = `Z${"\u0301\u0302\u0303".repeat(30)}algo`;
    const { email, root } = await build(draft({ subject: zalgo }));
    expect(email.subject).toBe(zalgo);
    expect(encodedWords(root.headers.get("subject")!).length).toBeGreaterThan(1);
  });
});

describe("buildMime structure", () => {
  it("text only is a single text/plain part", async () => {
    const { root, email } = await build(draft());
    expect(shape(root)).toBe("text/plain");
    expect(root.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(root.headers.get("content-transfer-encoding")).toBe("quoted-printable");
    expect(email.html).toBeUndefined();
    expect(email.attachments).toEqual([]);
  });

  it("text and html are multipart/alternative, plain first", async () => {
    const { root, email } = await build(draft({ html: "<p>Hi <b>Jane</b></p>" }));
    expect(shape(root)).toEqual({ "multipart/alternative": ["text/plain", "text/html"] });
    expect(email.text).toBe(postalText("Hi Jane", true));
    expect(email.html).toBe(postalText("<p>Hi <b>Jane</b></p>", true));
  });

  it("inline images sit in multipart/related beside the html, other files in multipart/mixed around it all", async () => {
    const logo = png();
    const report = pdf();
    const html = '<p>Hi</p><img src="cid:logo@acme" alt="">';
    const { root, email } = await build(draft({ html, attachments: [report, logo] }));
    expect(shape(root)).toEqual({
      "multipart/mixed": [
        { "multipart/alternative": ["text/plain", { "multipart/related": ["text/html", "image/png"] }] },
        "application/pdf",
      ],
    });
    const related = root.children[0]!.children[1]!;
    expect(related.headers.get("content-type")).toMatch(/^multipart\/related; type="text\/html";/);
    const image = related.children[1]!;
    expect(image.headers.get("content-id")).toBe("<logo@acme>");
    expect(image.headers.get("content-disposition")).toBe('inline; filename="logo.png"');
    expect(email.html).toBe(postalText(html, true));
    const parsedLogo = email.attachments.find((a) => a.mimeType === "image/png")!;
    expect(parsedLogo).toMatchObject({ contentId: "<logo@acme>", related: true, disposition: "inline" });
    expect(Buffer.from(parsedLogo.content as ArrayBuffer).equals(Buffer.from(logo.content))).toBe(true);
    const parsedPdf = email.attachments.find((a) => a.mimeType === "application/pdf")!;
    expect(parsedPdf).toMatchObject({ filename: "report.pdf", disposition: "attachment" });
    expect(Buffer.from(parsedPdf.content as ArrayBuffer).equals(Buffer.from(report.content))).toBe(true);
  });

  it("without html, cid and inline parts go to multipart/mixed, keeping their Content-ID and disposition", async () => {
    const banner = { ...png(), contentId: "<banner@acme>" };
    const note = { filename: "dot.gif", contentType: "Image/GIF", content: randomBytes(40), inline: true };
    const { root, email } = await build(draft({ attachments: [banner, note, pdf()] }));
    expect(shape(root)).toEqual({ "multipart/mixed": ["text/plain", "image/png", "image/gif", "application/pdf"] });
    expect(root.children[1]!.headers.get("content-id")).toBe("<banner@acme>");
    expect(root.children[1]!.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(root.children[2]!.headers.get("content-disposition")).toBe('inline; filename="dot.gif"');
    expect(email.attachments.map((a) => [a.filename, a.mimeType, a.disposition])).toEqual([
      ["logo.png", "image/png", "attachment"],
      ["dot.gif", "image/gif", "inline"],
      ["report.pdf", "application/pdf", "attachment"],
    ]);
    expect(email.text).toBe(postalText("Hi Jane", true));
  });

  it("uses fresh random boundaries that appear nowhere but on delimiter lines", async () => {
    const trap = '--=_mix_\r\n--=_alt_ --=_rel_ boundary="=_mix_"\r\n--';
    const d = draft({ text: trap, html: `<pre>${trap}</pre><img src="cid:logo@acme">`, attachments: [png(), pdf()] });
    const first = await build(d);
    const second = await build(d);
    const boundaries = allParts(first.root).flatMap((p) => (p.boundary ? [p.boundary] : []));
    expect(boundaries).toHaveLength(3);
    for (const b of boundaries) {
      expect(b).toMatch(/^=_(mix|alt|rel)_[A-Za-z0-9_-]{24}$/);
      expect(second.raw).not.toContain(b);
      for (const other of boundaries) if (other !== b) expect(other.startsWith(b)).toBe(false);
      const occurrences = first.raw.split(b).length - 1;
      const delimiterLines = first.raw.split("\r\n").filter((l) => l === `--${b}` || l === `--${b}--`).length;
      expect(occurrences).toBe(delimiterLines + 1); // plus the Content-Type parameter
    }
    expect(first.email.text).toBe(postalText(trap, true));
  });
});

describe("buildMime bodies", () => {
  const texts = [
    "Hello\r\nWorld",
    "line\n.\n.leading dot\n..two\nFrom me\nFrom\nFromage\n From indented\n",
    "x".repeat(1000),
    "=".repeat(200),
    "trailing space \ntrailing tab\t\n  \n\t\nend \t",
    "Grüße 👋 日本語 עברית العربية — “quotes” and € signs",
    "",
    "ends with a newline\n\n",
    "lone\rcarriage\rreturns\r\nand\nmixed",
    `${"a ".repeat(100)}\n${"é".repeat(100)}\n${"x".repeat(74)} y`,
    "\u0000\u0001 control bytes \u007f stay",
  ];

  it("quoted-printable decodes byte-exact (line breaks as CRLF) with soft breaks, dot and From safety", async () => {
    for (const text of texts) {
      const html = `<div>${text}</div>`;
      const { root, email } = await build(draft({ text, html }));
      const [plain, htmlPart] = root.children;
      expect(decodeQp(plain!.body).equals(Buffer.from(normalise(text), "utf8"))).toBe(true);
      expect(decodeQp(htmlPart!.body).equals(Buffer.from(normalise(html), "utf8"))).toBe(true);
      expect(email.text).toBe(postalText(text, true));
      expect(email.html).toBe(postalText(html, true));
    }
  });

  it("a single-part body decodes byte-exact too", async () => {
    for (const text of texts) {
      const { root, email } = await build(draft({ text }));
      expect(decodeQp(root.body).equals(Buffer.from(normalise(text), "utf8"))).toBe(true);
      expect(email.text ?? "").toBe(text === "" ? "" : postalText(text, false));
    }
  });

  it("attachments are base64 in 76-character lines and come back byte-exact", async () => {
    const sizes = [0, 1, 2, 3, 56, 57, 58, 114, 1000, 57 * 1024, 57 * 1024 + 1, 200_001];
    const attachments = sizes.map((n, i) => ({
      filename: `f${i}.bin`,
      contentType: "application/octet-stream",
      content: randomBytes(n),
    }));
    // A view into a larger buffer: only its own bytes are sent.
    const backing = randomBytes(1000);
    attachments.push({
      filename: "view.bin",
      contentType: "application/octet-stream",
      content: backing.subarray(100, 400),
    });
    const { root, email } = await build(draft({ attachments }));
    attachments.forEach((attachment, i) => {
      const part = root.children[i + 1]!;
      expect(part.headers.get("content-transfer-encoding")).toBe("base64");
      expect(decodeBase64Lines(part.body).equals(Buffer.from(attachment.content))).toBe(true);
      const parsed = email.attachments[i]!;
      expect(parsed.filename).toBe(attachment.filename);
      expect(Buffer.from(parsed.content as ArrayBuffer).equals(Buffer.from(attachment.content))).toBe(true);
    });
  });
});

describe("buildMime filenames", () => {
  it("non-ASCII and awkward names decode exactly, with filename* (RFC 2231) and an ASCII fallback", async () => {
    const names = [
      "Résumé.pdf",
      "請求書_2024年3月分_株式会社サンプル御中_最終版_確認済み_再送付用のファイル名です.xlsx",
      "👍🏽 thumbs.png",
      "تقرير المبيعات.docx",
      'quote".txt',
      "back\\slash.txt",
      "semi;colon=equals, comma (paren).txt",
      "100%25 literal percent.txt",
      `${"long-ascii-".repeat(20)}.txt`,
    ];
    const attachments = names.map((filename) => ({
      filename,
      contentType: "text/plain",
      content: Buffer.from(filename),
    }));
    const { root, email } = await build(draft({ attachments }));
    expect(email.attachments.map((a) => a.filename)).toEqual(names);
    const resume = root.children[1]!;
    expect(resume.headers.get("content-disposition")).toBe(
      "attachment; filename=\"Resume.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9.pdf",
    );
    expect(resume.headers.get("content-type")).toBe(
      "text/plain; name=\"Resume.pdf\"; name*=UTF-8''R%C3%A9sum%C3%A9.pdf",
    );
    const long = root.children[2]!.headers.get("content-disposition")!;
    expect(long).toMatch(/filename="_+2024_3_+\.xlsx"; filename\*0\*=UTF-8''%E8%AB%8B/);
    expect(long).toContain("filename*1*=");
    expect(root.children[5]!.headers.get("content-disposition")).toBe(
      "attachment; filename=\"quote_.txt\"; filename*=UTF-8''quote%22.txt",
    );
    expect(root.children[7]!.headers.get("content-disposition")).toBe(
      'attachment; filename="semi;colon=equals, comma (paren).txt"',
    );
  });

  it("sends an attached message or multipart as opaque bytes under its own name", async () => {
    const eml = Buffer.from("From: a@b.example\r\nSubject: forwarded\r\n\r\n--=_mix_x\r\nbody\r\n.\r\n");
    const attachments = ["message/rfc822", "multipart/mixed"].map((contentType, i) => ({
      filename: `original${i}.eml`,
      contentType,
      content: eml,
    }));
    const { root, email } = await build(draft({ attachments }));
    expect(shape(root)).toEqual({
      "multipart/mixed": ["text/plain", "application/octet-stream", "application/octet-stream"],
    });
    expect(email.attachments.map((a) => a.filename)).toEqual(["original0.eml", "original1.eml"]);
    for (const a of email.attachments) expect(Buffer.from(a.content as ArrayBuffer).equals(eml)).toBe(true);
  });

  it("refuses empty names and media types that are not a bare type/subtype", () => {
    const base = { filename: "a.bin", contentType: "application/octet-stream", content: new Uint8Array(1) };
    for (const bad of [
      { filename: "" },
      { filename: "  " },
      { contentType: "text/plain; charset=utf-8" },
      { contentType: "image" },
      { contentType: "" },
      { contentType: 'text/html"; x="' },
      { contentId: "<a b>" },
      { contentId: "a>b" },
      { content: "not bytes" as unknown as Uint8Array },
    ]) {
      refusal(draft({ attachments: [{ ...base, ...bad }] }));
    }
  });
});

describe("buildMime header injection", () => {
  const payloads = [
    "\r\nBcc: evil@attacker.example",
    "\nBcc: evil@attacker.example",
    "\rBcc: evil@attacker.example",
    "\r\n\r\n<html>a second body</html>",
    "x\u0000Bcc: evil@attacker.example",
  ];
  const places: [string, (p: string) => Partial<MailDraft>, (string | number)[]][] = [
    ["subject", (p) => ({ subject: `Hi${p}` }), ["subject"]],
    ["from name", (p) => ({ from: { address: "a@mail.localhost", name: `Acme${p}` } }), ["from", "name"]],
    ["to name", (p) => ({ to: [{ address: "j@example.com", name: `Jane${p}` }] }), ["to", 0, "name"]],
    ["cc name", (p) => ({ cc: [{ address: "c@example.com", name: `C${p}` }] }), ["cc", 0, "name"]],
    ["reply-to name", (p) => ({ replyTo: [{ address: "r@example.com", name: `R${p}` }] }), ["replyTo", 0, "name"]],
    ["address", (p) => ({ to: [{ address: `j@example.com${p}` }] }), ["to", 0, "address"]],
    ["custom value", (p) => ({ headers: { "X-Tag": `v${p}` } }), ["headers", "X-Tag"]],
    ["custom name", (p) => ({ headers: { [`X-Tag${p}`]: "v" } }), ["headers", `X-Tag`]],
    ["message id", (p) => ({ messageId: `<a@b.example>${p}` }), ["messageId"]],
    ["in-reply-to", (p) => ({ inReplyTo: `<a@b.example>${p}` }), ["inReplyTo"]],
    ["references", (p) => ({ references: ["<x@y.example>", `<a@b.example>${p}`] }), ["references", 1]],
    [
      "filename",
      (p) => ({ attachments: [{ filename: `a.pdf${p}`, contentType: "application/pdf", content: new Uint8Array(1) }] }),
      ["attachments", 0, "filename"],
    ],
    [
      "content id",
      (p) => ({ attachments: [{ ...png(1), contentId: `logo@acme${p}` }] }),
      ["attachments", 0, "contentId"],
    ],
    [
      "content type",
      (p) => ({ attachments: [{ ...png(1), contentType: `image/png${p}` }] }),
      ["attachments", 0, "contentType"],
    ],
  ];

  it("refuses CR, LF and NUL wherever they are put, naming the field", () => {
    for (const [, place, path] of places) {
      for (const payload of payloads) {
        const error = refusal(draft(place(payload)));
        const got = error.details.issues?.[0]?.path ?? [];
        // A custom header's path carries its name as given, payload included.
        if (path[0] === "headers") expect(got[0]).toBe("headers");
        else expect(got).toEqual(path);
      }
    }
  });

  it("line breaks in disguise are encoded as text and never start a header", async () => {
    const disguised = [
      "a\u2028Bcc: evil@attacker.example",
      "a\u2029Bcc: evil@attacker.example",
      "a\u0085Bcc: evil@attacker.example",
      "a\u000bBcc: evil@attacker.example",
      "a\u000cBcc: evil@attacker.example",
      "a=0D=0ABcc: evil@attacker.example",
      "a%0D%0ABcc: evil@attacker.example",
      "=?UTF-8?Q?a=0D=0ABcc:_evil@attacker.example?=",
      "=?UTF-8?B?DQpCY2M6IGV2aWxAYXR0YWNrZXIuZXhhbXBsZQ==?=",
    ];
    for (const value of disguised) {
      const { email, raw } = await build(
        draft({
          subject: value,
          to: [{ address: "j@example.com", name: value }],
          headers: { "X-Tag": value },
          attachments: [{ filename: value, contentType: "application/pdf", content: new Uint8Array(3) }],
        }),
      );
      expect(email.headers.map((h) => h.key)).toEqual([
        "date",
        "from",
        "to",
        "subject",
        "message-id",
        "x-tag",
        "mime-version",
        "content-type",
      ]);
      expect(raw).not.toMatch(/^bcc:/im);
      expect(email.bcc).toBeUndefined();
      expect(email.to).toHaveLength(1);
      expect(email.to![0]!.address).toBe("j@example.com");
      expect(email.attachments).toHaveLength(1);
      expect(email.subject).toBe(value);
      expect(email.to![0]!.name).toBe(value);
      // postal-mime decodes encoded-words it finds in any filename, so a literal one is not kept there.
      if (!value.startsWith("=?")) expect(email.attachments[0]!.filename).toBe(value);
    }
  });
});

describe("buildMime with a 25 MB attachment", () => {
  it("builds it in one pass into one buffer", async () => {
    const size = 25 * 1024 * 1024;
    const content = randomBytes(size);
    const d = draft({
      html: "<p>big</p>",
      attachments: [{ filename: "big.bin", contentType: "application/zip", content }],
    });
    const before = process.memoryUsage();
    const started = performance.now();
    const bytes = buildMime(d);
    const ms = performance.now() - started;
    const after = process.memoryUsage();
    const expectedBase64 = 4 * Math.ceil(size / 3) + 2 * (Math.ceil(size / 57) - 1);
    const grew = (key: "arrayBuffers" | "heapUsed" | "rss") => ((after[key] - before[key]) / 1024 / 1024).toFixed(1);
    console.log(
      `mime: 25 MiB attachment -> ${(bytes.length / 1024 / 1024).toFixed(1)} MiB message in ${ms.toFixed(0)} ms; ` +
        `growth arrayBuffers ${grew("arrayBuffers")} MiB, heapUsed ${grew("heapUsed")} MiB, rss ${grew("rss")} MiB`,
    );
    expect(bytes.length).toBeGreaterThan(expectedBase64);
    expect(bytes.length).toBeLessThan(expectedBase64 + 4096);
    // Loose: the message itself plus change, never copies of it.
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(2 * bytes.length);
    const email = await PostalMime.parse(bytes);
    expect(Buffer.from(email.attachments[0]!.content as ArrayBuffer).equals(content)).toBe(true);
  });
});
