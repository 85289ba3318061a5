import { readFileSync } from "node:fs";

/**
 * Raw mail as it reaches the inbound handler (SES's receiving headers on top), one file per case,
 * with the facts a test can check after parsing. corpus.test.ts proves each fact against
 * postal-mime; quote.test.ts folds each body. Files under corpus/ are ordinary mail, under xss/
 * hostile mail: every payload there either calls alert() or loads a URL on host xss.invalid, so a
 * browser test can watch for dialogs and for requests to that host. Remote images use tracker.example.
 */

/** Whose reply conventions the message follows (quoted-history markup in particular). */
export type MailerStyle =
  | "gmail"
  | "outlook-desktop"
  | "outlook-web"
  | "outlook-plain"
  | "apple-mail"
  | "ios-mail"
  | "thunderbird"
  | "mailman"
  | "other";

/** A header that marks mail as automated: never answered automatically. */
export interface AutomatedMarker {
  /** Lower-case header name; "from" when the sender is a mailer-daemon or postmaster. */
  header: string;
  /** The value as the mail carries it (for "from", the address). */
  value: string;
}

/** Where a hostile message carries its payloads. */
export type XssChannel = "body" | "subject" | "name" | "filename" | "quote" | "inline-image" | "remote-images";

export interface CorpusMessage {
  /** Relative to test/mail/. */
  file: string;
  description: string;
  mailer: MailerStyle;
  /** CRLF as on the wire, or bare LF (a Unix tool's mail). */
  lineEndings: "crlf" | "lf";
  /** The first From mailbox, name decoded ("" when there is none). */
  from: { address: string; name: string };
  /** Decoded Subject. */
  subject: string;
  /** Message-ID with angle brackets, null when the header is missing. */
  messageId: string | null;
  /** The body's charset label when it is not UTF-8 or ASCII. */
  charset?: string;
  /** A snippet of what the sender newly wrote, as decoded text (or HTML when there is no text part); null when postal-mime finds no body. */
  newText: string | null;
  /** A snippet of the sender's signature, which stays with the new text when the quote is folded. */
  signature?: string;
  /** A snippet that is only in the quoted history, which folding hides; null when nothing should be folded. */
  quoted: string | null;
  /** The message has an HTML body (foldHtml folds it exactly when `quoted` is set). */
  html: boolean;
  /** Parts postal-mime returns as attachments, inline images included. */
  attachments: number;
  /** Decoded file names, in order, when every attachment has one. */
  attachmentNames?: string[];
  /** Attachments referenced from the HTML by Content-ID. */
  inlineImages?: number;
  /** Every automation marker the message carries; empty for mail a person wrote. */
  automated: AutomatedMarker[];
  /** What is broken about it. */
  malformed?: string;
  /** Hostile messages only. */
  xss?: XssChannel[];
}

const none: AutomatedMarker[] = [];

