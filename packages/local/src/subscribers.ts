import { handler as searchIndexer } from "@outdesk/functions/search-indexer";
import { startStreamPoller } from "./stream";

/** The local twin of infra/search.ts: the table's stream feeds the same search indexer handler. */
export function startSubscribers(options: { endpoint: string; tableName: string }): () => Promise<void> {
  return startStreamPoller({ ...options, name: "search-indexer", handler: searchIndexer });
}
