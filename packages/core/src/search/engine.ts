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
}

/** Postings of a query word as the search expands it (exact, prefix, one typo). */
function expansions(index: MiniSearch<SearchDocument>, term: string, prefix: boolean, typos: boolean): Postings[] {
  const terms = (index as unknown as Internals)._index;
  const out: Postings[] = [];
  const exact = terms.get(term);
  if (exact) out.push(exact);
  if (prefix) for (const [found, data] of terms.atPrefix(term)) if (found !== term) out.push(data);
  const fuzzy = typos && fuzziness(term);
  if (fuzzy) {
    const distance = Math.min(MAX_FUZZY, Math.round(term.length * fuzzy));
    for (const [found, [data]] of terms.fuzzyGet(term, distance)) if (found !== term) out.push(data);
  }
  return out;
}

const postingCount = (postings: Postings[]) => {
  let count = 0;
  for (const data of postings) for (const docs of data.values()) count += docs.size;
  return count;
};

/**
 * Matches scored at most: a query matching more tickets than this (a word on most of them) is
 * ranked among the ones changed most recently (MiniSearch numbers documents as they are added or
 * replaced). Scoring every match of a broad query cost 90 ms at 20k tickets; this bounds it.
 */
export const MAX_SCORED = 1_000;

/** A word found in more of the index than this (postings) is checked but not scored: its weight is near nothing. */
const HEAVY_SHARE = 0.05;
const HEAVY_MIN = 1_000;

interface AndPlan {
  /** Documents holding every word (the rarest word's, kept where each other word occurs too). */
  candidates: Set<unknown>;
  /** Words to score, in the query's order; the others are only required (by the candidates). */
  scored: string[];
  required: string[];
}

/**
 * An AND query made cheap: scoring skips every document outside the candidates without computing
 * anything for it, and words on most tickets are left out of the scoring (their BM25 weight is
 * near zero) once the candidates guarantee them: a common word then costs a look-up per posting
 * instead of a score and a result object.
 */
function planAnd(
  index: MiniSearch<SearchDocument>,
  query: string,
  typos: boolean,
  split: (text: string) => string[],
  prefix: PrefixRule,
): AndPlan | undefined {
  const words = split(query)
    .map((word) => normalizeTerm(word))
    .filter((word): word is string => Boolean(word));
  if (words.length === 0) return undefined;
  const lists = words.map((word, position) => {
    const postings = expansions(index, word, prefix(word, position, words), typos);
    return { word, position, postings, count: postingCount(postings) };
  });
  const byRarity = [...lists].sort((a, b) => a.count - b.count);
  const has = (list: Postings[], doc: number) => {
    for (const data of list) for (const docs of data.values()) if (docs.has(doc)) return true;
    return false;
  };
  const [rarest, ...others] = byRarity;
  const matched = new Set<number>();
  for (const data of rarest?.postings ?? [])
    for (const docs of data.values())
      for (const doc of docs.keys()) if (others.every((list) => has(list.postings, doc))) matched.add(doc);
  // One word on few tickets needs no pruning.
  if (words.length === 1 && matched.size <= MAX_SCORED) return undefined;
  const ids = (index as unknown as Internals)._documentIds;
  const kept = matched.size > MAX_SCORED ? [...matched].sort((a, b) => b - a).slice(0, MAX_SCORED) : matched;
  const candidates = new Set<unknown>();
  for (const doc of kept) candidates.add(ids.get(doc));
  const heavy = Math.max(HEAVY_MIN, index.documentCount * HEAVY_SHARE);
  const light = new Set(byRarity.filter((list, i) => i === 0 || list.count <= heavy).map((list) => list.position));
  return {
    candidates,
    scored: lists.filter((list) => light.has(list.position)).map((list) => list.word),
    required: lists.filter((list) => !light.has(list.position)).map((list) => list.word),
  };
}