const messages = {
  "gmail-reply": {
    file: "corpus/gmail-reply.eml",
    description:
      "Gmail top-posted reply: div.gmail_quote with div.gmail_attr, '>' quotes in text/plain, the attribution wrapped inside the address, and the signature ('-- ') below the quote as Gmail places it by default",
    mailer: "gmail",
    lineEndings: "crlf",
    from: { address: "jan.novak@example.com", name: "Jan Novák" },
    subject: "Re: [ACME-1042] Printer on the 3rd floor is offline",
    messageId: "<CAHx5pW3v0kq9Fq2L7cR_0e+T1mZx8dN4bQy6sKjP1uA3wVf2Hg@mail.gmail.com>",
    newText: "the printer is back online after the restart",
    signature: "Facilities, Northwind Traders",
    quoted: "restarting the print spooler",
    html: true,
    attachments: 0,
    automated: none,
  },
  "gmail-forward": {
    file: "corpus/gmail-forward.eml",
    description:
      "Gmail forward ('---------- Forwarded message ---------' inside a div.gmail_quote) with the forwarded PDF: the forwarded mail is the message, so nothing folds",
    mailer: "gmail",
    lineEndings: "crlf",
    from: { address: "jan.novak@example.com", name: "Jan Novák" },
    subject: "Fwd: Invoice 2026-0117 is wrong",
    messageId: "<CAHx5pW0Hk2c9TQqzr3Lw=B1v4pN7eXa8yUo5mJd2sG6fRt0iKw@mail.gmail.com>",
    newText: "we only have 12 since January",
    quoted: null,
    html: true,
    attachments: 1,
    attachmentNames: ["Invoice 2026-0117.pdf"],
    automated: none,
  },
  "outlook-desktop-reply": {
    file: "corpus/outlook-desktop-reply.eml",
    description:
      "Outlook for Windows (Word HTML, base64 parts): signature, then the border-top header block (From/Sent/To/Subject) nested in a bare <div>, then the earlier mail unquoted; ISO-8859-1 encoded-word name with a comma",
    mailer: "outlook-desktop",
    lineEndings: "crlf",
    from: { address: "thomas.mueller@contoso.example", name: "Müller, Thomas" },
    subject: "RE: [ACME-1077] VPN drops every 30 minutes",
    messageId: "<AM9PR06MB7421B3C0D2E5F61A8B9C4D7EA82B2@AM9PR06MB7421.eurprd06.prod.outlook.com>",
    newText: "The VPN has been stable since yesterday’s update",
    signature: "IT Operations | Contoso Ltd.",
    quoted: "We have pushed a new VPN profile",
    html: true,
    attachments: 0,
    automated: none,
  },
  "outlook-web-reply": {
    file: "corpus/outlook-web-reply.eml",
    description:
      "Outlook on the web in Italian: <hr> then div#divRplyFwdMsg (Da/Inviato/A/Oggetto), the history after it; text/plain with the underscore line and the localised header block",
    mailer: "outlook-web",
    lineEndings: "crlf",
    from: { address: "sofia.rossi@fabrikam.example", name: "Sofia Rossi" },
    subject: "R: [ACME-1081] Nuovo portatile per Marco",
    messageId: "<DB9PR08MB6618D5E2A4C3B1F0E7A9C6B1D41F2@DB9PR08MB6618.eurprd08.prod.outlook.com>",
    newText: "per favore preparate il portatile entro venerdì",
    quoted: "quale modello dobbiamo ordinare",
    html: true,
    attachments: 0,
    automated: none,
  },
  "outlook-original-message": {
    file: "corpus/outlook-original-message.eml",
    description:
      "Outlook in plain-text mode: '-----Original Message-----' and a From/Sent/To/Subject block with [mailto:]",
    mailer: "outlook-plain",
    lineEndings: "crlf",
    from: { address: "piotr.kowalski@example.org", name: "Kowalski, Piotr" },
    subject: "RE: [ACME-1063] Nightly backup fails",
    messageId: "<001201dcab2f$8e4b2c10$aae18430$@example.org>",
    newText: "The backup job failed again last night",
    quoted: "We changed the retention policy on the NAS",
    html: false,
    attachments: 0,
    automated: none,
  },
  "apple-mail-reply": {
    file: "corpus/apple-mail-reply.eml",
    description:
      "Apple Mail on macOS in German: blockquote type=cite with the 'Am … schrieb …:' attribution inside it; in text/plain the attribution is itself '>'-quoted; QP bodies, escaped Mime-Version comment",
    mailer: "apple-mail",
    lineEndings: "crlf",
    from: { address: "lena.weber@beispiel.example", name: "Lena Weber" },
    subject: "Re: [ACME-1050] Passwort zurücksetzen",
    messageId: "<4C2A9E71-0B3D-4F58-A6E2-91D7C3B5F08A@beispiel.example>",
    newText: "Funktioniert wieder, vielen Dank!",
    quoted: "wir haben Ihr Passwort zurückgesetzt",
    html: true,
    attachments: 0,
    automated: none,
  },
  "ios-mail-reply": {
    file: "corpus/ios-mail-reply.eml",
    description:
      "iPhone Mail: 'Sent from my iPhone' (stays new text), the attribution in its own blockquote type=cite inside a div, then the quoted mail in a second blockquote",
    mailer: "ios-mail",
    lineEndings: "crlf",
    from: { address: "omar.haddad@example.net", name: "Omar Haddad" },
    subject: "Re: [ACME-1102] Cracked screen on tablet",
    messageId: "<9E3B7A15-2C4D-4F6E-8A1B-0D5C3E7F9A24@example.net>",
    newText: "Yes, please replace it.",
    signature: "Sent from my iPhone",
    quoted: "The repair will cost 89 EUR",
    html: true,
    attachments: 0,
    automated: none,
  },
  "thunderbird-reply": {
    file: "corpus/thunderbird-reply.eml",
    description:
      "Thunderbird in French: pre.moz-signature ('-- ') above div.moz-cite-prefix ('Le … a écrit :', wrapped, with &nbsp;) and blockquote type=cite; text/plain format=flowed, 8bit",
    mailer: "thunderbird",
    lineEndings: "crlf",
    from: { address: "camille.durand@exemple.example", name: "Camille Durand" },
    subject: "Re: [ACME-1090] L'imprimante du 2e étage n'imprime plus",
    messageId: "<5e1c3a7b-92d4-4f06-b8e1-7c2a9d0f4b63@exemple.example>",
    newText: "L'imprimante fonctionne de nouveau.",
    signature: "Comptabilité · Exemple SARL",
    quoted: "pourriez-vous redémarrer",
    html: true,
    attachments: 0,
    automated: none,
  },
  "forward-as-attachment": {
    file: "corpus/forward-as-attachment.eml",
    description:
      "Outlook 'forward as attachment': the original mail is a message/rfc822 part with Content-Disposition: attachment",
    mailer: "outlook-desktop",
    lineEndings: "crlf",
    from: { address: "anna.schmidt@contoso.example", name: "Anna Schmidt" },
    subject: "FW: Password reset link does not work",
    messageId: "<AM9PR06MB74210C3B4A5D6E7F8091A2B3C4D5E@AM9PR06MB7421.eurprd06.prod.outlook.com>",
    newText: "The reset link in it gives a 404.",
    quoted: null,
    html: false,
    attachments: 1,
    automated: none,
  },
  "auto-reply-exchange-ooo": {
    file: "corpus/auto-reply-exchange-ooo.eml",
    description:
      "Exchange out-of-office reply ('Automatic reply:'): Auto-Submitted: auto-generated, X-Auto-Response-Suppress: All",
    mailer: "outlook-web",
    lineEndings: "crlf",
    from: { address: "thomas.mueller@contoso.example", name: "Müller, Thomas" },
    subject: "Automatic reply: [ACME-1077] VPN drops every 30 minutes",
    messageId: "<AM9PR06MB742199A8B7C6D5E4F3021A2B3C4D5@AM9PR06MB7421.eurprd06.prod.outlook.com>",
    newText: "I am out of the office until Monday, 16 March 2026",
    quoted: null,
    html: true,
    attachments: 0,
    automated: [{ header: "auto-submitted", value: "auto-generated" }],
  },
  "auto-reply-gmail-vacation": {
    file: "corpus/auto-reply-gmail-vacation.eml",
    description: "Gmail vacation responder: Auto-Submitted: auto-replied, its own subject, In-Reply-To our mail",
    mailer: "gmail",
    lineEndings: "crlf",
    from: { address: "jan.novak@example.com", name: "Jan Novák" },
    subject: "On holiday until 16 March",
    messageId: "<CAHx5pW2=vacation.9Ub4zT1cN7yR0kQ3sL6mX8dF2jP5eA@mail.gmail.com>",
    newText: "I am on holiday until 16 March",
    quoted: null,
    html: true,
    attachments: 0,
    automated: [{ header: "auto-submitted", value: "auto-replied" }],
  },
  "auto-reply-x-autoreply": {
    file: "corpus/auto-reply-x-autoreply.eml",
    description:
      "Hosting-panel (Exim) vacation autoresponder without Auto-Submitted: X-Autoreply, X-Autorespond, Precedence: auto_reply, empty envelope sender",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "info@bakery.example", name: "" },
    subject: "Autoreply: Re: [ACME-1042] Printer on the 3rd floor is offline",
    messageId: "<E1vZq3X-0004Kd-2T@server41.hosting.example>",
    newText: "Our shop is closed for renovation until",
    quoted: null,
    html: false,
    attachments: 0,
    automated: [
      { header: "return-path", value: "<>" },
      { header: "x-autoreply", value: "yes" },
      { header: "x-autorespond", value: "Re: [ACME-1042] Printer on the 3rd floor is offline" },
      { header: "precedence", value: "auto_reply" },
    ],
  },
  "auto-ack-other-helpdesk": {
    file: "corpus/auto-ack-other-helpdesk.eml",
    description:
      "Another help desk's acknowledgement of our mail, marked only by Precedence: bulk (the other half of an auto-responder loop)",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "helpdesk@northwind.example", name: "Northwind Helpdesk" },
    subject: "[#58213] We received your request: Re: [ACME-1042] Printer on the 3rd floor is offline",
    messageId: "<ticket-58213-ack.1772706001@helpdesk.northwind.example>",
    newText: "Your request #58213 has been received",
    quoted: null,
    html: true,
    attachments: 0,
    automated: [{ header: "precedence", value: "bulk" }],
  },
  "auto-submitted-no": {
    file: "corpus/auto-submitted-no.eml",
    description: "A person's mail sent through a CRM that writes Auto-Submitted: no: not automated",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "eva.horvat@example.com", name: "Eva Horvat" },
    subject: "Two more accounts for the new interns",
    messageId: "<crm.7f3e2a1b@crm.example.com>",
    newText: "please create two more accounts for the interns",
    quoted: null,
    html: false,
    attachments: 0,
    automated: none,
  },
  "dsn-postfix": {
    file: "corpus/dsn-postfix.eml",
    description:
      "Postfix bounce: multipart/report; report-type=delivery-status from MAILER-DAEMON, Return-Path: <>, message/delivery-status and the returned message/rfc822 (our Message-ID inside)",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "MAILER-DAEMON@mx1.customer.example", name: "Mail Delivery System" },
    subject: "Undelivered Mail Returned to Sender",
    messageId: "<20260303110512.7D4F21C0A3@mx1.customer.example>",
    newText: "User unknown in virtual mailbox table",
    quoted: null,
    html: false,
    attachments: 2,
    automated: [
      { header: "return-path", value: "<>" },
      { header: "from", value: "MAILER-DAEMON@mx1.customer.example" },
      { header: "auto-submitted", value: "auto-replied" },
    ],
  },
  "dsn-exchange": {
    file: "corpus/dsn-exchange.eml",
    description:
      "Microsoft 365 non-delivery report from postmaster: multipart/report with text and HTML, message/delivery-status and text/rfc822-headers, Return-Path: <>, no Auto-Submitted",
    mailer: "outlook-web",
    lineEndings: "crlf",
    from: { address: "postmaster@contoso.example", name: "Microsoft Outlook" },
    subject: "Undeliverable: [ACME-1077] VPN drops every 30 minutes",
    messageId: "<8f3e2d1c-0b4a-4d5e-9f6a-7b8c9d0e1f2a@AM9PR06MB7421.eurprd06.prod.outlook.com>",
    newText: "couldn't be delivered",
    quoted: null,
    html: true,
    attachments: 2,
    automated: [
      { header: "return-path", value: "<>" },
      { header: "from", value: "postmaster@contoso.example" },
    ],
  },
  "mailing-list": {
    file: "corpus/mailing-list.eml",
    description:
      "Mailman 3 list post: List-Id, List-Unsubscribe and the other List-* headers, Precedence: list; an interleaved reply (answers below each '>' line) and a list footer, so nothing folds",
    mailer: "mailman",
    lineEndings: "crlf",
    from: { address: "tom.baker@example.org", name: "Tom Baker" },
    subject: "[outdesk-users] Re: CSV export of tickets",
    messageId: "<b3e9a2c4-5d6f-4718-9a0b-1c2d3e4f5a6b@example.org>",
    newText: "the export button on the queue page",
    quoted: null,
    html: false,
    attachments: 0,
    automated: [
      { header: "precedence", value: "list" },
      { header: "list-id", value: "Outdesk users <users.lists.outdesk.example>" },
      { header: "list-unsubscribe", value: "<mailto:users-leave@lists.outdesk.example>" },
    ],
  },
  "charset-iso-8859-1": {
    file: "corpus/charset-iso-8859-1.eml",
    description:
      "Windows Live Mail, ISO-8859-1 body sent 8bit (raw bytes), format=flowed; ISO-8859-1 Q-encoded subject and name",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "juergen.weiss@beispiel.example", name: "Jürgen Weiß" },
    subject: "Lieferung für Bestellung 4711 fehlt",
    messageId: "<000a01dcab4f$2c9e8b10$85dba130$@beispiel.example>",
    charset: "iso-8859-1",
    newText: "Könnten Sie bitte den Status prüfen?",
    quoted: null,
    html: false,
    attachments: 0,
    automated: none,
  },
  "charset-windows-1252": {
    file: "corpus/charset-windows-1252.eml",
    description:
      "Outlook plain text in Windows-1252, quoted-printable, with the bytes only that code page has (“ ” ’ € –) in body, subject and name, and a From/Sent/To/Subject history block",
    mailer: "outlook-plain",
    lineEndings: "crlf",
    from: { address: "siobhan.obrien@example.ie", name: "O’Brien, Siobhán" },
    subject: "RE: [ACME-1110] Quote for “Premium” upgrade",
    messageId: "<003d01dcac1f$5b6c7d80$128d7880$@example.ie>",
    charset: "windows-1252",
    newText: "the “Premium” tier at €1,250 per year is fine for us",
    quoted: "that’s for up to 25 seats",
    html: false,
    attachments: 0,
    automated: none,
  },
  "charset-shift-jis": {
    file: "corpus/charset-shift-jis.eml",
    description:
      "Japanese in Shift_JIS sent 8bit, with 0x5C trail bytes (ソ, 表) and NEC row-13 characters (①); Shift_JIS B-encoded subject and name",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "taro.yamada@jp.example", name: "山田 太郎" },
    subject: "ログインできません（ソフト表示エラー）",
    messageId: "<20260303094109.8F3A.TARO@jp.example>",
    charset: "shift_jis",
    newText: "ソフトの画面に何も表示されません",
    quoted: null,
    html: false,
    attachments: 0,
    automated: none,
  },
  "charset-gb2312": {
    file: "corpus/charset-gb2312.eml",
    description:
      "Foxmail, Simplified Chinese in GB2312: base64 text/plain and quoted-printable HTML; B-encoded subject, B-encoded name inside quotes",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "li.wei@cn.example", name: "李伟" },
    subject: "关于三月份发票金额的问题",
    messageId: "<202603041015310451838@cn.example>",
    charset: "gb2312",
    newText: "请尽快更正并重新开具发票",
    quoted: null,
    html: true,
    attachments: 0,
    automated: none,
  },
  "encoded-words": {
    file: "corpus/encoded-words.eml",
    description:
      "RFC 2047: subject of four encoded words (three UTF-8 B words split inside '€', an ISO-8859-1 Q word) between plain text; Q-encoded name; ISO-2022-JP and mixed encoded/plain names in Cc; RFC 2231 file names (percent-encoded, continued) and an encoded-word file name",
    mailer: "thunderbird",
    lineEndings: "crlf",
    from: { address: "bjorn.astrom@sverige.example", name: "Björn Åström" },
    subject: "Re: [ACME-1095] Rechnung für März – 120 € offen Größe: 5 MB",
    messageId: "<a9f8e7d6-c5b4-4a3b-9c2d-1e0f9a8b7c6d@sverige.example>",
    newText: "bitte finden Sie anbei die Übersicht für März",
    quoted: null,
    html: false,
    attachments: 3,
    attachmentNames: ["Übersicht März 2026.pdf", "Rechnung für März.xlsx", "Größentabelle.csv"],
    automated: none,
  },
  "inline-image": {
    file: "corpus/inline-image.eml",
    description:
      "Outlook screenshot pasted into the body: multipart/related around multipart/alternative, <img src=cid:image001.png@…>, a real PNG with Content-ID and Content-Disposition: inline",
    mailer: "outlook-desktop",
    lineEndings: "crlf",
    from: { address: "lucas.martin@fabrikam.example", name: "Lucas Martin" },
    subject: "Timesheet shows an error when saving",
    messageId: "<DB9PR08MB66187A6B5C4D3E2F1A0B9C8D7E6F5@DB9PR08MB6618.eurprd08.prod.outlook.com>",
    newText: "Here is a screenshot of the error message",
    quoted: null,
    html: true,
    attachments: 1,
    attachmentNames: ["image001.png"],
    inlineImages: 1,
    automated: none,
  },
  "many-attachments": {
    file: "corpus/many-attachments.eml",
    description:
      "Thunderbird mail with twelve attachments of common types (PDF, PNG, JPEG, CSV, JSON, ZIP, ICS, DOCX, XLSX…)",
    mailer: "thunderbird",
    lineEndings: "crlf",
    from: { address: "nina.petrova@example.org", name: "Nina Petrova" },
    subject: "Logs and screenshots for the router outage",
    messageId: "<0b7e2f1c-8d3a-4c5b-a6e9-f1d2c3b4a596@example.org>",
    newText: "attached are the logs, screenshots and documents",
    quoted: null,
    html: false,
    attachments: 12,
    attachmentNames: [
      "report.pdf",
      "screenshot-1.png",
      "screenshot-2.png",
      "photo.jpg",
      "export.csv",
      "notes.txt",
      "config.json",
      "server.log",
      "logs.zip",
      "invite.ics",
      "contract.docx",
      "budget.xlsx",
    ],
    automated: none,
  },
  "missing-message-id": {
    file: "corpus/missing-message-id.eml",
    description:
      "A website contact form (PHP mail()): no Message-ID, bare LF line endings, From a no-reply address and Reply-To the person",
    mailer: "other",
    lineEndings: "lf",
    from: { address: "noreply@customer.example", name: "Website Contact Form" },
    subject: "Contact form: Cannot download invoice",
    messageId: null,
    newText: "in the portal nothing happens",
    quoted: null,
    html: false,
    attachments: 0,
    automated: none,
  },
  "duplicate-message-id-a": {
    file: "corpus/duplicate-message-id-a.eml",
    description:
      "Scan-to-mail firmware that always writes Message-ID <000001.scan@mfp.local>: a scanned PDF from one device",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "scanner-2f@customer.example", name: "MFP 2F" },
    subject: "Scanned document from MFP-2F",
    messageId: "<000001.scan@mfp.local>",
    newText: "Scanned on MFP-2F",
    quoted: null,
    html: false,
    attachments: 1,
    attachmentNames: ["SCAN_20260303_090010.pdf"],
    automated: none,
  },
  "duplicate-message-id-b": {
    file: "corpus/duplicate-message-id-b.eml",
    description:
      "A different mail from another device, a day later, with the same Message-ID as duplicate-message-id-a",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "scanner-4f@customer.example", name: "MFP 4F" },
    subject: "Paper jam report from MFP-4F",
    messageId: "<000001.scan@mfp.local>",
    newText: "reports a paper jam in tray 3",
    quoted: null,
    html: false,
    attachments: 0,
    automated: none,
  },
  "malformed-missing-closing-boundary": {
    file: "corpus/malformed-missing-closing-boundary.eml",
    description: "multipart/mixed whose closing '--boundary--' line is missing",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "carlos.ruiz@example.net", name: "Carlos Ruiz" },
    subject: "Error log from the kiosk",
    messageId: "<kiosk-7.20260303184458@example.net>",
    newText: "The kiosk in the lobby crashed twice today.",
    quoted: null,
    html: false,
    attachments: 1,
    attachmentNames: ["kiosk.log"],
    automated: none,
    malformed: "no closing boundary",
  },
  "malformed-wrong-boundary": {
    file: "corpus/malformed-wrong-boundary.eml",
    description:
      "multipart/alternative whose parts use a different boundary than the header declares: postal-mime finds no body at all",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "alerts@monitor.customer.example", name: "Monitoring" },
    subject: "Disk almost full on fileserver01",
    messageId: "<alert.1772593798.fileserver01@monitor.customer.example>",
    newText: null,
    quoted: null,
    html: false,
    attachments: 0,
    automated: none,
    malformed: "declared boundary never occurs",
  },
  "malformed-unquoted-boundary": {
    file: "corpus/malformed-unquoted-boundary.eml",
    description: "Outlook 2007 boundary parameter left unquoted although it contains '=' (a tspecial)",
    mailer: "outlook-desktop",
    lineEndings: "crlf",
    from: { address: "hr@example.org", name: "HR Team" },
    subject: "New starter on 16 March",
    messageId: "<000601dcac6e$2a3b4c50$7eb1e4f0$@example.org>",
    newText: "Please prepare a laptop and an account for Ida Berg",
    quoted: null,
    html: true,
    attachments: 0,
    automated: none,
    malformed: "unquoted boundary with '='",
  },
  "malformed-truncated-part": {
    file: "corpus/malformed-truncated-part.eml",
    description: "Cut off mid-line inside a base64 PDF: no final newline, no closing boundary",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "legal@example.net", name: "Legal Department" },
    subject: "Signed contract",
    messageId: "<legal.20260305172040.3321@example.net>",
    newText: "Here is the signed contract",
    quoted: null,
    html: false,
    attachments: 1,
    attachmentNames: ["contract-signed.pdf"],
    automated: none,
    malformed: "truncated inside an attachment",
  },
  "malformed-8bit-headers": {
    file: "corpus/malformed-8bit-headers.eml",
    description:
      "Mutt mail with raw UTF-8 in Subject and From (no encoded words) and a raw ISO-8859-1 byte in the To name",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "zoe.simkova@example.cz", name: "Zoë Šimková" },
    subject: "Přístup zablokován – účet zoe.simkova",
    messageId: "<20260303140251.GA2291@example.cz>",
    newText: "můj účet je od rána zablokovaný",
    quoted: null,
    html: false,
    attachments: 0,
    automated: none,
    malformed: "8-bit header bytes, one of them not UTF-8",
  },
  "malformed-bad-base64": {
    file: "corpus/malformed-bad-base64.eml",
    description:
      "base64 text part with a space, '*', a line of '!' and missing padding; a base64 attachment with '=', '$' and '?' in the middle",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "reports@erp.customer.example", name: "ERP Reports" },
    subject: "Weekly stock report",
    messageId: "<erp.weekly.20260306@erp.customer.example>",
    newText: "Item 4471 is below its reorder level",
    quoted: null,
    html: false,
    attachments: 1,
    attachmentNames: ["stock.dat"],
    automated: none,
    malformed: "invalid base64 characters and padding",
  },
  "xss-html-body": {
    file: "xss/html-body.eml",
    description:
      "HTML body with script, iframe (src, srcdoc), object/embed/applet, svg onload/animate, math/mglyph mXSS, img onerror, javascript:/vbscript:/data: links (tab-, newline- and entity-obfuscated), CSS expression/url(), <style> @import, meta refresh, base, link, form/formaction, details ontoggle, noscript/textarea/xmp/template/plaintext, comments and CDATA",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "mallory@evil.example", name: "Mallory" },
    subject: "Invoice question",
    messageId: "<xss-html-body@evil.example>",
    newText: "please see the details below",
    quoted: null,
    html: true,
    attachments: 0,
    automated: none,
    xss: ["body"],
  },
  "xss-subject-and-name": {
    file: "xss/subject-and-name.eml",
    description:
      "Markup in the subject (raw and B-encoded), in the From name (Q-encoded, breaking out of an attribute), Reply-To and Cc names, and in the text body",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "mallory@evil.example", name: '"><img src=x onerror=alert(1)>' },
    subject: "[ACME-1042] <img src=x onerror=alert(1)> <script>alert(1)</script>",
    messageId: "<xss-subject@evil.example>",
    newText: "the subject and my name look odd",
    quoted: null,
    html: false,
    attachments: 0,
    automated: none,
    xss: ["subject", "name", "body"],
  },
  "xss-attachment-filename": {
    file: "xss/attachment-filename.eml",
    description:
      "Attachment names that are markup or tricks: an attribute break-out (RFC 2231), an <svg onload> name on an SVG with script, an HTML file with script, a path traversal, and a right-to-left override hiding .exe",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "mallory@evil.example", name: "Mallory" },
    subject: "Documents for the audit",
    messageId: "<xss-filename@evil.example>",
    newText: "the documents for the audit are attached",
    quoted: null,
    html: false,
    attachments: 5,
    attachmentNames: [
      '"><img src=x onerror=alert(1)>.pdf',
      "<svg onload=alert(1)>.svg",
      "report.html",
      "../../../../etc/passwd",
      "invoice\u202efdp.exe",
    ],
    automated: none,
    xss: ["filename"],
  },
  "xss-remote-images": {
    file: "xss/remote-images.eml",
    description:
      "A tracked sales mail: 1×1 open pixel, remote <img>, srcset, <picture><source>, table background, CSS url() in <style> and style=, video poster, remote stylesheet, all on tracker.example",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "ray@vendor.example", name: "Ray Sales" },
    subject: "Your renewal quote",
    messageId: "<remote-images@evil.example>",
    newText: "the renewal quote is ready whenever you are",
    quoted: null,
    html: true,
    attachments: 0,
    automated: none,
    xss: ["remote-images"],
  },
  "xss-quoted-history": {
    file: "xss/quoted-history.eml",
    description:
      "Gmail-shaped reply whose quoted history tries to close the fold early (</blockquote></details></summary>) and carries details ontoggle, summary onclick, script and javascript: links",
    mailer: "gmail",
    lineEndings: "crlf",
    from: { address: "mallory@evil.example", name: "Mallory" },
    subject: "Re: [ACME-1042] Printer on the 3rd floor is offline",
    messageId: "<xss-quoted@evil.example>",
    newText: "Thanks, that answers my question.",
    quoted: "The old answer.",
    html: true,
    attachments: 0,
    automated: none,
    xss: ["quote"],
  },
  "xss-inline-svg": {
    file: "xss/inline-svg.eml",
    description:
      "HTML-only multipart/related whose cid: image is an SVG with onload and <script> (inline images must never be served from our origin)",
    mailer: "other",
    lineEndings: "crlf",
    from: { address: "mallory@evil.example", name: "Mallory" },
    subject: "Chart of the outage",
    messageId: "<xss-inline-svg@evil.example>",
    newText: "Here is the chart of the outage",
    quoted: null,
    html: true,
    attachments: 1,
    attachmentNames: ["chart.svg"],
    inlineImages: 1,
    automated: none,
    xss: ["inline-image"],
  },
} satisfies Record<string, CorpusMessage>;

