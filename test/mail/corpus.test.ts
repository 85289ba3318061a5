import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import {
  type AutomatedMarker,
  type CorpusMessage,
  corpus,
  corpusNames,
  decoderMangles1252,
  largeMessage,
  loadCorpus,
  repairWindows1252,
} from "./corpus";

/** The automation markers of issue 9 (RFC 3834, Precedence, List-*, empty Return-Path, daemon senders), read from headers. */
function markersOf(email: Awaited<ReturnType<typeof PostalMime.parse>>): AutomatedMarker[] {
  const markers: AutomatedMarker[] = [];
  for (const { key, value } of email.headers) {
    const word = value.split(";")[0]!.trim().toLowerCase();
    if (key === "return-path" && value.trim() === "<>") markers.push({ header: key, value: value.trim() });
    if (key === "auto-submitted" && word !== "no") markers.push({ header: key, value });
    if (key === "precedence" && ["bulk", "list", "junk", "auto_reply"].includes(word))
      markers.push({ header: key, value });
    if (["x-autoreply", "x-autorespond", "list-id", "list-unsubscribe"].includes(key))
      markers.push({ header: key, value });
  }
  const from = email.from?.address;
  if (from && /^(mailer-daemon|postmaster)@/i.test(from)) markers.push({ header: "from", value: from });
  return markers;
}

const byHeader = (markers: AutomatedMarker[]) => [...markers].sort((a, b) => a.header.localeCompare(b.header));

/** postal-mime decodes with TextDecoder; on affected Node versions windows-1252 needs the repair (see corpus.ts). */
function decoded(message: CorpusMessage, value: string | undefined): string | undefined {
  return value !== undefined && message.charset === "windows-1252" && decoderMangles1252
    ? repairWindows1252(value)
    : value;
}

describe("mail corpus: the manifest matches what postal-mime reads", () => {
  it.each(corpusNames)("%s", async (name) => {
    const message: CorpusMessage = corpus[name];
    const raw = loadCorpus(name);
    const text = raw.toString("latin1");
    if (message.lineEndings === "crlf") expect(text.match(/(?<!\r)\n/g)).toBeNull();
    else expect(text.includes("\r\n")).toBe(false);

    const email = await PostalMime.parse(raw);
    expect({ address: email.from?.address, name: decoded(message, email.from?.name) }).toEqual(message.from);
    expect(decoded(message, email.subject)).toBe(message.subject);
    expect(email.messageId ?? null).toBe(message.messageId);
    expect(Boolean(email.html)).toBe(message.html);

    const body = decoded(message, email.text ?? email.html);
    if (message.newText === null) expect(body).toBeUndefined();
    else expect(body).toContain(message.newText);
    if (message.signature) expect(body).toContain(message.signature);
    if (message.quoted) {
      expect(body).toContain(message.quoted);
      if (message.html) expect(email.html).toContain(message.quoted);
    }

    expect(email.attachments).toHaveLength(message.attachments);
    if (message.attachmentNames) expect(email.attachments.map((a) => a.filename)).toEqual(message.attachmentNames);
    expect(email.attachments.filter((a) => a.related)).toHaveLength(message.inlineImages ?? 0);

    expect(byHeader(markersOf(email))).toEqual(byHeader(message.automated));
  });

  it("holds the cases issue 9 asks for", () => {
    const all: CorpusMessage[] = Object.values(corpus);
    for (const mailer of [
      "gmail",
      "outlook-desktop",
      "outlook-web",
      "outlook-plain",
      "apple-mail",
      "ios-mail",
      "thunderbird",
    ])
      expect(
        all.some((m) => m.mailer === mailer && m.quoted !== null),
        mailer,
      ).toBe(true);
    for (const charset of ["iso-8859-1", "windows-1252", "shift_jis", "gb2312"])
      expect(all.some((m) => m.charset === charset)).toBe(true);
    for (const header of ["auto-submitted", "precedence", "list-id", "return-path", "x-autoreply", "from"])
      expect(
        all.some((m) => m.automated.some((marker) => marker.header === header)),
        header,
      ).toBe(true);
    for (const channel of ["body", "subject", "name", "filename", "quote", "inline-image", "remote-images"])
      expect(
        all.some((m) => m.xss?.includes(channel as never)),
        channel,
      ).toBe(true);
    expect(all.filter((m) => m.messageId === corpus["duplicate-message-id-a"].messageId)).toHaveLength(2);
    expect(all.some((m) => m.messageId === null)).toBe(true);
    expect(all.filter((m) => m.malformed).length).toBeGreaterThanOrEqual(6);
  });

  it("keeps legacy-charset bodies in their own bytes, not UTF-8", () => {
    const bytes = (name: keyof typeof corpus, text: string, encoding: string) =>
      new TextDecoder(encoding).decode(loadCorpus(name)).includes(text);
    expect(bytes("charset-iso-8859-1", "Könnten Sie bitte den Status prüfen?", "iso-8859-1")).toBe(true);
    expect(bytes("charset-shift-jis", "ソフトの画面に何も表示されません", "shift_jis")).toBe(true);
    expect(loadCorpus("charset-iso-8859-1").includes(Buffer.from("prüfen"))).toBe(false);
    expect(loadCorpus("charset-shift-jis").includes(Buffer.from("表示"))).toBe(false);
    // windows-1252 and GB2312 travel encoded (quoted-printable, base64): “ is =93 on the wire.
    expect(loadCorpus("charset-windows-1252").toString("latin1")).toContain("=93Premium=94");
  });
});

describe("largeMessage", () => {
  it("is exactly the size asked for, reproducible, and parses into its attachments", async () => {
    const small = largeMessage({ attachments: 3, totalBytes: 100_003 });
    expect(small.length).toBe(100_003);
    expect(small.equals(largeMessage({ attachments: 3, totalBytes: 100_003 }))).toBe(true);

    const large = largeMessage({ attachments: 20, totalBytes: 25 * 1024 * 1024 });
    expect(large.length).toBe(25 * 1024 * 1024);
    const email = await PostalMime.parse(large);
    expect(email.attachments).toHaveLength(20);
    const bytes = email.attachments.reduce((sum, a) => sum + (a.content as ArrayBuffer).byteLength, 0);
    // base64 costs 78 bytes of mail per 57 of content.
    expect(bytes).toBeGreaterThan(25 * 1024 * 1024 * (57 / 78) * 0.99);
    expect(email.text).toContain("attached in 20 parts");
  });

  it("refuses a size too small for its parts", () => {
    expect(() => largeMessage({ attachments: 20, totalBytes: 2_000 })).toThrow(/too small/);
  });
});
