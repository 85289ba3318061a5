import { ElementType, parseDocument } from "htmlparser2";

/**
 * Quoted history: the part of a reply that repeats earlier mail. The thread view shows the new
 * text and folds the history away; the full body stays stored. Both folds are conservative: when
 * unsure (interleaved answers, a forward, nothing new above the quote) they fold nothing.
 */

export interface FoldedText {
  /** What the sender wrote, with a signature kept; lines joined with "\n". */
  newText: string;
  /** The quoted history, or null when nothing was folded. */
  quoted: string | null;
}

export interface FoldedHtml {
  /** The input HTML, with the history wrapped in `<details data-quote="">` when folded. */
  html: string;
  folded: boolean;
}

/** Lines longer than this are body text, never an attribution or header line (keeps matching linear). */
const maxMarkerLine = 1000;

interface Attribution {
  start: RegExp;
  end: RegExp;
  contains?: string;
}

/** "On … wrote:" and its localisations, as mailers write them (Gmail, Apple Mail, Thunderbird). */
const attributions: Attribution[] = [
  { start: /^on\s/i, end: /\bwrote\s?:$/i },
  { start: /^am\s/i, end: /:$/, contains: " schrieb" },
  { start: /^le\s/i, end: /a\s+écrit\s?:$/i },
  { start: /^el\s/i, end: /escribió\s?:$/i },
  { start: /^op\s/i, end: /:$/, contains: " schreef" },
  { start: /^em\s/i, end: /escreveu\s?:$/i },
  { start: /^il\s/i, end: /ha\s+scritto\s?:$/i },
  { start: /^den\s/i, end: /:$/, contains: " skrev" },
  { start: /^\d{4}年/, end: /[:：]$/ },
  { start: /^\S/, end: /写道[:：]$/ },
];

function isAttribution(line: string): boolean {
  if (line.length > maxMarkerLine) return false;
  const text = line.replace(/[\s\u00a0]+/g, " ").trim();
  return attributions.some(
    (rule) =>
      rule.start.test(text) && rule.end.test(text) && (!rule.contains || text.toLowerCase().includes(rule.contains)),
  );
}

/** Starts a forward (Gmail, Thunderbird, Apple Mail): what follows is the message itself, not history. */
const forwardMarker =
  /^(?:-{2,}\s*(?:Forwarded message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado|Doorgestuurd bericht|Mensagem encaminhada|Messaggio inoltrato|Vidarebefordrat meddelande)\s*-{2,}|Begin forwarded message:|Anfang der weitergeleiteten Nachricht:|Début du message réexpédié\s?:)/i;
const originalMessage =
  /^-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Oorspronkelijk bericht|Mensagem original|Messaggio originale|Originalmeddelande)\s*-{2,}$/i;
/** Outlook's header block, in the languages it is most often installed in; "*From:*" is Gmail's rendering of bold. */
const headerLine = (words: string) => new RegExp(`^\\*?(?:${words})\\s?\\*?\\s?:`, "i");
const fromLine = headerLine("From|Von|De|Van|Da|Från|Fra|Od");
const sentLine = headerLine("Sent|Date|Gesendet|Datum|Envoyé|Enviado|Fecha|Verzonden|Inviato|Data|Skickat|Sendt");
const subjectLine = headerLine("Subject|Betreff|Objet|Asunto|Onderwerp|Assunto|Oggetto|Ämne|Emne");

const marker = (line: string) => (line.length > maxMarkerLine ? "" : line.trim());
const isBlank = (line: string) => line.trim() === "";
const isQuoted = (line: string) => line.trimStart().startsWith(">");
const isSignatureDelimiter = (line: string) => line === "-- " || line === "--";

function previousNonBlank(lines: string[], from: number): number {
  let i = from - 1;
  while (i >= 0 && isBlank(lines[i]!)) i--;
  return i;
}

/** A header block ("From:" then "Sent:"/"Date:" and "Subject:" within a few lines) starting at line i. */
function isHeaderBlock(lines: string[], i: number, end: number): boolean {
  if (!fromLine.test(marker(lines[i]!))) return false;
  let sent = false;
  let subject = false;
  for (let j = i + 1; j < Math.min(end, i + 7); j++) {
    const line = marker(lines[j]!);
    sent ||= sentLine.test(line);
    subject ||= subjectLine.test(line);
  }
  return sent && subject;
}