export type CorpusName = keyof typeof messages;
/** Every message by name, each typed as a whole CorpusMessage. */
export const corpus: Record<CorpusName, CorpusMessage> = messages;
export const corpusNames = Object.keys(corpus) as CorpusName[];

/** The raw bytes of a corpus message. */
export function loadCorpus(name: CorpusName): Buffer {
  return readFileSync(new URL(corpus[name].file, import.meta.url));
}

/**
 * Node 20.18.3+ and 22.13+ (until nodejs/node#60888 is fixed) decode windows-1252 (and its aliases iso-8859-1, us-ascii) as Latin-1,
 * so bytes 0x80–0x9F come out as C1 controls instead of € “ ” ’ (nodejs/node#60888). postal-mime
 * uses TextDecoder, so parsed text shows the defect; this maps those controls back. C1 controls
 * never occur in real mail text, so the mapping is safe on any decoded string.
 */
export function repairWindows1252(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => windows1252High[c.charCodeAt(0) - 0x80] ?? c);
}
const windows1252High = [..."€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ"];

/** Whether this runtime's TextDecoder needs repairWindows1252. */
export const decoderMangles1252 = new TextDecoder("windows-1252").decode(Uint8Array.of(0x80)) !== "€";

export interface LargeMessageOptions {
  /** Number of attachments, 20 by default. */
  attachments?: number;
  /** Exact size of the message in bytes, 25 MiB by default. */
  totalBytes?: number;
}

