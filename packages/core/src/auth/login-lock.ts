import { isConditionFailure } from "../common/transaction";
import { Outdesk } from "../dynamo";
import { OutdeskError } from "../error";
import { sha256 } from "./crypto";

const FREE_ATTEMPTS = 5;
const BASE_LOCK_SECONDS = 30;
const MAX_LOCK_SECONDS = 15 * 60;
// Failures are forgotten a day after the last one.
const KEEP_SECONDS = 24 * 60 * 60;

/** After the free attempts, each failure doubles the lock: 30 s, 60 s, … up to 15 minutes. */
export function lockSeconds(failedLogins: number): number {
  if (failedLogins < FREE_ATTEMPTS) return 0;
  return Math.min(BASE_LOCK_SECONDS * 2 ** (failedLogins - FREE_ATTEMPTS), MAX_LOCK_SECONDS);
}

const locked = (retryAfterSeconds: number) =>
  new OutdeskError("rate_limited", "Too many failed attempts; the account is locked for a while", {
    retryAfterSeconds: Math.max(1, retryAfterSeconds),
  });

/**
 * Password-guess counters, kept in a rateLimit item (window 0) keyed by a hash of what was tried,
 * so an account that does not exist locks exactly like one that does. An attempt is counted
 * before its password is checked, with a conditional write: once the next failure would lock,
 * only one attempt at a time wins the write (and sets the lock in advance), so at most one more
 * password check runs per lock period however many requests race.
 */
export namespace LoginLock {
  export const bucketFor = (...parts: string[]) => `lock:${sha256(parts.join("\n"))}`;

  export async function reserve(bucket: string): Promise<void> {
    const { rateLimit } = Outdesk.entities;
    const at = key(bucket);
    const expiresAt = () => Math.floor(Date.now() / 1000) + KEEP_SECONDS;
    // Well below the threshold no lock can start: count without reading.
    const counted = await rateLimit
      .update(at)
      .add({ hits: 1 })
      .set({ expiresAt: expiresAt() })
      .where((attr, op) => `${op.notExists(attr.hits)} OR ${op.lt(attr.hits, FREE_ATTEMPTS - 1)}`)
      .go({ response: "none" })
      .then(() => true)
      .catch((error) => {
        if (!isConditionFailure(error)) throw error;
        return false;
      });
    if (counted) return;
    const { data } = await rateLimit.get(at).go({ consistent: true });
    const failures = data?.hits ?? 0;
    const now = Date.now();
    if (data?.lockedUntil && data.lockedUntil > now) throw locked(Math.ceil((data.lockedUntil - now) / 1000));
    const lock = lockSeconds(failures + 1);
    await rateLimit
      .update(at)
      .set({ hits: failures + 1, lockedUntil: now + lock * 1000, expiresAt: expiresAt() })
      .where((attr, op) => (data ? op.eq(attr.hits, failures) : op.notExists(attr.hits)))
      .go({ response: "none" })
      .catch((error) => {
        // Another attempt won this slot: it is the one whose password gets checked.
        if (isConditionFailure(error)) throw locked(lock || BASE_LOCK_SECONDS);
        throw error;
      });
  }

  /** The counter's key: a correct password deletes it, in the transaction that logs in. */
  export const key = (bucket: string) => ({ bucket, window: 0 });
}
