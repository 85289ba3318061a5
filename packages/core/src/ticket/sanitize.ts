import { Parser } from "htmlparser2";

/** Formatting and tables: nothing that runs, loads, submits or styles. */
const allowedTags = new Set([
  "p",
  "br",
  "div",
  "span",
  "b",
  "strong",
  "i",
  "em",
  "u",
  "s",
  "blockquote",
  "pre",
  "code",
  "ul",
  "ol",
  "li",
  "h1",
  "h2",
  "h3",
  "h4",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "a",
  "hr",
  // The folded quoted history of mail (email/quote.ts), which a sandboxed frame opens without scripts.
  "details",
  "summary",
]);

/** Attribute name → accepts its (decoded) value and returns what to write, or undefined to drop it. */
type AttributeRule = (value: string) => string | undefined;
const cellSpan: AttributeRule = (value) => (/^\d{1,4}$/.test(value) ? value : undefined);
const allowedAttributes: Record<string, Record<string, AttributeRule>> = {
  a: { href: safeHref, title: (value) => value },
  details: { "data-quote": () => "" },
  td: { colspan: cellSpan, rowspan: cellSpan },
  th: { colspan: cellSpan, rowspan: cellSpan },
};

/** Links open outside the frame, without an opener, referrer or endorsement. */
const linkAttributes = ' rel="noopener noreferrer nofollow" target="_blank"';

/**
 * Elements whose content is never mail text: code, styles, form values, embedded documents,
 * metadata and foreign (SVG/MathML) markup. They are dropped with everything inside them; any
 * other disallowed element is dropped but its text is kept.
 */
const droppedWithContent = new Set([
  "script",
  "style",
  "textarea",
  "option",
  "select",
  "noscript",
  "iframe",
  "frame",
  "frameset",
  "object",
  "applet",
  "embed",
  "template",
  "title",
  "head",
  "xmp",
  "noembed",
  "noframes",
  "plaintext",
  "svg",
  "math",
]);

const allowedSchemes = new Set(["http", "https", "mailto"]);
/** Images: parts of the mail itself (`cid:`) or remote ones, which the console loads only when asked. */
const imageSchemes = new Set(["cid", "http", "https"]);

/**
 * An href is kept only with an http, https or mailto scheme. Browsers ignore tabs and newlines
 * anywhere in a URL and trim controls and spaces around it, so those are removed before the
 * scheme is read ("java&#x09;script:" is javascript:); a value without a scheme is dropped.
 */
function safeHref(value: string, schemes = allowedSchemes): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what hides a scheme
  const compact = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, "");
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(compact)?.[1]?.toLowerCase();
  return scheme && schemes.has(scheme) ? value.trim() : undefined;
}

const pixels: AttributeRule = (value) => (/^\d{1,4}$/.test(value) ? value : undefined);

/**
 * An image is kept inert: its source goes to `data-src`, never `src`, so nothing that renders the
 * stored HTML loads it. The console's message frame puts `cid:` images back through presigned
 * URLs and remote ones only when the agent asks. Any other source drops the image.
 */
function inertImage(attributes: Record<string, string>): string | undefined {
  const source = attributes.src ?? attributes["data-src"];
  const src = source === undefined ? undefined : safeHref(source, imageSchemes);
  if (src === undefined) return undefined;
  let tag = `<img data-src="${escapeAttribute(src)}"`;
  if (attributes.alt !== undefined) tag += ` alt="${escapeAttribute(attributes.alt)}"`;
  for (const size of ["width", "height"]) {
    const value = attributes[size] === undefined ? undefined : pixels(attributes[size]);
    if (value !== undefined) tag += ` ${size}="${value}"`;
  }
  return `${tag}>`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: browsers drop NUL from text; so do we
const nul = /\u0000/g;

function escapeText(text: string): string {
  return text.replace(nul, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Allowed elements that have no end tag. */
const voidTags = new Set(["br", "hr"]);

interface OpenElement {
  name: string;
  /** Inside an element dropped with its content (or one itself). */
  dropped: boolean;
  /** Its start tag was written and it has an end tag, which is now owed. */
  owesEndTag: boolean;
}

/**
 * Mail and editor HTML is reduced to inert formatting before it is stored: no scripts, styles,
 * event handlers or forms; images stay inert (inertImage); links keep only http(s)/mailto and open
 * safely. The console renders it inside a sandboxed frame as a second line of defence.
 *
 * The input is only read by the parser; the output is written here from the allowlist, with every
 * text and attribute value escaped, so what a browser parses is exactly what was checked.
 * Comments, CDATA, doctypes and processing instructions are not written.
 */
export function sanitizeMessageHtml(html: string): string {
  let out = "";
  // Mirrors the parser's open elements: it reports a close for everything it opens (void
  // elements at once), innermost first.
  const open: OpenElement[] = [];
  const dropping = () => open.at(-1)?.dropped ?? false;
  const parser = new Parser(
    {
      onopentagname(name) {
        open.push({ name, dropped: dropping() || droppedWithContent.has(name), owesEndTag: false });
      },
      onopentag(name, attributes) {
        const element = open.at(-1);
        if (!element || element.dropped) return;
        if (name === "img") {
          out += inertImage(attributes) ?? "";
          return;
        }
        if (!allowedTags.has(name)) return;
        let tag = `<${name}`;
        for (const [attribute, rule] of Object.entries(allowedAttributes[name] ?? {})) {
          if (!Object.hasOwn(attributes, attribute)) continue;
          const value = rule(attributes[attribute]!);
          if (value !== undefined) tag += ` ${attribute}="${escapeAttribute(value)}"`;
        }
        if (name === "a") tag += linkAttributes;
        out += `${tag}>`;
        element.owesEndTag = !voidTags.has(name);
      },
      onclosetag(name) {
        // Searching down, not just the top, only guards against a parser that skips a close.
        const at = open.findLastIndex((element) => element.name === name);
        if (at < 0) return;
        for (const element of open.splice(at).reverse()) if (element.owesEndTag) out += `</${element.name}>`;
      },
      ontext(text) {
        if (!dropping()) out += escapeText(text);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: false },
  );
  parser.end(html);
  for (const element of open.reverse()) if (element.owesEndTag) out += `</${element.name}>`;
  return out;
}