/**
 * A message of exactly `totalBytes` with `attachments` base64 parts of pseudo-random (incompressible,
 * reproducible) content, for size and memory limits. Generated rather than committed.
 */
export function largeMessage({ attachments = 20, totalBytes = 25 * 1024 * 1024 }: LargeMessageOptions = {}): Buffer {
  const boundary = "----=_Part_large_0042";
  const head = Buffer.from(
    [
      "Return-Path: <bulk.sender@example.org>",
      "From: Archive Export <bulk.sender@example.org>",
      "To: Acme Support <support@acme.example>",
      `Subject: Archive export with ${attachments} attachments`,
      "Date: Fri, 6 Mar 2026 12:00:00 +0000",
      "Message-ID: <large-message.20260306@example.org>",
      "MIME-Version: 1.0",
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      "",
      `--${boundary}`,
      "Content-Type: text/plain; charset=us-ascii",
      "Content-Transfer-Encoding: 7bit",
      "",
      `The archive export is attached in ${attachments} parts.`,
      "",
    ].join("\r\n"),
  );
  const partHead = (i: number) => {
    const name = `archive-part-${String(i + 1).padStart(2, "0")}.bin`;
    return Buffer.from(
      `\r\n--${boundary}\r\nContent-Type: application/octet-stream; name="${name}"\r\nContent-Disposition: attachment; filename="${name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n`,
    );
  };
  const close = Buffer.from(`\r\n--${boundary}--\r\n`);
  let overhead = head.length + close.length;
  for (let i = 0; i < attachments; i++) overhead += partHead(i).length;
  // Each full base64 line carries 57 bytes in 76 characters plus CRLF.
  const lines = Math.floor((totalBytes - overhead) / attachments / 78);
  if (lines < 1) throw new Error(`totalBytes ${totalBytes} is too small for ${attachments} attachments`);
  const padding = totalBytes - overhead - lines * 78 * attachments;
  const out = Buffer.allocUnsafe(totalBytes);
  let at = head.copy(out, 0);
  // The text part absorbs the remainder so the size is exact: lines of 'x', then one short line.
  for (let left = padding; left > 0; ) {
    const width = Math.min(left, 78);
    out.fill(0x78, at, at + width);
    if (width >= 2) out.write("\r\n", at + width - 2, "latin1");
    at += width;
    left -= width;
  }
  let seed = 0x2545f491;
  const raw = Buffer.allocUnsafe(lines * 57);
  for (let i = 0; i < attachments; i++) {
    at += partHead(i).copy(out, at);
    for (let j = 0; j < raw.length; j += 4) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      for (let k = 0; k < 4 && j + k < raw.length; k++) raw[j + k] = (seed >>> (8 * k)) & 0xff;
    }
    const encoded = raw.toString("base64");
    for (let line = 0; line < lines; line++) {
      at += out.write(encoded.slice(line * 76, line * 76 + 76), at, "latin1");
      at += out.write("\r\n", at, "latin1");
    }
  }
  // The part ends with its own CRLF; the delimiter's leading CRLF belongs to the boundary.
  at += close.copy(out, at);
  if (at !== totalBytes) throw new Error(`largeMessage wrote ${at} of ${totalBytes} bytes`);
  return out;
}
