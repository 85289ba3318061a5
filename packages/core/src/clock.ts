import { AsyncLocalStorage } from "node:async_hooks";

const storage = new AsyncLocalStorage<number>();

/**
 * The instant a ticket write is stamped with: the wall clock, or the instant `withClock` set —
 * how history is imported with its own times (the demo seed's past months), clocks and rollups
 * counted as they would have been. Sessions, tokens and freezing a statement read real time.
 */
export function writeTime(): string {
  return new Date(storage.getStore() ?? Date.now()).toISOString();
}

export function withClock<T>(at: string | number | Date, fn: () => T): T {
  const instant = new Date(at).getTime();
  if (Number.isNaN(instant)) throw new Error(`withClock: not an instant: ${String(at)}`);
  return storage.run(instant, fn);
}
