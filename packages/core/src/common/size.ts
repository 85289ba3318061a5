/**
 * An upper bound of an item's stored size: DynamoDB counts attribute names and values in UTF-8;
 * JSON adds only quotes and punctuation. Checked before writing, so no write meets the 400 KB
 * item limit or a transaction's 4 MB as a 500.
 */
export const storedBytes = (item: unknown): number => Buffer.byteLength(JSON.stringify(item));