/** Where Outlook-style history begins at line i, or -1: everything below is the earlier mail, unprefixed. */
function outlookHistoryAt(lines: string[], i: number, end: number): number {
  const line = marker(lines[i]!);
  if (originalMessage.test(line)) return i;
  // OWA and new Outlook draw a line of underscores above the header block; mailing-list footers draw one too.
  if (/^_{10,}$/.test(line) && i + 1 < end && isHeaderBlock(lines, i + 1, end)) return i;
  if (!isHeaderBlock(lines, i, end)) return -1;
  const above = previousNonBlank(lines, i);
  // A forward's header block introduces the forwarded mail, which is the message itself.
  if (above >= 0 && forwardMarker.test(marker(lines[above]!))) return -1;
  return i;
}

/**
 * The ">" block at the end of the message (a "-- " signature may follow it), with its attribution
 * line, wrapped over two lines or not. Returns where it starts and where the kept tail begins.
 */
function trailingQuote(lines: string[], end: number): { start: number; tail: number } | null {
  let tail = end;
  for (let i = end - 1; i >= Math.max(0, end - 20); i--) {
    if (isQuoted(lines[i]!)) break;
    if (isSignatureDelimiter(lines[i]!)) {
      tail = i;
      break;
    }
  }
  let start = -1;
  for (let i = previousNonBlank(lines, tail); i >= 0; i--) {
    const line = lines[i]!;
    if (isQuoted(line)) start = i;
    else if (!isBlank(line)) break;
  }
  if (start < 0) return null;
  const above = previousNonBlank(lines, start);
  if (above >= 0) {
    if (forwardMarker.test(marker(lines[above]!))) return null;
    if (isAttribution(lines[above]!)) start = above;
    // Gmail wraps a long attribution, even inside the <address>.
    else if (above > 0 && isAttribution(`${lines[above - 1]} ${lines[above]}`)) start = above - 1;
  }
  return { start, tail };
}

/**
 * Splits plain text into what was newly written and the quoted history: Outlook header blocks and
 * "-----Original Message-----" (everything below them), or a trailing ">" block with its "On … wrote:"
 * line. "Sent from my iPhone" and "-- " signatures stay with the new text. If the whole message
 * would be history, it is all returned as new text.
 */
export function foldText(text: string): FoldedText {
  const lines = text.split(/\r?\n/);
  let end = lines.length;
  while (end > 0 && isBlank(lines[end - 1]!)) end--;
  let start = end;
  let tail = end;
  for (let i = 0; i < end; i++) {
    const at = outlookHistoryAt(lines, i, end);
    if (at >= 0) {
      start = at;
      break;
    }
  }
  const quote = trailingQuote(lines, end);
  if (quote && quote.start < start) ({ start, tail } = quote);
  const before = lines.slice(0, start).join("\n").trimEnd();
  if (start === end || before.trim() === "") return { newText: text, quoted: null };
  const signature = lines.slice(tail, end).join("\n");
  return {
    newText: signature ? `${before}\n\n${signature}` : before,
    quoted: lines.slice(start, tail).join("\n").trim(),
  };
}

type Document = ReturnType<typeof parseDocument>;
type Node = Document["children"][number];
type Element = Extract<Node, { attribs: Record<string, string> }>;
type Text = Extract<Node, { type: ElementType.ElementType.Text }>;
type ParentNode = Element | Document;

const isTag = (node: Node): node is Element => ElementType.isTag(node);
const isText = (node: Node): node is Text => node.type === ElementType.Text;

const invisible = new Set(["head", "style", "script", "title", "template", "xml", "noscript"]);
const signatureClasses = ["gmail_signature", "gmail_signature_prefix", "moz-signature", "ms-outlook-mobile-signature"];
const signatureIds = new Set(["Signature", "AppleMailSignature", "ms-outlook-mobile-signature"]);
const meaningful = /[^\s\u00a0\u200b-\u200d\u2060\ufeff]/;

