import type MiniSearch from "minisearch";
import type { SearchDocument } from "./document";
import { applyDocument, emptyIndex, loadIndex } from "./engine";
import { changedSince, loadSnapshot } from "./store";

/**
 * Documents are re-read from this long before the last read (or a snapshot's time): a document
 * written just before then may reach gsi1 a little later, and applying one twice changes nothing.
 */
export const OVERLAP_MS = 10_000;
/** How long a warm instance trusts its copy of a snapshot before asking S3 (by ETag) for a newer one. */
const REVALIDATE_MS = 60_000;
/** Clients whose index a warm instance keeps, least recently searched dropped first. */
const MAX_SEGMENTS = 24;

const EPOCH = "0";

interface Segment {
  index: MiniSearch<SearchDocument>;
  etag?: string;
  /** The next read of changed documents starts here. */
  since: string;
  checkedAt: number;
}

const segments = new Map<string, Segment>();

export const overlapBefore = (iso: string) =>
  iso === EPOCH ? EPOCH : new Date(Date.parse(iso) - OVERLAP_MS).toISOString();

/**
 * The client's index as of now: the snapshot (loaded once per warm instance, revalidated by
 * ETag), with every document indexed since applied on top (one Query). What the snapshot
 * lacks is always in the table, so a stale snapshot costs time, never results.
 */
export async function segmentOf(providerId: string, clientId: string): Promise<MiniSearch<SearchDocument>> {
  const key = `${providerId}#${clientId}`;
  let segment = segments.get(key);
  const now = Date.now();
  if (!segment || now - segment.checkedAt > REVALIDATE_MS) {
    const snapshot = await loadSnapshot(providerId, clientId, segment?.etag);
    if (snapshot === "unchanged" && segment) segment.checkedAt = now;
    else if (snapshot && snapshot !== "unchanged") {
      segment = {
        index: loadIndex(snapshot.index),
        etag: snapshot.etag,
        since: overlapBefore(snapshot.coveredUntil),
        checkedAt: now,
      };
    } else if (!segment) segment = { index: emptyIndex(), since: EPOCH, checkedAt: now };
    else segment.checkedAt = now;
  }
  const readFrom = new Date(Date.now() - OVERLAP_MS).toISOString();
  for (const doc of await changedSince(providerId, clientId, segment.since)) applyDocument(segment.index, doc);
  if (readFrom > segment.since) segment.since = readFrom;
  segments.delete(key);
  segments.set(key, segment);
  for (const oldest of segments.keys()) {
    if (segments.size <= MAX_SEGMENTS) break;
    segments.delete(oldest);
  }
  return segment.index;
}

/** Forgets every loaded index (the next search loads from storage, as after a cold start). */
export function dropSegments(): void {
  segments.clear();
}
