import { Config } from "@outdesk/core/config";
import { beforeAll, describe, expect, it } from "vitest";
import type { Persona } from "../test/api";
import { signup } from "../test/world";
import { meteringPerOperation, statementsAtScale } from "./billing";

/**
 * bench/billing.ts on small data: a statement reads its month's rollups (never the ledger), so
 * ten times the events read the same items; metering rides in the ticket write's one transaction.
 */
let admin: Persona;
beforeAll(async () => {
  // Per-operation cost on a warm instance: the session re-check is a rate per session, not per request.
  Config.configure({ credentialCacheMs: 600_000 });
  admin = await signup(`billing-pin-${Date.now().toString(36)}`);
});

describe("billing at scale, small", () => {
  it("reads the same rollup items for 200 and 2,000 events in a month, and counts the seeded and real writes", async () => {
    // One day of the month: 8 kinds × 4 shards = 32 tickets fill its every rollup item.
    const report = await statementsAtScale(admin, {
      small: { tickets: 50, events: 200 },
      large: { tickets: 500, events: 2_000 },
      rounds: 1,
      days: [12],
      realTickets: 1,
    });
    const { small, large } = report;
    // 13 meters × 4 shards of one day, whatever the volume; no ledger item among them.
    expect(report.bound).toBe(52);
    for (const side of [small, large])
      for (const m of [side.get, side.lock]) {
        expect(m.rollupItemsRead).toBe(report.bound);
        expect(m.ledgerItemsRead).toBe(0);
        // The calendar the multipliers classify hours on is the only other item a Query returns.
        expect(m.otherItemsRead).toBe(1);
      }
    expect(large.get.requests).toBe(small.get.requests);
    expect(large.lock.requests).toBe(small.lock.requests);
    // The seeded month and a ticket written through the API (created, a reply, solved), every count as written.
    expect(large.counted).toEqual(large.expected);
    expect(large.counted).toMatchObject({ ticketsCreated: 439, ticketsSolved: 438, contacts: 939 });
    expect(large.ledgerItems).toBe(2_000);
  }, 60_000);

  it("adds no request to a ticket write: the ledger item and the rollup ride in its one transaction", async () => {
    const rows = Object.fromEntries((await meteringPerOperation(admin, 2)).map((row) => [row.operation, row]));
    const reply = rows["public reply (contact)"]!;
    const note = rows["internal note (meters nothing)"]!;
    expect(reply).toMatchObject({ requests: note.requests, transactions: 1, meteringItems: 2 });
    expect(note).toMatchObject({ requests: 2, transactions: 1, meteringItems: 0, meteringWriteUnits: 0 });
    expect(rows["create ticket (meters created)"]).toMatchObject({ requests: 3, transactions: 1, meteringItems: 2 });
    expect(rows["solve (PATCH status: solved)"]).toMatchObject({ requests: 2, transactions: 1 });
    expect(rows["PATCH status: pending (meters nothing)"]).toMatchObject({ requests: 2, meteringItems: 0 });
    // Each metering item is small: 2 write units (one transactional KB) apiece.
    for (const row of Object.values(rows)) expect(row.meteringWriteUnits).toBe(2 * row.meteringItems);
  }, 60_000);
});