const hasClass = (element: Element, name: string) => (element.attribs.class ?? "").split(/\s+/).includes(name);
const isSignature = (element: Element) =>
  signatureClasses.some((name) => hasClass(element, name)) || signatureIds.has(element.attribs.id ?? "");
const isCite = (node: Node | null): node is Element =>
  node !== null && isTag(node) && node.name === "blockquote" && node.attribs.type?.toLowerCase() === "cite";

/** The first characters of a node's visible text (whitespace collapsed), reading a bounded number of nodes. */
function leadingText(node: Node, maxChars: number): string {
  let text = "";
  let budget = 500;
  const stack: Node[] = [node];
  while (stack.length > 0 && text.length <= maxChars && budget-- > 0) {
    const current = stack.pop()!;
    if (isText(current)) text += current.data;
    else if (isTag(current) && !invisible.has(current.name)) {
      for (let i = current.children.length - 1; i >= 0; i--) stack.push(current.children[i]!);
    }
  }
  return text
    .replace(/[\s\u00a0]+/g, " ")
    .trim()
    .slice(0, maxChars + 1);
}

interface Range {
  start: number;
  end: number;
}

/** Positions of visible text and images, in document order; `body` leaves out signatures. */
interface Content {
  all: number[];
  body: number[];
}

function collectContent(document: Document): Content {
  const all: number[] = [];
  const body: number[] = [];
  const stack: { node: Node; signature: boolean }[] = [];
  for (let i = document.children.length - 1; i >= 0; i--) stack.push({ node: document.children[i]!, signature: false });
  while (stack.length > 0) {
    const { node, signature } = stack.pop()!;
    if (isText(node)) {
      if (meaningful.test(node.data)) {
        all.push(node.startIndex!);
        if (!signature) body.push(node.startIndex!);
      }
    } else if (isTag(node) && !invisible.has(node.name)) {
      if (node.name === "img") {
        all.push(node.startIndex!);
        if (!signature) body.push(node.startIndex!);
      }
      const inSignature = signature || isSignature(node);
      for (let i = node.children.length - 1; i >= 0; i--)
        stack.push({ node: node.children[i]!, signature: inSignature });
    }
  }
  return { all, body };
}

/** Whether a sorted position list has an entry in [from, to). */
function anyBetween(positions: number[], from: number, to: number): boolean {
  let low = 0;
  let high = positions.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (positions[mid]! < from) low = mid + 1;
    else high = mid;
  }
  return low < positions.length && positions[low]! < to;
}

/**
 * Where a node's source ends. An element closed implicitly (by a later tag, or at the end) reports
 * an end inside that later tag, so the end is clamped to where the next node of it or its ancestors begins.
 */
function endOf(node: Node, length: number): number {
  let end = Math.min((node.endIndex ?? length - 1) + 1, length);
  for (let current: Node | null = node; current; current = current.parent as Element | null) {
    if (current.next?.startIndex != null) {
      end = Math.min(end, current.next.startIndex);
      break;
    }
  }
  return end;
}

/** The previous sibling that shows something, skipping whitespace, <br> and empty elements. */
function previousVisible(node: Node, content: Content): Node | null {
  for (let sibling = node.prev; sibling; sibling = sibling.prev) {
    if (isText(sibling) ? meaningful.test(sibling.data) : isTag(sibling) && sibling.name === "hr") return sibling;
    if (isTag(sibling) && anyBetween(content.all, sibling.startIndex!, endOf(sibling, Infinity))) return sibling;
  }
  return null;
}

function nextElement(node: Node): Element | null {
  for (let sibling = node.next; sibling; sibling = sibling.next) {
    if (isTag(sibling)) return sibling;
    if (isText(sibling) && meaningful.test(sibling.data)) return null;
  }
  return null;
}

/** Outlook's header block: the border-top box (desktop, Mac), divRplyFwdMsg (web) or OutlookMessageHeader (2003). */
function isOutlookHeader(element: Element): boolean {
  if (element.attribs.id === "divRplyFwdMsg" || hasClass(element, "OutlookMessageHeader")) return true;
  if (element.name !== "div" || !/border-top\s*:\s*solid/i.test(element.attribs.style ?? "")) return false;
  return fromLine.test(leadingText(element, 40));
}

const rootTags = new Set(["body", "html"]);

