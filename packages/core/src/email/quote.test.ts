import { DomUtils, parseDocument } from "htmlparser2";
import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import {
  type CorpusMessage,
  corpus,
  corpusNames,
  decoderMangles1252,
  loadCorpus,
  repairWindows1252,
} from "../../../../test/mail/corpus";
import { sanitizeMessageHtml } from "../ticket/sanitize";
import { foldHtml, foldText } from "./quote";

async function parse(message: CorpusMessage, raw: Buffer) {
  const email = await PostalMime.parse(raw);
  const repair = (value: string | undefined) =>
    value !== undefined && message.charset === "windows-1252" && decoderMangles1252 ? repairWindows1252(value) : value;
  return { text: repair(email.text), html: email.html };
}

/** Splits sanitized HTML into its visible text and the text inside our fold. */
function visibleAndFolded(html: string): { visible: string; folded: string[] } {
  const document = parseDocument(html);
  const folds = DomUtils.findAll(
    (element) => element.name === "details" && "data-quote" in element.attribs,
    document.children,
  );
  for (const fold of folds) DomUtils.removeElement(fold);
  const folded = folds.map((fold) => DomUtils.textContent(fold));
  return { visible: DomUtils.textContent(document), folded };
}

const fold = '<details data-quote=""><summary>Show quoted text</summary>';

describe("quote folding over the mail corpus", () => {
  it.each(corpusNames)("%s", async (name) => {
    const message: CorpusMessage = corpus[name];
    const { text, html } = await parse(message, loadCorpus(name));

    if (text !== undefined) {
      const result = foldText(text);
      if (message.quoted === null) expect(result).toEqual({ newText: text, quoted: null });
      else {
        expect(result.quoted).toContain(message.quoted);
        expect(result.newText).not.toContain(message.quoted);
        if (message.newText) expect(result.newText).toContain(message.newText);
        if (message.signature) {
          expect(result.newText).toContain(message.signature);
          expect(result.quoted).not.toContain(message.signature);
        }
      }
    }

    if (html !== undefined) {
      const result = foldHtml(html);
      expect(result.folded).toBe(message.quoted !== null);
      if (!result.folded) expect(result.html).toBe(html);
      const safe = sanitizeMessageHtml(result.html);
      const { visible, folded } = visibleAndFolded(safe);
      expect(folded).toHaveLength(message.quoted === null ? 0 : 1);
      if (message.quoted !== null) {
        expect(safe).toContain(fold);
        expect(folded[0]).toContain(message.quoted);
        expect(visible).not.toContain(message.quoted);
      }
      if (message.newText) expect(visible).toContain(message.newText);
      if (message.signature) expect(visible).toContain(message.signature);
      // Folding only adds our own markup: whatever the mail carried is still sanitized away.
      expect(safe).not.toMatch(/<script|<iframe|<svg|\son\w+=|javascript:|ontoggle/i);
    }
  });

  it("the Gmail attribution wrapped over two lines is folded whole", async () => {
    const { text } = await parse(corpus["gmail-reply"], loadCorpus("gmail-reply"));
    const { newText, quoted } = foldText(text!);
    expect(
      quoted!.startsWith("On Tue, Mar 3, 2026 at 10:15 AM Acme Support Team <\nsupport@acme.example> wrote:"),
    ).toBe(true);
    expect(newText).toBe(
      "Hi,\n\nThanks, the printer is back online after the restart. The queue is empty\nnow and the test page printed fine.\n\nBest regards,\nJan\n\n-- \nJan Novák\nFacilities, Northwind Traders\n+420 555 010 203",
    );
  });

  it("Outlook's history starts at its separator: the OWA underscores, the desktop header block", async () => {
    const web = foldText((await parse(corpus["outlook-web-reply"], loadCorpus("outlook-web-reply"))).text!);
    expect(web.quoted!.split("\n")[0]).toMatch(/^_{32}$/);
    expect(web.newText.endsWith("Grazie,\nSofia")).toBe(true);
    const plain = foldText(
      (await parse(corpus["outlook-original-message"], loadCorpus("outlook-original-message"))).text!,
    );
    expect(plain.quoted!.split("\n")[0]).toBe("-----Original Message-----");
    const desktop = foldHtml((await parse(corpus["outlook-desktop-reply"], loadCorpus("outlook-desktop-reply"))).html!);
    // The bare <div> around the border-top block is folded with it; the signature above stays.
    expect(desktop.html).toContain(`${fold}<div>\r\n<div style="border:none;border-top:solid #E1E1E1`);
    const owa = foldHtml((await parse(corpus["outlook-web-reply"], loadCorpus("outlook-web-reply"))).html!);
    expect(owa.html).toContain(`${fold}<hr style="display:inline-block;width:98%" tabindex="-1">`);
    expect(owa.html).toContain(`<div id="appendonsend"></div>\n${fold}`);
  });

  it("iOS Mail's separate attribution blockquote is folded with the quote", async () => {
    const { html } = await parse(corpus["ios-mail-reply"], loadCorpus("ios-mail-reply"));
    const { html: folded } = foldHtml(html!);
    expect(folded).toContain(
      `<div dir="ltr">Sent from my iPhone</div>${fold}<div dir="ltr"><br><blockquote type="cite">On 4 Mar`,
    );
    expect(folded.trimEnd().endsWith("</blockquote></details></body></html>")).toBe(true);
  });
});

