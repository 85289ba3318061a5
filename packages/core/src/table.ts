/**
 * The one table's physical shape. infra/storage.ts, packages/local and the tests all build the
 * table from this definition, so the deployed table and the local one cannot drift.
 * gsi1 serves the low-volume entities (users by email, the provider directory) and projects all.
 * gsi2–gsi7 are the ticket views: each projects only what a queue row renders (or keys only), so
 * a write that changes nothing a view shows writes nothing to that view. gsi4 shares gsi2's hash
 * key: the same partition, ordered two ways. gsi8 finds a ticket by its number (ACME-1042 in a mail
 * subject or a search box); its keys never change, so only a ticket's creation writes it. gsi9
 * is the SLA sweeper's: measured tickets by their next warning, breach or escalation, in a few
 * shards shared by every tenant (keys only; a ticket moves only when that instant does).
 * gsi10 and gsi11 hold time entries only: by client and month (a billing period's drill-down)
 * and by agent and date (the timesheet); small items, all projected.
 */
import { TicketRowFields } from "./ticket/fields";

export type Projection = "all" | "keys-only" | readonly string[];

export interface GlobalIndex {
  hashKey: string;
  rangeKey: string;
  projection: Projection;
}

export const Table = {
  partitionKey: "pk",
  sortKey: "sk",
  globalIndexes: {
    gsi1: { hashKey: "gsi1pk", rangeKey: "gsi1sk", projection: "all" },
    gsi2: { hashKey: "gsi2pk", rangeKey: "gsi2sk", projection: TicketRowFields },
    gsi3: { hashKey: "gsi3pk", rangeKey: "gsi3sk", projection: TicketRowFields },
    gsi4: { hashKey: "gsi2pk", rangeKey: "gsi4sk", projection: TicketRowFields },
    gsi5: { hashKey: "gsi5pk", rangeKey: "gsi5sk", projection: TicketRowFields },
    gsi6: { hashKey: "gsi6pk", rangeKey: "gsi6sk", projection: "keys-only" },
    gsi7: { hashKey: "gsi7pk", rangeKey: "gsi7sk", projection: "keys-only" },
    gsi8: { hashKey: "gsi8pk", rangeKey: "gsi8sk", projection: "keys-only" },
    gsi9: { hashKey: "gsi9pk", rangeKey: "gsi9sk", projection: "keys-only" },
    gsi10: { hashKey: "gsi10pk", rangeKey: "gsi10sk", projection: "all" },
    gsi11: { hashKey: "gsi11pk", rangeKey: "gsi11sk", projection: "all" },
  } satisfies Record<string, GlobalIndex>,
  ttlAttribute: "expiresAt",
  stream: "new-and-old-images",
} as const;

export type GlobalIndexName = keyof typeof Table.globalIndexes;

export const globalIndexNames = Object.keys(Table.globalIndexes) as GlobalIndexName[];

/** Key attribute names of a GSI. */
export function indexKeys(index: GlobalIndexName): { hashKey: string; rangeKey: string } {
  const { hashKey, rangeKey } = Table.globalIndexes[index];
  return { hashKey, rangeKey };
}

/** Every key attribute, once; all are strings. */
export function keyAttributes(): string[] {
  return [
    ...new Set([
      Table.partitionKey,
      Table.sortKey,
      ...globalIndexNames.flatMap((index) => Object.values(indexKeys(index))),
    ]),
  ];
}
