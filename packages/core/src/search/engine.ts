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

// A word with inner punctuation (acme-1042, riley@customer.example, e-mail) is indexed whole as
// well as by its parts, so one typed whole is looked up as one term: exact, and fast.
const MAX_COMPOUND = 64;

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

/** Index side: the parts of each word, and the whole of a compound one. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const chunk of text.split(/\s+/)) {
    if (!chunk) continue;
    const parts = chunk.match(WORD) ?? [];
    for (const part of parts) out.push(part);
    if (parts.length > 1) {
      const whole = chunk.replace(EDGES, "");
      if (whole.length <= MAX_COMPOUND) out.push(whole);
    }
  }
  return out;
}

/** Query side: a compound word typed whole is looked up whole (its parts would match far more). */
export function tokenizeQuery(text: string): string[] {
  const out: string[] = [];
  for (const chunk of text.split(/\s+/)) {
    if (!chunk) continue;
    const parts = chunk.match(WORD) ?? [];
    const whole = chunk.replace(EDGES, "");
    if (parts.length > 1 && whole.length <= MAX_COMPOUND) out.push(whole);
    else out.push(...parts);
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
  tokenize: (text) => tokenize(text),
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

type PrefixRule = (term: string, position: number, terms: string[]) => boolean;
const lastWord: PrefixRule = (term, position, terms) => position === terms.length - 1 && term.length >= 2;
/** Words a prefix may stand for before it only counts whole (each costs a pass over its postings). */
const MAX_PREFIX_TERMS = 24;
const fuzziness = (term: string) => (term.length >= 5 ? 0.2 : false);
const MAX_FUZZY = 2;

/** MiniSearch's term map (7.x internals): term → field id → short document id → frequency. */
type Postings = Map<number, Map<number, number>>;
interface TermMap {
  get(term: string): Postings | undefined;
  atPrefix(prefix: string): Iterable<[string, Postings]>;
  fuzzyGet(term: string, distance: number): Map<string, [Postings, number]>;
}
interface Internals {
  _index: TermMap;
  _documentIds: Map<number, unknown>;
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _documentCount: number;
  _storedFields: Map<number, Record<string, unknown>>;
}

/**
 * Matches scored at most: a query matching more tickets than this (a word on most of them) is
 * ranked among the ones changed most recently (MiniSearch numbers documents as they are added or
 * replaced). Scoring every match of a broad query cost 90 ms at 20k tickets; this bounds it.
 */
export const MAX_SCORED = 1_000;

interface Expansion {
  term: string;
  data: Postings;
  /** MiniSearch's weight for a prefix match: the longer the word beyond the prefix, the less. */
  weight: number;
}

const PREFIX_WEIGHT = 0.375;

function expansionsOf(index: MiniSearch<SearchDocument>, word: string, prefix: boolean): Expansion[] {
  const terms = (index as unknown as Internals)._index;
  const out: Expansion[] = [];
  const exact = terms.get(word);
  if (exact) out.push({ term: word, data: exact, weight: 1 });
  if (prefix)
    for (const [found, data] of terms.atPrefix(word))
      if (found !== word) {
        const distance = found.length - word.length;
        out.push({ term: found, data, weight: (PREFIX_WEIGHT * found.length) / (found.length + 0.3 * distance) });
      }
  return out;
}

// MiniSearch's BM25+ parameters, so scores here and from its own search compare.
const BM25 = { k: 1.2, b: 0.7, d: 0.5 };

/**
 * The AND query (exact words, the last also as a prefix) answered from the postings directly:
 * the documents holding every word in a searched field are those of the rarest word, kept where
 * each other word occurs too; only they are scored, with MiniSearch's BM25+ and boosts. The cost
 * follows the rarest word's postings and the matches, not every posting of every word (MiniSearch
 * scores each posting of a common word: 90 ms at 20k tickets). At most MAX_SCORED matches are
 * scored: the most recently indexed (MiniSearch numbers documents as they are added or replaced).
 */
function searchAnd(
  index: MiniSearch<SearchDocument>,
  words: string[],
  prefix: PrefixRule,
  fields: readonly string[],
  filter: ((hit: Hit) => boolean) | undefined,
  limit: number,
): Hit[] {
  const internals = index as unknown as Internals;
  const fieldBoost: number[] = [];
  for (const field of fields) fieldBoost[internals._fieldIds[field]!] = boost[field as IndexedField] ?? 1;
  const total = internals._documentCount;
  // Per word, its postings in the searched fields, each with what scoring needs of it computed once.
  const lists = words.map((word, position) => {
    const postings: { term: string; fieldId: number; freqs: Map<number, number>; factor: number }[] = [];
    for (const { term, data, weight } of expansionsOf(index, word, prefix(word, position, words)))
      for (const [fieldId, freqs] of data) {
        const fieldWeight = fieldBoost[fieldId];
        if (fieldWeight === undefined) continue;
        // Postings of replaced documents linger until a vacuum: never more matches than documents.
        const matching = Math.min(freqs.size, total);
        const idf = Math.log(1 + (total - matching + 0.5) / (matching + 0.5));
        postings.push({ term, fieldId, freqs, factor: weight * fieldWeight * idf });
      }
    return { postings, count: postings.reduce((sum, p) => sum + p.freqs.size, 0) };
  });
  const [rarest, ...others] = [...lists].sort((a, b) => a.count - b.count);
  if (!rarest || rarest.count === 0) return [];
  const holds = (list: (typeof lists)[number], doc: number) => list.postings.some((p) => p.freqs.has(doc));
  const matched = new Set<number>();
  for (const { freqs } of rarest.postings)
    for (const doc of freqs.keys())
      if (!matched.has(doc) && internals._documentIds.has(doc) && others.every((list) => holds(list, doc)))
        matched.add(doc);
  const docs = matched.size > MAX_SCORED ? [...matched].sort((a, b) => b - a).slice(0, MAX_SCORED) : matched;
  // Scores first; result objects only for the best `limit` (building them was most of the cost).
  const scored: { doc: number; score: number; terms: string[] }[] = [];
  for (const doc of docs) {
    const stored = internals._storedFields.get(doc) ?? {};
    if (filter && !filter(stored as Hit)) continue;
    let score = 0;
    const terms: string[] = [];
    const lengths = internals._fieldLength.get(doc) ?? [];
    for (const list of lists)
      for (const { term, fieldId, freqs, factor } of list.postings) {
        const tf = freqs.get(doc);
        if (!tf) continue;
        const length = (lengths[fieldId] ?? 0) / (internals._avgFieldLength[fieldId] || 1);
        score += factor * (BM25.d + (tf * (BM25.k + 1)) / (tf + BM25.k * (1 - BM25.b + BM25.b * length)));
        if (!terms.includes(term)) terms.push(term);
      }
    scored.push({ doc, score, terms });
  }
  const hits = scored
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map(
      ({ doc, score, terms }) =>
        ({
          ...(internals._storedFields.get(doc) ?? {}),
          id: internals._documentIds.get(doc),
          score,
          terms,
          queryTerms: words,
          match: {},
        }) as unknown as Hit,
    );
  return hits;
}

/** The most results a search returns (the API's `limit` is at most this). */
export const MAX_LIMIT = 50;

export interface SearchIndexOptions {
  internal: boolean;
  filter?: (hit: Hit) => boolean;
  /** Results wanted (best first); MAX_LIMIT by default. */
  limit?: number;
}

const tokenizeParts = (text: string) => text.match(WORD) ?? [];

/**
 * Ranked matches (BM25 with field boosts), the first of these that finds anything: every word
 * must match somewhere (AND), a compound word whole, the last word also as a prefix (typing);
 * then compound words by their parts; then words of five letters or more forgive a typo; then
 * any word will do (OR).
 */
export function searchIndex(index: MiniSearch<SearchDocument>, query: string, options: SearchIndexOptions): Hit[] {
  return searchIndexes([index], query, options);
}

/** The same over several clients' indexes: a step that finds anything in any of them is the answer. */
export function searchIndexes(
  indexes: MiniSearch<SearchDocument>[],
  query: string,
  options: SearchIndexOptions,
): Hit[] {
  const limit = options.limit ?? MAX_LIMIT;
  const base: SearchOptions = {
    fields: options.internal ? [...indexedFields] : publicFields,
    boost,
    maxFuzzy: MAX_FUZZY,
    tokenize: tokenizeQuery,
    processTerm: (term) => normalizeTerm(term),
    filter: options.filter as SearchOptions["filter"],
    combineWith: "AND",
  };
  const fields = options.internal ? indexedFields : publicFields;
  const wordsOf = (split: (text: string) => string[]) =>
    split(query)
      .map((word) => normalizeTerm(word))
      .filter((word): word is string => Boolean(word));
  const words = wordsOf(tokenizeQuery);
  const parts = wordsOf(tokenizeParts);
  const last = words.at(-1) ?? "";
  // A last word that begins many words (silva: silva1, silva2, …) first counts whole.
  const narrow = (index: MiniSearch<SearchDocument>): PrefixRule => {
    const terms = (index as unknown as Internals)._index;
    let count = 0;
    for (const _ of terms.atPrefix(last)) if (++count > MAX_PREFIX_TERMS) return () => false;
    return lastWord;
  };
  const hasCompound = words.length !== parts.length;
  const steps: ((index: MiniSearch<SearchDocument>) => Hit[] | undefined)[] = [
    (index) => searchAnd(index, words, narrow(index), fields, options.filter, limit),
    (index) =>
      narrow(index) === lastWord ? undefined : searchAnd(index, words, lastWord, fields, options.filter, limit),
    (index) => (hasCompound ? searchAnd(index, parts, lastWord, fields, options.filter, limit) : undefined),
    (index) => index.search(query, { ...base, prefix: lastWord, tokenize: tokenizeParts, fuzzy: fuzziness }) as Hit[],
    (index) =>
      index.search(query, {
        ...base,
        prefix: lastWord,
        tokenize: tokenizeParts,
        fuzzy: fuzziness,
        combineWith: "OR",
      }) as Hit[],
  ];
  if (words.length === 0) return [];
  for (const step of steps) {
    const hits: Hit[] = [];
    for (const index of indexes) hits.push(...(step(index) ?? []));
    if (hits.length > 0) return hits.sort((a, b) => b.score - a.score);
  }
  return [];
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
  for (const chunk of text.matchAll(/\S+/g)) {
    const parts = [...chunk[0].matchAll(WORD)];
    const lead = chunk[0].length - chunk[0].replace(/^[^\p{L}\p{N}]+/u, "").length;
    const whole = chunk[0].replace(EDGES, "");
    const compound = parts.length > 1 ? normalizeTerm(whole) : null;
    if (compound && terms.has(compound)) {
      ranges.push([chunk.index + lead, chunk.index + lead + whole.length]);
      continue;
    }
    for (const part of parts) {
      const term = normalizeTerm(part[0]);
      if (term && terms.has(term)) ranges.push([chunk.index + part.index, chunk.index + part.index + part[0].length]);
    }
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
