import type { TransactionItem } from "electrodb";
import { Outdesk } from "../dynamo";
import { Conflict, type OutdeskError } from "../error";

export type Services = Parameters<Parameters<typeof Outdesk.transaction.write>[0]>[0];
export type Commit = ReturnType<ReturnType<Services["ticket"]["create"]>["commit"]>;

/** One item of a transaction paired with what its failed condition means. */
export interface Step {
  commit: Commit;
  conflict?: OutdeskError | undefined;
}

export function step<C>(commit: C, conflict?: OutdeskError): Step {
  return { commit: commit as unknown as Commit, conflict };
}

/**
 * How long an operation keeps retrying a transaction DynamoDB cancelled for a concurrent one
 * (well inside the API Lambda's 20 s), and the backoff ceiling between tries.
 */
export const CONFLICT_RETRY_MS = 10_000;
const BACKOFF_CAP_MS = 500;

/** Full-jitter exponential backoff: 0–10 ms, 0–20 ms, … capped at 0.5 s. */
export function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(BACKOFF_CAP_MS, 10 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/** Whether another try fits in the retry window that began at `started`. */
const mayRetry = (started: number) => Date.now() - started < CONFLICT_RETRY_MS;

const isTransactionConflict = (error: unknown) => (error as Error)?.name === "TransactionConflictException";

/**
 * Runs a TransactWriteItems built by `build` and turns a cancellation into our errors: a failed
 * condition on item i means `steps[i].conflict` (a taken slug, a stale version). Real DynamoDB
 * also cancels a transaction when another one holds the same item (TransactionConflict, e.g. a
 * client's counters during a burst of mail); that is retried here with jittered backoff, the
 * transaction rebuilt each time. Nothing is written unless the whole transaction is.
 */
export async function writeTransaction(build: (services: Services) => Step[]): Promise<void> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    let steps: Step[] = [];
    const result = await Outdesk.transaction
      .write((services) => {
        steps = build(services);
        return steps.map((s) => s.commit);
      })
      .go();
    const codes = result.data.map((item: TransactionItem<unknown>) => item.code);
    const retryable = codes.includes("TransactionConflict") && !codes.includes("ConditionalCheckFailed");
    if (result.canceled && retryable && mayRetry(started)) {
      await backoff(attempt);
      continue;
    }
    ensureCommitted(
      result,
      steps.map((s) => s.conflict),
    );
    return;
  }
}

/** A single-item write that DynamoDB refused because a transaction held the item: retried the same way. */
export async function retryConflicts<T>(work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const cause = (error as { cause?: unknown })?.cause;
      if (!(isTransactionConflict(error) || isTransactionConflict(cause)) || !mayRetry(started)) throw error;
      await backoff(attempt);
    }
  }
}

/**
 * Turns a cancelled TransactWriteItems into our errors, for writes that build their own
 * transaction: `explain[i]` says what a failed condition on item i means.
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

/** A single-item conditional write that failed its condition (ElectroDB wraps the SDK error). */
export function isConditionFailure(error: unknown): boolean {
  const names = [(error as Error)?.name, (error as { cause?: Error })?.cause?.name];
  return names.includes("ConditionalCheckFailedException");
}
