import { Config } from "@outdesk/core/config";
import { describe, expect, it } from "vitest";
import { requestsPerOperation } from "./requests-per-operation";

/** Guards the access-pattern budget: a change that adds a DynamoDB request to a route fails here. */
describe("DynamoDB requests per operation", () => {
  it("stays within budget", async () => {
    // Per-operation cost on a warm instance: the session re-check (one BatchGet per session per
    // credentialCacheMs) is a rate per session, not per request, so it is kept out of the rows.
    Config.configure({ credentialCacheMs: 600_000 });
    const rows = await requestsPerOperation();
    const measured = Object.fromEntries(rows.map((row) => [row.operation, row.measured]));
    // Rows without a note meet the target exactly; the others are pinned below at what they cost.
    for (const row of rows.filter((row) => !row.note)) expect(row.measured, row.operation).toBe(row.target);
    expect(measured).toMatchObject({
      "GET /v1/me": 1,
      "POST /v1/clients": 1,
      "PATCH /v1/clients/:id (slug)": 2,
      // 2 as before, then the invitation mail: suppression check, provider and inviter reads.
      "POST /v1/users (agent)": 5,
      "PATCH /v1/users/:id (name)": 2,
      // Counts the attempt before the password check (conditional lock counter, issue 8).
      "POST /v1/auth/login": 5,
      "POST /v1/auth/refresh": 2,
      // Checks (client, assignee) before a number is taken, so refused creates leave no gap.
      "POST /v1/tickets": 3,
      "GET ticket page": 1,
      "PATCH ticket (priority)": 2,
      "POST reply": 2,
      // Committed (outbound item, thread key and thread in the reply's transaction), then sent:
      // the suppression check and the sent state are the 2 requests after the commit.
      "POST reply (mailed)": 4,
      "GET /v1/tickets?view=client&priority=": 2,
      "GET /v1/tickets?view=mine": 2,
      "GET /v1/tickets?view=unassigned": 2,
      "GET /v1/tickets?view=all": 2,
      "POST merge": 4,
      "POST bulk (100 tickets)": 102,
    });
    expect(measured["GET /v1/clients (API key)"]).toBeLessThanOrEqual(1.2);
    // Write units as AWS bills them, indexes included (issue 7: ≤ 12 per create, ≤ 10 per reply).
    const units = Object.fromEntries(rows.map((row) => [row.operation, row]));
    expect(units["POST /v1/tickets"]?.writeUnits).toBeLessThanOrEqual(12);
    expect(units["POST reply"]?.writeUnits).toBeLessThanOrEqual(10);
    expect(units["POST reply (mailed)"]?.writeUnits).toBeLessThanOrEqual(20);
    expect(units["GET /v1/tickets?view=client"]?.readUnits).toBeLessThanOrEqual(1);
  }, 120_000);
});
