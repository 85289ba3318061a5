import { beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus } from "../../../../test/api";
import { buildWorld, createClient, type World } from "../../../../test/world";

let world: World;
beforeAll(async () => {
  world = await buildWorld();
});

let n = 0;
const month = (offset: number) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 15)).toISOString().slice(0, 7);
};
const managed = {
  name: "Managed service",
  currency: "USD",
  components: [
    { kind: "fixed_fee", name: "Managed service", amount: 4_800_000 },
    {
      kind: "per_unit",
      name: "Chats",
      meter: "contacts",
      channel: "chat",
      pricing: "graduated",
      tiers: [
        { upTo: 1000, unitPrice: 150 },
        { upTo: null, unitPrice: 100 },
      ],
    },
  ],
  rounding: { incrementMinutes: 6, minimumMinutes: 15 },
};

describe("contracts", () => {
  it("adds versions by month with defaults filled in; an overlapping or stale version is refused, naming the field", async () => {
    const { adminA } = world.personas;
    const clientId = await createClient(adminA, `contract-${++n}`);
    const empty = expectStatus(await call(adminA, "GET", `/v1/clients/${clientId}/contract`), 200).body;
    expect(empty).toEqual({ clientId, version: 0, versions: [] });

    const first = expectStatus(
      await call(adminA, "POST", `/v1/clients/${clientId}/contract/versions`, {
        effectiveFrom: month(0),
        terms: managed,
        version: 0,
      }),
      201,
    ).body;
    expect(first.version).toBe(1);
    expect(first.versions[0]).toMatchObject({
      number: 1,
      effectiveFrom: month(0),
      effectiveTo: null,
      terms: {
        currency: "USD",
        multipliers: null,
        slaCredits: null,
        rounding: { incrementMinutes: 6, minimumMinutes: 15 },
      },
    });

    // A fixed-term promotion from next month, then a version inside it: overlap.
    expectStatus(
      await call(adminA, "POST", `/v1/clients/${clientId}/contract/versions`, {
        effectiveFrom: month(1),
        effectiveTo: month(3),
        terms: { ...managed, name: "Promotion" },
      }),
      201,
    );
    const inside = await call(adminA, "POST", `/v1/clients/${clientId}/contract/versions`, {
      effectiveFrom: month(2),
      terms: managed,
    });
    expect(inside.status).toBe(400);
    expect(inside.body.issues[0].path).toEqual(["effectiveFrom"]);
    expect(inside.body.issues[0].message).toContain("inside version 2");
    const same = await call(adminA, "POST", `/v1/clients/${clientId}/contract/versions`, {
      effectiveFrom: month(0),
      terms: managed,
    });
    expect(same.body.issues[0].message).toContain("version 1 already starts");
    const old = await call(adminA, "POST", `/v1/clients/${clientId}/contract/versions`, {
      effectiveFrom: month(-3),
      terms: managed,
    });
    expect(old.status).toBe(400);
    expect(old.body.issues[0].path).toEqual(["effectiveFrom"]);
    const stale = await call(adminA, "POST", `/v1/clients/${clientId}/contract/versions`, {
      effectiveFrom: month(5),
      terms: managed,
      version: 1,
    });
    expect(stale.status).toBe(409);
    const after = expectStatus(await call(adminA, "GET", `/v1/clients/${clientId}/contract`), 200).body;
    expect(after.versions.map((v: { number: number }) => v.number)).toEqual([1, 2]);
  });

  it("names the wrong field of terms that cannot be priced, and writes nothing", async () => {
    const { adminA } = world.personas;
    const clientId = await createClient(adminA, `contract-${++n}`);
    const post = (terms: unknown) =>
      call(adminA, "POST", `/v1/clients/${clientId}/contract/versions`, { effectiveFrom: month(0), terms });
    const paths = async (terms: unknown) => {
      const reply = await post(terms);
      expect(reply.status).toBe(400);
      return reply.body.issues.map((i: { path: (string | number)[] }) => i.path.join("."));
    };
    expect(await paths({ ...managed, components: [{ kind: "fixed_fee", name: "Fee", amount: -1 }] })).toEqual([
      "terms.components.0.amount",
    ]);
    expect(await paths({ ...managed, rounding: { incrementMinutes: 0 } })).toEqual(["terms.rounding.incrementMinutes"]);
    expect(
      await paths({
        ...managed,
        components: [
          {
            kind: "per_unit",
            name: "T",
            meter: "tickets_solved",
            pricing: "volume",
            tiers: [
              { upTo: 50, unitPrice: 1 },
              { upTo: 20, unitPrice: 1 },
              { upTo: null, unitPrice: 1 },
            ],
          },
        ],
      }),
    ).toEqual(["terms.components.0.tiers.1.upTo"]);
    expect(
      await paths({ ...managed, components: [{ kind: "fixed_fee", name: "Fee", amount: 5, currency: "EUR" }] }),
    ).toEqual(["terms.components.0.currency"]);
    expect(await paths({ ...managed, multipliers: { calendarId: "cal_missing", afterHours: 1.5 } })).toEqual([
      "terms.multipliers.calendarId",
    ]);
    const contract = expectStatus(await call(adminA, "GET", `/v1/clients/${clientId}/contract`), 200).body;
    expect(contract.versions).toEqual([]);
  });

  it("previews terms against usage: lines with their working, the monthly fee and the charges", async () => {
    const { adminA } = world.personas;
    const clientId = await createClient(adminA, `contract-${++n}`);
    const preview = expectStatus(
      await call(adminA, "POST", `/v1/clients/${clientId}/contract/preview`, {
        terms: managed,
        usage: { contacts: { chat: 1200, email: 40 } },
      }),
      200,
    ).body;
    expect(preview.lines.map((l: { amount: number }) => l.amount)).toEqual([4_800_000, 150_000, 20_000]);
    expect(preview.lines[2].working).toBe("200 contacts in this tier × $1.00");
    expect(preview).toMatchObject({ monthlyFee: 4_800_000, charges: 4_970_000 });
  });

  it("is the provider admins': agents and client admins may not read or change a contract", async () => {
    const { agentA1, clientAdminA1 } = world.personas;
    const path = `/v1/clients/${world.ids.clientA1}/contract`;
    expect((await call(agentA1, "GET", path)).status).toBe(403);
    expect((await call(clientAdminA1, "GET", path)).status).toBe(403);
    expect(
      (await call(clientAdminA1, "POST", `${path}/versions`, { effectiveFrom: month(0), terms: managed })).status,
    ).toBe(403);
  });
});
