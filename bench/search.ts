import { withActor } from "@outdesk/core/actor";
import { Dynamo } from "@outdesk/core/dynamo";
import { createId } from "@outdesk/core/id";
import {
  documentOf,
  dropSegments,
  emptyIndex,
  MAX_SCORED,
  Search,
  type SearchDocument,
  saveSnapshot,
  searchIndex,
} from "@outdesk/core/search";
import { mulberry32 } from "@outdesk/local/random";
import { runIfMain } from "./harness";

/**
 * Search over one client's tickets (packages/core/src/search): documents are made the way the
 * indexer makes them (documentOf over ticket and message items), the index is stored as the
 * compaction stores it, and the cold query goes through Search.search as the API calls it.
 * Compared with a linear scan of the same documents in the same process: every query word
 * looked up as a substring of each document's text, lower-cased in advance (the scan's best case).
 */
const queryKinds = ["number", "address", "name", "subject", "conversation", "field"] as const;
type QueryKind = (typeof queryKinds)[number];

export interface SearchReport {
  tickets: number;
  queries: number;
  buildMs: number;
  searchMs: number;
  scanMs: number;
  ratio: number;
  byKind: { kind: QueryKind; searchMs: number; scanMs: number; ratio: number }[];
  coldMs: number;
  warmMs: number;
  snapshotBytes: number;
  jsonBytes: number;
  bytesPer1000: number;
  coldRequests: number;
  warmRequests: number;
  /** Share of queries whose whole-word scan matches were all among the search's matches (AND over the same words). */
  agreement: number;
  /** Queries matching more than MAX_SCORED tickets (left out of the agreement). */
  broad: number;
}

const syllables = "ka lo mi ne ru sa to vi be da fe gu ho ja ki lu ma no pe qui re si tu ve wa xo ye zu".split(" ");

/** A vocabulary of made-up words (seeded), so the text has a realistic spread of rare and common terms. */
function vocabulary(random: () => number, size: number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const length = 2 + Math.floor(random() * 3);
    let word = "";
    for (let i = 0; i < length; i++) word += syllables[Math.floor(random() * syllables.length)];
    words.add(word);
  }
  return [...words];
}

/** Zipf-like picks: a few words are everywhere, most are rare, as in support mail. */
const zipf = (random: () => number, words: string[]) => words[Math.floor(words.length * random() ** 3)]!;
const sentence = (random: () => number, words: string[], n: number) =>
  Array.from({ length: n }, () => zipf(random, words)).join(" ");

const first = ["Priya", "Tom", "Lena", "Omar", "Chen", "Ana", "Luis", "Mira", "Sven", "Kofi", "Yuki", "Ravi"];
const last = ["Shah", "Becker", "Vogel", "Haddad", "Wei", "Silva", "Garcia", "Novak", "Berg", "Mensah", "Sato", "Iyer"];

/** One ticket's partition items (stored attribute names), as the table holds them. */
export function syntheticTickets(count: number, clientId: string, seed = 7): Record<string, unknown>[][] {
  const random = mulberry32(seed);
  const words = vocabulary(random, 6000);
  const start = Date.parse("2026-01-01T00:00:00Z");
  return Array.from({ length: count }, (_, i) => {
    const name = `${first[i % first.length]} ${last[Math.floor(i / first.length) % last.length]}`;
    const at = new Date(start + i * 600_000).toISOString();
    const ticket = {
      e: "ticket",
      p: "prv_bench",
      c: clientId,
      t: `tkt_${String(i).padStart(26, "0")}`,
      n: i + 1,
      k: `ACME-${i + 1}`,
      su: sentence(random, words, 6),
      st: ["new", "open", "pending", "solved", "closed"][i % 5],
      rn: name,
      re: `${name.toLowerCase().replace(" ", ".")}${i % 97}@customer${i % 13}.example`,
      tg: [zipf(random, words), zipf(random, words)],
      f: { order_id: `A-${10_000 + i}` },
      ca: at,
      ua: at,
    };
    const message = (visibility: string, n: number, offset: number) => ({
      e: "message",
      vi: visibility,
      bt: sentence(random, words, n),
      ca: new Date(start + i * 600_000 + offset).toISOString(),
    });
    // A first mail, two replies and a note: about 1.5 KB of text, a short thread by help desk standards.
    return [
      ticket,
      message("public", 80, 0),
      message("public", 60, 60_000),
      message("public", 60, 120_000),
      message("internal", 25, 180_000),
    ];
  });
}

const textOf = (doc: SearchDocument) =>
  [
    doc.key,
    doc.subject,
    doc.requesterName,
    doc.requesterEmail,
    doc.tags.join(" "),
    doc.fields,
    doc.publicText,
    doc.internalText,
  ]
    .join("\n")
    .toLowerCase();