describe("foldText", () => {
  const reply = (attribution: string) => `Danke, erledigt.\n\n${attribution}\n> Alte Nachricht\n> zweite Zeile\n`;

  it.each([
    "On Tue, 3 Mar 2026 at 10:15, Acme Support <support@acme.example> wrote:",
    "Am Di., 3. März 2026 um 10:15 Uhr schrieb Acme Support <support@acme.example>:",
    "Am 03.03.26 um 10:15 schrieb Acme Support:",
    "Le mar. 3 mars 2026 à 10:15, Acme Support <support@acme.example> a écrit :",
    "El mar, 3 mar 2026 a las 10:15, Acme Support (<support@acme.example>) escribió:",
    "Op di 3 mrt 2026 om 10:15 schreef Acme Support <support@acme.example>:",
    "Em ter., 3 de mar. de 2026 às 10:15, Acme Support <support@acme.example> escreveu:",
    "Il giorno mar 3 mar 2026 alle ore 10:15 Acme Support <support@acme.example> ha scritto:",
    "2026年3月3日(火) 10:15 Acme Support <support@acme.example>:",
  ])("folds the attribution %s with its quote", (attribution) => {
    expect(foldText(reply(attribution))).toEqual({
      newText: "Danke, erledigt.",
      quoted: `${attribution}\n> Alte Nachricht\n> zweite Zeile`,
    });
  });

  it("folds an attribution wrapped over two lines", () => {
    const text =
      "Fine.\n\nOn Tue, 3 Mar 2026 at 10:15, Acme Support Team of the Example Company\n<support@acme.example> wrote:\n\n> old\n";
    expect(foldText(text).quoted).toBe(
      "On Tue, 3 Mar 2026 at 10:15, Acme Support Team of the Example Company\n<support@acme.example> wrote:\n\n> old",
    );
  });

  it("leaves a line that only looks like the start of an attribution", () => {
    expect(foldText("On Monday the printer broke.\nIt still does.\n\n> old\n").newText).toBe(
      "On Monday the printer broke.\nIt still does.",
    );
  });

  it.each([
    ["Von: Acme Support <support@acme.example>\nGesendet: Dienstag, 3. März 2026 10:15\nAn: Lena\nBetreff: Drucker"],
    ["De : Acme Support <support@acme.example>\nEnvoyé : mardi 3 mars 2026 10:15\nÀ : Camille\nObjet : Imprimante"],
    [
      "De: Acme Support <support@acme.example>\nEnviado: martes, 3 de marzo de 2026 10:15\nPara: Ana\nAsunto: Impresora",
    ],
    [
      "*From:* Acme Support <support@acme.example>\n*Sent:* Tuesday, March 3, 2026 10:15 AM\n*To:* Jan\n*Subject:* Printer",
    ],
    ["-----Ursprüngliche Nachricht-----\nVon: Acme Support [mailto:support@acme.example]\nGesendet: Dienstag"],
    ["-----Message d'origine-----\nDe : Acme Support"],
  ])("folds everything from an Outlook header block: %s", (block) => {
    const text = `Thanks, done.\r\n\r\n${block.replace(/\n/g, "\r\n")}\r\n\r\nThe earlier mail, unquoted.\r\n`;
    expect(foldText(text)).toEqual({ newText: "Thanks, done.", quoted: `${block}\n\nThe earlier mail, unquoted.` });
  });

  it("keeps 'Sent from my iPhone' and a signature in the new text", () => {
    expect(foldText("Yes.\n\nSent from my iPhone\n\n> On 4 Mar 2026, at 08:12, Acme wrote:\n>\n> Shall we?\n")).toEqual(
      {
        newText: "Yes.\n\nSent from my iPhone",
        quoted: "> On 4 Mar 2026, at 08:12, Acme wrote:\n>\n> Shall we?",
      },
    );
    const signed = "Yes.\n\n-- \nJan\nFacilities\n";
    expect(foldText(signed)).toEqual({ newText: signed, quoted: null });
  });

  it("never folds everything", () => {
    for (const text of [
      "> only a quote\n> nothing new\n",
      "\n\nOn Tue, 3 Mar 2026, Acme wrote:\n> quote\n",
      "From: Acme Support <support@acme.example>\nSent: Tuesday\nTo: Jan\nSubject: Printer\n\nBody\n",
      "",
    ])
      expect(foldText(text)).toEqual({ newText: text, quoted: null });
  });

  it("folds only a quote at the end: interleaved and bottom-posted answers stay", () => {
    const interleaved = "Hi,\n\n> Question one?\n\nAnswer one.\n\n> Question two?\n\nAnswer two.\n";
    expect(foldText(interleaved).quoted).toBeNull();
    const bottom = "On Tue, Acme wrote:\n> Question?\n\nMy answer below the quote.\n";
    expect(foldText(bottom).quoted).toBeNull();
    expect(foldText("Answer.\n\n> q1\n\nMore.\n\n> q2\n> q2b\n")).toEqual({
      newText: "Answer.\n\n> q1\n\nMore.",
      quoted: "> q2\n> q2b",
    });
  });

  it("does not fold forwards: their header blocks and quotes are the message", () => {
    const gmail =
      "FYI\n\n---------- Forwarded message ---------\nFrom: Petra <petra@customer.example>\nDate: Mon, 2 Mar 2026\nSubject: Invoice\nTo: <jan@example.com>\n\nThe invoice is wrong.\n";
    expect(foldText(gmail).quoted).toBeNull();
    const apple =
      "FYI\n\nBegin forwarded message:\n\n> From: Petra <petra@customer.example>\n> Subject: Invoice\n>\n> The invoice is wrong.\n";
    expect(foldText(apple).quoted).toBeNull();
  });

  it("does not take a mailing-list footer's underscores for Outlook's separator", () => {
    const text =
      "Answer.\n\n_______________________________________________\nusers mailing list -- users@lists.example\n";
    expect(foldText(text).quoted).toBeNull();
  });

  it("stays linear on a megabyte of '>' or of spaces, and on many marker-like lines", () => {
    const started = performance.now();
    for (const text of [
      ">".repeat(1 << 20),
      " ".repeat(1 << 20),
      `new\n${">".repeat(1 << 20)}`,
      `new\n${" ".repeat(1 << 20)}x`,
      `On ${" ".repeat(1 << 20)} wrote:`,
      "Am schrieb schrieb: \n".repeat(50_000),
      "From: a\n".repeat(100_000),
      `new\n${"> q\n".repeat(200_000)}`,
    ])
      foldText(text);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(foldText(`new\n${">".repeat(1 << 20)}`).quoted).toHaveLength(1 << 20);
  });
});

