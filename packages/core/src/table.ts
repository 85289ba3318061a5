/**
 * The one table's physical shape. infra/storage.ts, packages/local and the tests all build the
 * table from this definition, so the deployed table and the local one cannot drift.
 * Index names are generic (gsi1…gsi5): entities overload them with their own access patterns.
 */
export const Table = {
  partitionKey: "pk",
  sortKey: "sk",
  globalIndexes: ["gsi1", "gsi2", "gsi3", "gsi4", "gsi5"],
  ttlAttribute: "expiresAt",
  stream: "new-and-old-images",
} as const;

export type GlobalIndexName = (typeof Table.globalIndexes)[number];

/** Key attribute names of a GSI: gsi1 → gsi1pk / gsi1sk. */
export function indexKeys(index: GlobalIndexName) {
  return { hashKey: `${index}pk`, rangeKey: `${index}sk` } as const;
}

/** Every key attribute; all are strings. */
export function keyAttributes(): string[] {
  return [
    Table.partitionKey,
    Table.sortKey,
    ...Table.globalIndexes.flatMap((index) => Object.values(indexKeys(index))),
  ];
}
