import { apiBundle } from "./api-bundle";
import { settings } from "./secrets";
import { attachments, table } from "./storage";

/**
 * Search (packages/core/src/search): the table's stream feeds an indexer that writes one search
 * document per changed ticket and, every few hundred documents, compacts the client's MiniSearch
 * snapshot into the attachments bucket (search/provider/client/…). Nothing runs while nothing is
 * written: no cluster, no schedule. Only ticket and message records reach the function.
 */
const searched = ["ticket", "message"];

export const searchIndexer = table.subscribe(
  "SearchIndexer",
  {
    handler: "packages/functions/src/search-indexer.handler",
    runtime: "nodejs22.x",
    architecture: "arm64",
    // A compaction loads, rebuilds and writes a busy client's whole index.
    memory: "1536 MB",
    timeout: "5 minutes",
    link: [table, attachments, settings],
    nodejs: apiBundle,
  },
  {
    filters: [
      { dynamodb: { NewImage: { e: { S: searched } } } },
      // A removed item has only its old image.
      { eventName: ["REMOVE"], dynamodb: { OldImage: { e: { S: searched } } } },
    ],
    transform: {
      eventSourceMapping: {
        // Freshness first: a batch goes as soon as records arrive (no batching window).
        batchSize: 100,
        maximumBatchingWindowInSeconds: 0,
        startingPosition: "LATEST",
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 10,
      },
    },
  },
);