describe("foldHtml", () => {
  const wrap = (before: string, quote: string, after = "") => `${before}${fold}${quote}</details>${after}`;

  it("wraps Gmail's gmail_quote and nothing else", () => {
    const quote =
      '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Tue, Acme wrote:<br></div><blockquote class="gmail_quote">old</blockquote></div>';
    const signature =
      '<br clear="all"><span class="gmail_signature_prefix">-- </span><div class="gmail_signature">Jan</div>';
    expect(foldHtml(`<div dir="ltr">Thanks</div><br>${quote}${signature}`)).toEqual({
      html: wrap('<div dir="ltr">Thanks</div><br>', quote, signature),
      folded: true,
    });
  });

  it("wraps Thunderbird's cite prefix with its blockquote", () => {
    const quote =
      '<div class="moz-cite-prefix">On 03/03/2026 10:15, Acme wrote:<br>\n</div>\n<blockquote type="cite">old</blockquote>';
    expect(foldHtml(`<p>Done.</p>\n${quote}\n</body>`).html).toBe(wrap("<p>Done.</p>\n", quote, "\n</body>"));
  });

  it("wraps an Apple Mail blockquote with the attribution line before it", () => {
    const quote =
      '<div>On 3 Mar 2026, at 10:15, Acme wrote:</div><br class="Apple-interchange-newline"><blockquote type="cite">old</blockquote>';
    expect(foldHtml(`Thanks!<div><br></div>${quote}<br>`).html).toBe(wrap("Thanks!<div><br></div>", quote, "<br>"));
  });

  it("folds an Outlook header block and everything after it in its container", () => {
    const html =
      '<body><div class="WordSection1"><p>Thanks</p><div><div style="border:none;border-top:solid #E1E1E1 1.0pt"><p><b>From:</b> Acme<br><b>Sent:</b> Tuesday</p></div></div><p>old</p><p>older</p></div></body>';
    const start = html.indexOf("<div><div style");
    const end = html.indexOf("</div></body>");
    expect(foldHtml(html).html).toBe(wrap(html.slice(0, start), html.slice(start, end), html.slice(end)));
  });

  it("folds only a trailing blockquote: interleaved answers stay visible", () => {
    const html =
      '<p>Hi</p><blockquote type="cite">q1</blockquote><p>a1</p><blockquote type="cite">q2</blockquote><div class="moz-signature">-- Tom</div>';
    const result = foldHtml(html);
    expect(result.html).toBe(
      wrap(
        '<p>Hi</p><blockquote type="cite">q1</blockquote><p>a1</p>',
        '<blockquote type="cite">q2</blockquote>',
        '<div class="moz-signature">-- Tom</div>',
      ),
    );
    expect(foldHtml('<blockquote type="cite">q1</blockquote><p>answer below</p>').folded).toBe(false);
  });

  it("never folds everything", () => {
    for (const html of [
      '<div class="gmail_quote"><div class="gmail_attr">On Tue, Acme wrote:</div><blockquote>old</blockquote></div>',
      '<html><body><div>&nbsp;</div><blockquote type="cite">only a quote</blockquote></body></html>',
      '<div id="divRplyFwdMsg"><b>From:</b> Acme</div><div>old</div>',
    ])
      expect(foldHtml(html)).toEqual({ html, folded: false });
    // An image counts as something the sender wrote.
    expect(foldHtml('<img src="cid:shot"><blockquote type="cite">old</blockquote>').folded).toBe(true);
  });

  it("does not fold a Gmail forward or an Apple Mail forward, but folds history inside a forward", () => {
    const forward =
      '<div>FYI</div><div class="gmail_quote"><div class="gmail_attr">---------- Forwarded message ---------<br>From: Petra</div><div>The invoice is wrong.</div></div>';
    expect(foldHtml(forward).folded).toBe(false);
    const apple = '<div>FYI</div><div>Begin forwarded message:</div><blockquote type="cite">From: Petra</blockquote>';
    expect(foldHtml(apple).folded).toBe(false);
    const nested = forward.replace(
      "</div></div>",
      '</div><div class="gmail_quote"><div class="gmail_attr">On Mon, Acme wrote:</div><blockquote>older</blockquote></div></div>',
    );
    const { html } = foldHtml(nested);
    expect(html).toContain(`The invoice is wrong.</div>${fold}<div class="gmail_quote"><div class="gmail_attr">On Mon`);
  });

  it("splices at node boundaries when elements are closed implicitly or never", () => {
    const implicit = '<p>Thanks<div class="gmail_quote">old<p>older</div><p>after';
    const { html } = foldHtml(implicit);
    expect(html).toBe(`<p>Thanks${fold}<div class="gmail_quote">old<p>older</div></details><p>after`);
    const unclosed = foldHtml('<div>Thanks</div><div class="gmail_quote">old <b>bold');
    expect(unclosed.html).toBe(`<div>Thanks</div>${fold}<div class="gmail_quote">old <b>bold</details>`);
    expect(sanitizeMessageHtml(unclosed.html)).toBe(
      '<div>Thanks</div><details data-quote=""><summary>Show quoted text</summary><div>old <b>bold</b></div></details>',
    );
  });

  it("survives the sanitizer, which drops any other attribute on details and summary", () => {
    expect(sanitizeMessageHtml(`${fold}x</details>`)).toBe(`${fold}x</details>`);
    expect(
      sanitizeMessageHtml(
        '<details open ontoggle="alert(1)" data-quote="x"><summary onclick="alert(1)">s</summary></details>',
      ),
    ).toBe('<details data-quote=""><summary>s</summary></details>');
  });

  it("stays linear on a megabyte of '>', of spaces, and on deep or wide quote markup", () => {
    const started = performance.now();
    for (const html of [
      ">".repeat(1 << 20),
      " ".repeat(1 << 20),
      `<p>new</p>${'<blockquote type="cite">'.repeat(20_000)}q`,
      `<p>new</p>${'<blockquote type="cite">q</blockquote>a'.repeat(20_000)}`,
      `<p>new</p>${'<div class="gmail_quote"><div class="gmail_attr">---------- Forwarded message ---------</div>'.repeat(10_000)}`,
      `<p>new</p>${"<div>".repeat(20_000)}${"<br>".repeat(20_000)}<blockquote type="cite">q</blockquote>`,
    ])
      foldHtml(html);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
