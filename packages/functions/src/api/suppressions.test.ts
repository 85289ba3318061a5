import { Dynamo } from "@outdesk/core/dynamo";
import { Suppression } from "@outdesk/core/email/suppression";
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus } from "../../../../test/api";
import { buildWorld, type World } from "../../../../test/world";

let world: World;
beforeAll(async () => {
  world = await buildWorld();
});

const addresses = (reply: { body: { items: { address: string }[] } }) => reply.body.items.map((item) => item.address);

describe("the suppression list API", () => {
  it("provider admins add, list and clear addresses", async () => {
    const { adminA } = world.personas;
    const added = expectStatus(
      await call(adminA, "POST", "/v1/suppressions", { address: "Noisy@Customer.Example", detail: "asked us to stop" }),
      201,
    );
    expect(added.body).toEqual({
      address: "noisy@customer.example",
      reason: "manual",
      detail: "asked us to stop",
      mailId: null,
      clientId: null,
      ticketId: null,
      createdBy: world.ids.adminA,
      createdAt: expect.any(String),
    });
    const listed = expectStatus(await call(adminA, "GET", "/v1/suppressions"), 200);
    expect(addresses(listed)).toContain("noisy@customer.example");
    expect(listed.body.cursor).toBeNull();
    // Outbound mail now leaves the address out.
    expect(await Suppression.filter(world.ids.providerA, ["noisy@customer.example"])).toEqual({
      allowed: [],
      suppressed: ["noisy@customer.example"],
    });
    const cleared = expectStatus(await call(adminA, "DELETE", "/v1/suppressions/NOISY%40customer.example"), 200);
    expect(cleared.body).toMatchObject({ address: "noisy@customer.example", reason: "manual" });
    expect(addresses(expectStatus(await call(adminA, "GET", "/v1/suppressions"), 200))).not.toContain(
      "noisy@customer.example",
    );
    expect((await Suppression.filter(world.ids.providerA, ["noisy@customer.example"])).allowed).toEqual([
      "noisy@customer.example",
    ]);
  });

  it("answers a duplicate with 409, a bad address with 400 naming the field, an unknown one with 404", async () => {
    const { adminA } = world.personas;
    expectStatus(await call(adminA, "POST", "/v1/suppressions", { address: "twice@customer.example" }), 201);
    const again = await call(adminA, "POST", "/v1/suppressions", { address: "TWICE@customer.example" });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("conflict");
    const bad = await call(adminA, "POST", "/v1/suppressions", { address: "not an address" });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toEqual(["address"]);
    const extra = await call(adminA, "POST", "/v1/suppressions", { address: "x@customer.example", reason: "bounce" });
    expect(extra.status).toBe(400);
    const tooLong = await call(adminA, "POST", "/v1/suppressions", { address: "a@b.example", detail: "x".repeat(501) });
    expect(tooLong.body.issues[0].path).toEqual(["detail"]);
    const missing = await call(adminA, "DELETE", "/v1/suppressions/nobody%40customer.example");
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe("not_found");
    const badLimit = await call(adminA, "GET", "/v1/suppressions?limit=0");
    expect(badLimit.status).toBe(400);
  });

  it("pages in address order with sealed cursors, and filters by prefix", async () => {
    const { adminA } = world.personas;
    for (const name of ["page-c", "page-a", "page-b"])
      expectStatus(await call(adminA, "POST", "/v1/suppressions", { address: `${name}@paging.example` }), 201);
    const first = expectStatus(await call(adminA, "GET", "/v1/suppressions?prefix=page-&limit=2"), 200);
    expect(addresses(first)).toEqual(["page-a@paging.example", "page-b@paging.example"]);
    expect(first.body.cursor).toEqual(expect.any(String));
    const second = expectStatus(
      await call(adminA, "GET", `/v1/suppressions?prefix=page-&limit=2&cursor=${first.body.cursor}`),
      200,
    );
    expect(addresses(second)).toEqual(["page-c@paging.example"]);
    // A cursor belongs to its query.
    const replayed = await call(adminA, "GET", `/v1/suppressions?prefix=other&cursor=${first.body.cursor}`);
    expect(replayed.status).toBe(400);
    expect(replayed.body.code).toBe("invalid_cursor");
  });

  it("is the provider admins' alone, and each provider's own", async () => {
    const { adminA, adminB, agentA1, clientAdminA1, keyA1 } = world.personas;
    expectStatus(await call(adminA, "POST", "/v1/suppressions", { address: "shared@customer.example" }), 201);
    for (const persona of [agentA1, clientAdminA1, keyA1]) {
      expect((await call(persona, "GET", "/v1/suppressions")).status).toBe(403);
      expect((await call(persona, "POST", "/v1/suppressions", { address: "x@customer.example" })).status).toBe(403);
      expect((await call(persona, "DELETE", "/v1/suppressions/shared%40customer.example")).status).toBe(403);
    }
    expect(addresses(expectStatus(await call(adminB, "GET", "/v1/suppressions"), 200))).toEqual([]);
    expect((await call(adminB, "DELETE", "/v1/suppressions/shared%40customer.example")).status).toBe(404);
    // B may suppress the same address for itself; A's entry is untouched.
    expectStatus(await call(adminB, "POST", "/v1/suppressions", { address: "shared@customer.example" }), 201);
    expectStatus(await call(adminB, "DELETE", "/v1/suppressions/shared%40customer.example"), 200);
    expect(addresses(expectStatus(await call(adminA, "GET", "/v1/suppressions"), 200))).toContain(
      "shared@customer.example",
    );
  });
});

describe("Suppression.filter", () => {
  it("splits recipients in one BatchGet, keeping their order and form, each address once", async () => {
    const { adminA } = world.personas;
    expectStatus(await call(adminA, "POST", "/v1/suppressions", { address: "gone@filter.example" }), 201);
    const usage = await Dynamo.measure(() =>
      Suppression.filter(world.ids.providerA, [
        "keep@filter.example",
        "Gone Person <GONE@filter.example>",
        "gone@filter.example",
        "keep@filter.example",
        "also-keep@filter.example",
      ]),
    );
    expect(usage.result).toEqual({
      allowed: ["keep@filter.example", "also-keep@filter.example"],
      suppressed: ["Gone Person <GONE@filter.example>"],
    });
    expect(usage.requests).toBe(1);
    // Another provider's list does not apply.
    expect((await Suppression.filter(world.ids.providerB, ["gone@filter.example"])).allowed).toEqual([
      "gone@filter.example",
    ]);
  });

  it("reads nothing for no recipients, and more than 100 in pages of 100", async () => {
    expect(await Dynamo.measure(() => Suppression.filter(world.ids.providerA, []))).toMatchObject({
      result: { allowed: [], suppressed: [] },
      requests: 0,
    });
    const many = Array.from({ length: 150 }, (_, i) => `r${i}@many.example`);
    const usage = await Dynamo.measure(() => Suppression.filter(world.ids.providerA, many));
    expect(usage.result.allowed).toHaveLength(150);
    expect(usage.requests).toBe(2);
  });
});
