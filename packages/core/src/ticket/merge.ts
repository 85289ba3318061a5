import { type RawItem, stringAttr as str } from "../common/batch";
import { Dynamo } from "../dynamo";

/** One partition (and range) of one index, read in key order: one client's part of a view. */
export interface Stream {
  /** The client id: names the stream in cursors and breaks ties between streams. */
  id: string;
  index?: string;
  hashKey: string;
  rangeKey: string;
  partition: string;
  range?: { beginsWith: string } | { between: [string, string] };
}

/** Where a page ended: the range key of the last item returned, and its stream. */
export interface Position {
  s: string;
  c: string;
}

export interface MergeState {
  after: Position | null;
  /** Streams known to hold nothing past `after`. */
  done: string[];
}

export interface MergedPage {
  items: RawItem[];
  /** null at the end of the view. */
  next: MergeState | null;
}

// Range keys are printable ASCII of fixed shape (ending in a zero-padded number), so no key is a
// proper prefix of another: "just after x" is x + "!" and "just before x" lowers x's last
// character and appends DEL, the character above every one a key uses.
const LOWEST = "!";
const HIGHEST = "\x7f";
const justAfter = (key: string) => `${key}${LOWEST}`;
const justBefore = (key: string) =>
  `${key.slice(0, -1)}${String.fromCharCode(key.charCodeAt(key.length - 1) - 1)}${HIGHEST}`;

/**
 * A stream's key range, resumed after a position. The merged order is (range key, stream id),
 * so a stream that sorts after the position's stream may still hold an item with the same range
 * key; the others resume strictly past it. Key conditions express this exactly, whatever order
 * DynamoDB gives equal range keys of different partitions.
 */
function bounds(stream: Stream, after: Position | null, forward: boolean): [string, string] {
  let [lo, hi] =
    stream.range === undefined
      ? [LOWEST, HIGHEST]
      : "beginsWith" in stream.range
        ? [stream.range.beginsWith, `${stream.range.beginsWith}${HIGHEST}`]
        : stream.range.between;
  if (after) {
    if (forward) {
      const from = stream.id > after.c ? after.s : justAfter(after.s);
      if (from > lo) lo = from;
    } else {
      const to = stream.id < after.c ? after.s : justBefore(after.s);
      if (to < hi) hi = to;
    }
  }
  return [lo, hi];
}

async function query(
  stream: Stream,
  range: [string, string],
  start: RawItem | undefined,
  limit: number,
  forward: boolean,
) {
  const { QueryCommand } = Dynamo.commands();
  const output = await Dynamo.raw().send(
    new QueryCommand({
      TableName: Dynamo.table(),
      IndexName: stream.index,
      KeyConditionExpression: "#h = :h AND #r BETWEEN :lo AND :hi",
      ExpressionAttributeNames: { "#h": stream.hashKey, "#r": stream.rangeKey },
      ExpressionAttributeValues: { ":h": { S: stream.partition }, ":lo": { S: range[0] }, ":hi": { S: range[1] } },
      Limit: limit,
      ScanIndexForward: forward,
      ExclusiveStartKey: start,
    }),
  );
  return { items: output.Items ?? [], last: output.LastEvaluatedKey };
}

/**
 * One page of a view made of several streams (one per client), merged by range key as if they
 * were one index. Each stream is read lazily: a first chunk sized to its share of the page, then
 * more only from a stream whose turn comes and whose buffer ran dry. So a page costs about the
 * page plus a chunk per stream, never the items of tickets outside the view. A single stream is
 * one Query of limit + 1 (the extra item tells whether a next page exists: no empty last page).
 */
export async function mergeStreams(
  streams: Stream[],
  options: { limit: number; forward: boolean; state: MergeState | null },
): Promise<MergedPage> {
  const { limit, forward } = options;
  const after = options.state?.after ?? null;
  const done = new Set(options.state?.done ?? []);
  const live = streams
    .filter((stream) => !done.has(stream.id))
    .map((stream) => ({
      stream,
      range: bounds(stream, after, forward),
      buffer: [] as RawItem[],
      start: undefined as RawItem | undefined,
      exhausted: false,
    }))
    .filter((cursor) => cursor.range[0] <= cursor.range[1]);
  type Cursor = (typeof live)[number];
  const read = async (cursor: Cursor, count: number) => {
    const { items, last } = await query(cursor.stream, cursor.range, cursor.start, count, forward);
    cursor.buffer.push(...items);
    cursor.start = last;
    cursor.exhausted = !last;
  };
  const first = live.length === 1 ? limit + 1 : Math.min(limit + 1, Math.max(5, Math.ceil(limit / live.length) + 1));
  await Promise.all(live.map((cursor) => read(cursor, first)));

  const precedes = (a: Cursor, b: Cursor) => {
    const [x, y] = [str(a.buffer[0]!, a.stream.rangeKey), str(b.buffer[0]!, b.stream.rangeKey)];
    if (x !== y) return forward ? x < y : x > y;
    return forward ? a.stream.id < b.stream.id : a.stream.id > b.stream.id;
  };
  const items: RawItem[] = [];
  let last: Position | null = null;
  while (items.length < limit) {
    const dry = live.filter((cursor) => cursor.buffer.length === 0 && !cursor.exhausted);
    if (dry.length > 0) {
      await Promise.all(dry.map((cursor) => read(cursor, Math.max(5, limit - items.length + 1))));
      continue;
    }
    let best: Cursor | undefined;
    for (const cursor of live) if (cursor.buffer.length > 0 && (!best || precedes(cursor, best))) best = cursor;
    if (!best) break;
    const item = best.buffer.shift()!;
    items.push(item);
    last = { s: str(item, best.stream.rangeKey), c: best.stream.id };
  }
  // A stream that ran dry exactly at the page's end may or may not hold more: ask for one item.
  const unknown = live.filter((cursor) => cursor.buffer.length === 0 && !cursor.exhausted);
  await Promise.all(unknown.map((cursor) => read(cursor, 1)));
  if (!last || !live.some((cursor) => cursor.buffer.length > 0)) return { items, next: null };
  const finished = live.filter((c) => c.buffer.length === 0 && c.exhausted).map((c) => c.stream.id);
  return { items, next: { after: last, done: [...done, ...finished] } };
}
