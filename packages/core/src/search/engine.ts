import MiniSearch, { type Options, type SearchOptions, type SearchResult } from "minisearch";
import type { SearchDocument } from "./document";

/** Fields matched on. Notes (internalText) are left out of a client admin's search. */
export const indexedFields = ["key", "subject", "requester", "tags", "fields", "publicText", "internalText"] as const;
export type IndexedField = (typeof indexedFields)[number];
export const publicFields = indexedFields.filter((field) => field !== "internalText");

/** What a result row shows without reading the document: small, so the index stays small. */
export const storedFields = [
  "clientId",
  "number",
  "key",
  "subject",
  "status",
  "requesterName",
  "requesterEmail",
  "createdAt",
  "updatedAt",
] as const satisfies readonly (keyof SearchDocument)[];

export type StoredFields = Pick<SearchDocument, (typeof storedFields)[number]>;

// Short fields keep compounds whole as well (acme-1042, riley@customer.example), so an exact
// number or address outranks its parts; message text is indexed by its words only.
const compoundFields = new Set<string>(["key", "requester", "tags", "fields"]);

const stopWords = new Set(
  "a an and are as at be but by for from has have i in is it its of on or our so that the this to was we were with you your".split(
    " ",
  ),
);

const MAX_TERM = 48;

/** One term as indexed and as looked up: case and accents folded, stop words and noise dropped. */
export function normalizeTerm(term: string): string | null {
  const folded = term.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  if (folded.length === 0 || folded.length > MAX_TERM || stopWords.has(folded)) return null;
  return folded;
}

const WORD = /[\p{L}\p{N}]+/gu;
const EDGES = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

export function tokenize(text: string, compounds: boolean): string[] {
  const out: string[] = [];
  for (const chunk of text.split(/\s+/)) {
    if (!chunk) continue;
    const parts = chunk.match(WORD) ?? [];
    for (const part of parts) out.push(part);
    if (compounds && parts.length > 1) out.push(chunk.replace(EDGES, ""));
  }
  return out;
}

export const engineOptions: Options<SearchDocument> = {
  idField: "id",
  fields: [...indexedFields],
  storeFields: [...storedFields],
  extractField: (doc, field) => {
    if (field === "requester") return `${doc.requesterName} ${doc.requesterEmail}`;
    if (field === "tags") return doc.tags.join(" ");
    return (doc as unknown as Record<string, unknown>)[field];
  },
  tokenize: (text, field) => tokenize(text, field === undefined || compoundFields.has(field)),
  processTerm: (term) => normalizeTerm(term),
  // Compaction vacuums before it writes a snapshot; nothing runs behind a request's back.
  autoVacuum: false,
};

export function emptyIndex(): MiniSearch<SearchDocument> {
  return new MiniSearch(engineOptions);
}

export function loadIndex(plain: unknown): MiniSearch<SearchDocument> {
  return MiniSearch.loadJS(plain as Parameters<typeof MiniSearch.loadJS>[0], engineOptions);
}

/** Adds or replaces a document; a deleted ticket is discarded. */
export function applyDocument(index: MiniSearch<SearchDocument>, doc: SearchDocument | { id: string; deleted: true }) {
  const present = index.has(doc.id);
  if ("deleted" in doc) {
    if (present) index.discard(doc.id);
    return;
  }
  if (present) index.replace(doc);
  else index.add(doc);
}

const boost: Partial<Record<IndexedField, number>> = { key: 8, subject: 3, requester: 2.5, tags: 2, fields: 1.5 };

export type Hit = SearchResult & StoredFields;

/**
 * Ranked matches (BM25 with field boosts): every word must match somewhere (AND); when no
 * ticket has them all, any word does (OR). The last word matches as a prefix (typing), words of
 * five letters or more forgive one typo.
 */
export function searchIndex(
  index: MiniSearch<SearchDocument>,
  query: string,
  options: { internal: boolean; filter?: (hit: Hit) => boolean },
): Hit[] {
  const base: SearchOptions = {
    fields: options.internal ? [...indexedFields] : publicFields,
    boost,
    prefix: (term, position, terms) => position === terms.length - 1 && term.length >= 2,
    fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
    maxFuzzy: 2,
    tokenize: (text) => tokenize(text, true),
    processTerm: (term) => normalizeTerm(term),
    filter: options.filter as SearchOptions["filter"],
    combineWith: "AND",
  };
  const all = index.search(query, base) as Hit[];
  return all.length > 0 ? all : (index.search(query, { ...base, combineWith: "OR" }) as Hit[]);
}

export type HighlightField = "number" | "subject" | "requester" | "tags" | "fields" | "message" | "note";

export interface Highlight {
  field: HighlightField;
  text: string;
  /** [start, end) offsets into `text` of the words that matched. */
  ranges: [number, number][];
}

function matchedRanges(text: string, terms: Set<string>): [number, number][] {
  const ranges: [number, number][] = [];
  for (const found of text.matchAll(WORD)) {
    const term = normalizeTerm(found[0]);
    if (term && terms.has(term)) ranges.push([found.index, found.index + found[0].length]);
  }
  return ranges;
}

const SNIPPET = 180;

/** Up to SNIPPET characters of `text` around its first match, on word boundaries, with ellipses. */
function snippet(text: string, firstMatch: number): string {
  if (text.length <= SNIPPET) return text;
  let start = Math.max(0, firstMatch - 60);
  if (start > 0) start = text.lastIndexOf(" ", start) + 1;
  let end = Math.min(text.length, start + SNIPPET);
  if (end < text.length) end = Math.max(text.lastIndexOf(" ", end), firstMatch + 1);
  return `${start > 0 ? "…" : ""}${text.slice(start, end).replace(/\s+/g, " ")}${end < text.length ? "…" : ""}`;
}

/** Highlights of the fields a hit matched, for rendering as text with marked words. */
export function highlightsOf(
  doc: Partial<SearchDocument>,
  matchedTerms: readonly string[],
  internal: boolean,
): Highlight[] {
  const terms = new Set(matchedTerms);
  const requester = doc.requesterName ? `${doc.requesterName} <${doc.requesterEmail ?? ""}>` : doc.requesterEmail;
  const sources: [HighlightField, string | undefined][] = [
    ["number", doc.key],
    ["subject", doc.subject],
    ["requester", requester],
    ["tags", doc.tags?.join(", ")],
    ["fields", doc.fields],
    ["message", doc.publicText],
    ["note", internal ? doc.internalText : undefined],
  ];
  const out: Highlight[] = [];
  for (const [field, text] of sources) {
    if (!text) continue;
    const first = matchedRanges(text, terms)[0];
    if (!first) continue;
    const cut = snippet(text, first[0]);
    out.push({ field, text: cut, ranges: matchedRanges(cut, terms) });
  }
  return out;
}
