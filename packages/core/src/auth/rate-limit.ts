import { isConditionFailure } from "../common/transaction";
import { Outdesk } from "../dynamo";
import { OutdeskError } from "../error";

/**
 * Fixed-window limits shared by all instances: one conditional UpdateItem per hit, refused
 * once the window's count reaches the limit. Windows expire through TTL.
 */
export namespace RateLimit {
  export async function consume(bucket: string, limit: number, windowSeconds: number): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    const window = now - (now % windowSeconds);
    const retryAfterSeconds = window + windowSeconds - now;
    await Outdesk.entities.rateLimit
      .update({ bucket, window })
      .add({ hits: 1 })
      .set({ expiresAt: window + windowSeconds * 2 })
      .where((attr, op) => `${op.notExists(attr.hits)} OR ${op.lt(attr.hits, limit)}`)
      .go({ response: "none" })
      .catch((error) => {
        if (!isConditionFailure(error)) throw error;
        throw new OutdeskError("rate_limited", "Too many requests; try again later", { retryAfterSeconds });
      });
  }
}