/** From Outlook's header block to the end of its container: Outlook writes the earlier mail unquoted below it. */
function outlookRange(header: Element, content: Content, length: number): Range | null {
  let first: Node = header;
  const above = previousVisible(first, content);
  if (above && isTag(above) && above.name === "hr") first = above;
  // Climb out of wrappers that hold only the header block (desktop Outlook nests it in a bare <div>).
  while (first.parent && isTag(first.parent) && !rootTags.has(first.parent.name)) {
    const parent: Element = first.parent;
    if (anyBetween(content.all, parent.startIndex!, first.startIndex!)) break;
    first = parent;
  }
  const parent = first.parent as ParentNode | null;
  const last = parent?.children.at(-1) ?? first;
  if (parent && isTag(parent) && parent.name === "p") return null;
  return { start: first.startIndex!, end: endOf(last, length) };
}

type Candidate = { range: Range; trailing: boolean } | "skip" | "descend" | null;

function candidate(element: Element, content: Content, length: number): Candidate {
  const whole = (trailing: boolean) => ({
    range: { start: element.startIndex!, end: endOf(element, length) },
    trailing,
  });
  if (element.name === "div" && (hasClass(element, "gmail_quote") || hasClass(element, "gmail_quote_container"))) {
    // Gmail writes the attribution as a direct child; looking no deeper keeps nested forwards linear.
    const attribution = element.children.find((child) => isTag(child) && hasClass(child, "gmail_attr"));
    return attribution && forwardMarker.test(leadingText(attribution, 60)) ? "descend" : whole(false);
  }
  if (hasClass(element, "yahoo_quoted") || element.attribs.id === "mail-editor-reference-message-container")
    return whole(false);
  if (element.name === "div" && hasClass(element, "moz-cite-prefix")) {
    const quote = nextElement(element);
    return isCite(quote) ? { range: { start: element.startIndex!, end: endOf(quote, length) }, trailing: true } : null;
  }
  if (isOutlookHeader(element)) {
    const range = outlookRange(element, content, length);
    return range ? { range, trailing: false } : null;
  }
  if (isCite(element)) {
    const found = whole(true);
    const above = previousVisible(element, content);
    if (above && !(isTag(above) && above.name === "hr")) {
      const text = leadingText(above, maxMarkerLine);
      if (forwardMarker.test(text)) return "skip";
      if (isAttribution(text)) found.range.start = above.startIndex!;
    }
    return found;
  }
  return null;
}

function findQuote(document: Document, content: Content, length: number): Range | null {
  const lastBody = content.body.at(-1) ?? -1;
  const firstContent = content.all[0] ?? Infinity;
  const stack: Node[] = [...document.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!isTag(node) || invisible.has(node.name)) continue;
    const found = candidate(node, content, length);
    if (found === "skip") continue;
    if (found && found !== "descend") {
      // A blockquote with an answer below it is part of an interleaved reply: keep it visible.
      if (found.trailing && lastBody >= found.range.end) continue;
      // Never fold everything: the quote must follow something the sender wrote.
      return firstContent < found.range.start ? found.range : null;
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return null;
}

const foldOpen = '<details data-quote=""><summary>Show quoted text</summary>';
const foldClose = "</details>";

/**
 * Wraps the quoted history of raw mail HTML (before sanitizing) in `<details data-quote="">`, which a
 * sandboxed frame folds without scripts: Gmail's gmail_quote, Outlook's header block and everything
 * after it, Thunderbird's moz-cite-prefix with its blockquote, and Apple Mail's blockquote type=cite
 * with the attribution line before it. A blockquote type=cite is folded only when nothing but a
 * signature follows it, so interleaved answers stay visible. The source is only spliced at node
 * boundaries; the sanitizer then rebuilds the markup from its allow-list.
 */
export function foldHtml(html: string): FoldedHtml {
  const document = parseDocument(html, { withStartIndices: true, withEndIndices: true });
  const content = collectContent(document);
  const range = findQuote(document, content, html.length);
  if (!range) return { html, folded: false };
  return {
    html: `${html.slice(0, range.start)}${foldOpen}${html.slice(range.start, range.end)}${foldClose}${html.slice(range.end)}`,
    folded: true,
  };
}
