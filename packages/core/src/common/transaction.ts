import type { TransactionItem } from "electrodb";
import { Conflict, type OutdeskError } from "../error";

/**
 * Turns a cancelled TransactWriteItems into our errors. `explain[i]` says what a failed
 * condition on item i means (a taken slug, a stale version); nothing was written either way.
 */
export function ensureCommitted(
  result: { canceled: boolean; data: TransactionItem<unknown>[] },
  explain: (OutdeskError | undefined)[],
): void {
  if (!result.canceled) return;
  const failed = result.data.findIndex((item) => item.code === "ConditionalCheckFailed");
  if (failed >= 0) throw explain[failed] ?? Conflict("The record changed while you were saving; reload and retry");
  if (result.data.some((item) => item.code === "TransactionConflict")) {
    throw Conflict("Another change to the same records is in progress; retry");
  }
  const reasons = result.data.map((item) => item.code).join(",");
  throw new Error(`Transaction cancelled: ${reasons}`);
}

/** One item of a transaction paired with what its failed condition means. */
export function step<Commit>(commit: Commit, conflict?: OutdeskError) {
  return { commit, conflict };
}

/** A single-item conditional write that failed its condition (ElectroDB wraps the SDK error). */
export function isConditionFailure(error: unknown): boolean {
  const names = [(error as Error)?.name, (error as { cause?: Error })?.cause?.name];
  return names.includes("ConditionalCheckFailedException");
}