export async function searchReport({ tickets = 50_000, queries = 200 } = {}): Promise<SearchReport> {
  const providerId = createId("provider");
  const clientId = createId("client");
  const docs = syntheticTickets(tickets, clientId).map((items) => documentOf(items)!);
  const built = performance.now();
  const index = emptyIndex();
  index.addAll(docs);
  const buildMs = performance.now() - built;

  // What agents type into the box, in equal parts: a ticket number, a requester's address, a
  // name, two words of a subject, two words of the conversation, an order number (a field value).
  const random = mulberry32(11);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const kinds: Record<QueryKind, (doc: SearchDocument) => string> = {
    number: (doc) => doc.key,
    address: (doc) => doc.requesterEmail,
    name: (doc) => doc.requesterName,
    subject: (doc) => `${pick(doc.subject.split(" "))} ${pick(doc.subject.split(" "))}`,
    conversation: (doc) => `${pick(doc.publicText.split(/\s+/))} ${pick(doc.publicText.split(/\s+/))}`,
    field: (doc) => doc.fields,
  };
  const asked = Array.from({ length: queries }, (_, i) => {
    const kind = queryKinds[i % queryKinds.length]!;
    return { kind, q: kinds[kind](pick(docs)) };
  });

  const texts = docs.map(textOf);
  const position = new Map(docs.map((doc, i) => [doc.id, i]));
  const scanTimes: number[] = [];
  const scanMatches = asked.map(({ q }) => {
    const started = performance.now();
    const words = q.toLowerCase().split(" ");
    const ids: string[] = [];
    for (let i = 0; i < texts.length; i++) if (words.every((w) => texts[i]!.includes(w))) ids.push(docs[i]!.id);
    scanTimes.push(performance.now() - started);
    return ids;
  });
  // Timed as the API asks (the best 20); the agreement below asks for every match it scores.
  const searchTimes: number[] = [];
  for (const { q } of asked) {
    const started = performance.now();
    searchIndex(index, q, { internal: true, limit: 20 });
    searchTimes.push(performance.now() - started);
  }
  const searchMatches = asked.map(({ q }) =>
    searchIndex(index, q, { internal: true, limit: MAX_SCORED }).map((hit) => String(hit.id)),
  );
  const mean = (times: number[], kind?: QueryKind) => {
    const picked = times.filter((_, i) => !kind || asked[i]!.kind === kind);
    return picked.reduce((sum, t) => sum + t, 0) / picked.length;
  };
  const searchMs = mean(searchTimes);
  const scanMs = mean(scanTimes);
  const byKind = queryKinds.map((kind) => ({
    kind,
    searchMs: round(mean(searchTimes, kind)),
    scanMs: round(mean(scanTimes, kind)),
    ratio: Math.round(mean(scanTimes, kind) / mean(searchTimes, kind)),
  }));
  // A substring scan also matches inside longer words; the index matches whole words (the last
  // also as a prefix): agreement counts queries whose whole-word scan matches all came back, among
  // those matching at most MAX_SCORED tickets (broader ones rank the most recently changed).
  const wholeWord = (w: string) => new RegExp(`(^|[^a-z0-9])${w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`);
  let broad = 0;
  let agreeing = 0;
  asked.forEach(({ q }, i) => {
    const words = q.toLowerCase().split(" ").map(wholeWord);
    const expected = scanMatches[i]!.filter((id) => words.every((w) => w.test(texts[position.get(id)!]!)));
    if (expected.length > MAX_SCORED) {
      broad++;
      return;
    }
    const found = new Set(searchMatches[i]);
    if (expected.every((id) => found.has(id))) agreeing++;
  });
  const agreement = agreeing / (queries - broad);

  const json = JSON.stringify(index.toJSON());
  const snapshotBytes = await saveSnapshot(providerId, clientId, index.toJSON(), new Date().toISOString());

  // First query after a cold start: the snapshot from S3, documents changed since (one Query), snippets.
  const actor = {
    type: "user" as const,
    providerId,
    id: createId("user"),
    role: "agent" as const,
    clientIds: [clientId],
  };
  dropSegments();
  const cold = performance.now();
  const coldUsage = await Dynamo.measure(() => withActor(actor, () => Search.search({ q: asked[3]!.q })));
  const coldMs = performance.now() - cold;
  const warm = performance.now();
  const warmUsage = await Dynamo.measure(() => withActor(actor, () => Search.search({ q: asked[4]!.q })));
  const warmMs = performance.now() - warm;

  return {
    tickets,
    queries,
    buildMs: Math.round(buildMs),
    searchMs: round(searchMs),
    scanMs: round(scanMs),
    ratio: Math.round(scanMs / searchMs),
    byKind,
    coldMs: Math.round(coldMs),
    warmMs: round(warmMs),
    snapshotBytes,
    jsonBytes: Buffer.byteLength(json),
    bytesPer1000: Math.round(snapshotBytes / (tickets / 1000)),
    coldRequests: coldUsage.requests,
    warmRequests: warmUsage.requests,
    agreement: Math.round(agreement * 1000) / 1000,
    broad,
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

export function printSearch(r: SearchReport) {
  const lines = [
    `Search over one client of ${r.tickets.toLocaleString("en")} tickets (${r.queries} queries, six kinds in equal parts; the best 20 of each)`,
    `  index search      ${r.searchMs} ms a query`,
    `  linear scan       ${r.scanMs} ms a query (same documents, same process)`,
    `  ratio             ${r.ratio}x faster (target >= 20x); whole-word agreement ${(r.agreement * 100).toFixed(1)}% (${r.broad} queries matching over ${MAX_SCORED.toLocaleString("en")} tickets left out)`,
    ...r.byKind.map(
      (k) =>
        `    ${k.kind.padEnd(13)} search ${String(k.searchMs).padStart(6)} ms  scan ${String(k.scanMs).padStart(6)} ms  ${k.ratio}x`,
    ),
    `  first query after a cold start  ${r.coldMs} ms (snapshot from S3, parsed and loaded; ${r.coldRequests} DynamoDB requests)`,
    `  next query (warm)               ${r.warmMs} ms (${r.warmRequests} DynamoDB requests)`,
    `  index size        ${kb(r.snapshotBytes)} gzipped (${kb(r.jsonBytes)} as JSON), ${kb(r.bytesPer1000)} per 1,000 tickets; built in ${r.buildMs} ms`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

await runIfMain(import.meta.url, async () => printSearch(await searchReport()));
