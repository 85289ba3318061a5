import { Dynamo } from "@outdesk/core/dynamo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus, type Persona } from "../../../../test/api";
import { type ConflictInjector, injectConflicts } from "../../../../test/conflicts";
import { createClient, signup } from "../../../../test/world";

/**
 * An outage morning: a burst of tickets for one client. Real DynamoDB cancels transactions that
 * touch an item another transaction holds (the client's counters); DynamoDB Local never does, so
 * the injector recreates those cancellations and every operation must absorb them.
 */
let admin: Persona;
let client: string;
let conflicts: ConflictInjector;

beforeAll(async () => {
  admin = await signup("burst");
  client = await createClient(admin, "outage");
  // Each transaction holds its items for 25 ms, about what DynamoDB takes to commit one.
  conflicts = injectConflicts(Dynamo.raw(), { lockMs: 25 });
});

afterAll(() => conflicts.remove());

describe("bursts on one client", () => {
  it("creates 200 tickets at once: 200 tickets, unique numbers, exact counts, no errors", async () => {
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        call(admin, "POST", "/v1/tickets", {
          clientId: client,
          subject: `Site down ${i}`,
          body: "Nothing loads since 8:00.",
          requester: { email: `user${i}@outage.example` },
        }),
      ),
    );
    const failed = replies.filter((reply) => reply.status !== 201);
    expect(failed.map((reply) => reply.body)).toEqual([]);
    const numbers = new Set(replies.map((reply) => reply.body.number as number));
    expect(numbers.size).toBe(200);
    expect(conflicts.stats.transactionsCancelled, "the injector did cancel transactions").toBeGreaterThan(0);
    const counts = expectStatus(await call(admin, "GET", "/v1/tickets/counts"), 200).body;
    expect(counts.clients.find((c: { clientId: string }) => c.clientId === client)).toMatchObject({
      new: 200,
      unassigned: 200,
    });
    let listed = 0;
    let cursor: string | null = null;
    do {
      const page: { body: { items: unknown[]; cursor: string | null } } = await call(
        admin,
        "GET",
        `/v1/tickets?view=client&clientId=${client}&status=new&limit=100${cursor ? `&cursor=${cursor}` : ""}`,
      );
      listed += page.body.items.length;
      cursor = page.body.cursor;
    } while (cursor);
    expect(listed).toBe(200);
  }, 120_000);

  it("applies 50 concurrent status changes on different tickets of the client, counts exact", async () => {
    const { body } = await call(admin, "GET", `/v1/tickets?view=client&clientId=${client}&status=new&limit=50`);
    const before = conflicts.stats.transactionsCancelled;
    const replies = await Promise.all(
      body.items.map((t: { id: string }) =>
        call(admin, "PATCH", `/v1/clients/${client}/tickets/${t.id}`, { status: "pending" }),
      ),
    );
    expect(replies.filter((reply) => reply.status !== 200).map((reply) => reply.body)).toEqual([]);
    expect(conflicts.stats.transactionsCancelled).toBeGreaterThan(before);
    const counts = (await call(admin, "GET", "/v1/tickets/counts")).body;
    expect(counts.clients.find((c: { clientId: string }) => c.clientId === client)).toMatchObject({
      new: 150,
      pending: 50,
    });
  }, 120_000);
});