export function candidatesOf(
  index: MiniSearch<SearchDocument>,
  query: string,
  typos: boolean,
  split: (text: string) => string[] = tokenizeQuery,
  prefix: PrefixRule = lastWord,
): Set<unknown> | undefined {
  return planAnd(index, query, typos, split, prefix)?.candidates;
}

const tokenizeParts = (text: string) => text.match(WORD) ?? [];

/**
 * Ranked matches (BM25 with field boosts), the first of these that finds anything: every word
 * must match somewhere (AND), a compound word whole, the last word also as a prefix (typing);
 * then compound words by their parts; then words of five letters or more forgive a typo; then
 * any word will do (OR).
 */
export function searchIndex(
  index: MiniSearch<SearchDocument>,
  query: string,
  options: { internal: boolean; filter?: (hit: Hit) => boolean },
): Hit[] {
  return searchIndexes([index], query, options);
}

/** The same over several clients' indexes: a step that finds anything in any of them is the answer. */
export function searchIndexes(
  indexes: MiniSearch<SearchDocument>[],
  query: string,
  options: { internal: boolean; filter?: (hit: Hit) => boolean },
): Hit[] {
  const base: SearchOptions = {
    fields: options.internal ? [...indexedFields] : publicFields,
    boost,
    maxFuzzy: MAX_FUZZY,
    tokenize: tokenizeQuery,
    processTerm: (term) => normalizeTerm(term),
    filter: options.filter as SearchOptions["filter"],
    combineWith: "AND",
  };
  const pruned = (candidates: Set<unknown> | undefined): SearchOptions =>
    candidates ? { boostDocument: (id: unknown) => (candidates.has(id) ? 1 : 0) } : {};
  const words = tokenizeQuery(query)
    .map((word) => normalizeTerm(word))
    .filter((word): word is string => Boolean(word));
  const last = words.at(-1) ?? "";
  // A last word that begins many words (silva: silva1, silva2, …) first counts whole.
  const narrow = (index: MiniSearch<SearchDocument>): PrefixRule => {
    const terms = (index as unknown as Internals)._index;
    let count = 0;
    for (const _ of terms.atPrefix(last)) if (++count > MAX_PREFIX_TERMS) return () => false;
    return lastWord;
  };
  const hasCompound = tokenizeQuery(query).length !== tokenizeParts(query).length;
  type Plan = { options: SearchOptions; query?: string; required?: string[] } | undefined;
  const steps: ((index: MiniSearch<SearchDocument>) => Plan)[] = [
    (index) => {
      const prefix = narrow(index);
      const plan = planAnd(index, query, false, tokenizeQuery, prefix);
      if (!plan) return { options: { prefix } };
      // The last word keeps its prefix only if it is still last among the scored words.
      const lastScored = plan.scored.at(-1) === last && !plan.required.includes(last);
      return {
        query: plan.scored.join(" "),
        required: plan.required,
        options: { prefix: lastScored ? prefix : () => false, ...pruned(plan.candidates) },
      };
    },
    (index) =>
      narrow(index) === lastWord
        ? undefined
        : { options: { prefix: lastWord, ...pruned(candidatesOf(index, query, false)) } },
    () => (hasCompound ? { options: { prefix: lastWord, tokenize: tokenizeParts } } : undefined),
    (index) => ({
      options: {
        prefix: lastWord,
        tokenize: tokenizeParts,
        fuzzy: fuzziness,
        ...pruned(candidatesOf(index, query, true, tokenizeParts)),
      },
    }),
    () => ({ options: { prefix: lastWord, tokenize: tokenizeParts, fuzzy: fuzziness, combineWith: "OR" } }),
  ];
  for (const step of steps) {
    const hits: Hit[] = [];
    for (const index of indexes) {
      const plan = step(index);
      if (!plan) continue;
      const found = index.search(plan.query ?? query, { ...base, ...plan.options }) as Hit[];
      // Required words matched too (the candidates hold them): they are marked like the scored ones.
      if (plan.required?.length) for (const hit of found) hit.terms.push(...plan.required);
      hits.push(...found);
    }
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
