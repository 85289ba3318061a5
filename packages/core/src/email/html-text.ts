import { Parser } from "htmlparser2";

const BLOCK = new Set(["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table"]);
const SKIP = new Set(["script", "style", "head", "title"]);

/** Readable text of an HTML-only mail: block elements break lines, scripts and styles are dropped. */
export function htmlToText(html: string): string {
  let out = "";
  let skipping = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (SKIP.has(name)) skipping++;
        else if (BLOCK.has(name)) out += "\n";
      },
      onclosetag(name) {
        if (SKIP.has(name)) skipping = Math.max(0, skipping - 1);
        else if (BLOCK.has(name) && name !== "br") out += "\n";
      },
      ontext(text) {
        if (skipping === 0) out += text.replace(/[ \t\r\n]+/g, " ");
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return out
    .split("\n")
    .map((line) => line.trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
