import { describe, expect, it } from "vitest";
import { searchReport } from "./search";

/**
 * bench/search.ts on small data: a search reads the same few items however many tickets the
 * client has (one gsi1 Query for what changed since the snapshot, one BatchGet for snippets),
 * cold or warm; the index beats the scan and finds what a whole-word scan finds.
 */
describe("search at scale, small", () => {
  it("sends the same DynamoDB requests for 300 and 1,500 tickets, cold and warm", async () => {
    const small = await searchReport({ tickets: 300, queries: 30 });
    const large = await searchReport({ tickets: 1_500, queries: 60 });
    for (const report of [small, large]) {
      expect(report.coldRequests).toBe(2);
      expect(report.warmRequests).toBe(2);
    }
    expect(large.ratio).toBeGreaterThan(1);
    expect(large.agreement).toBeGreaterThanOrEqual(0.85);
    // The snapshot grows with the tickets: about the same bytes per ticket at both sizes.
    expect(large.bytesPer1000 / small.bytesPer1000).toBeGreaterThan(0.5);
    expect(large.bytesPer1000 / small.bytesPer1000).toBeLessThan(2);
  }, 120_000);
});
