import { describe, expect, it } from "vitest";
import { primaryKey } from "./common/keys";
import { Outdesk } from "./dynamo";
import { globalIndexNames, Table } from "./table";
import { ViewKeys } from "./ticket/view-keys";

/**
 * The tenancy rule of the table: the provider id is the first composite of every partition key,
 * table and GSIs alike, and the stored key starts with it. Only these global routing items are
 * exempt, and they hold ids only.
 */
const globalRouting = new Set(["providerSlug", "inboundAddress", "rateLimit"]);
// The system-wide log of mail whose recipient names no provider: under no tenant, so none reads it.
globalRouting.add("unroutedMail");
/** The tenant directory: one GSI partition listing provider ids, read only by timers. */
const globalIndexes = new Set(["provider.directory"]);
// The outbox: queued mail of every tenant in a few shards, read only by the retry sweep, which then
// acts as each mail's own provider.
globalIndexes.add("outboundMail.outbox");
// The SLA sweeper's index: measured tickets of every tenant by their next action, in a few shards.
globalIndexes.add("ticket.bySlaNext");
/** Items that belong to one client carry the client id second in every partition key. */
const clientOwned = new Set(["ticket", "message", "ticketEvent", "ticketTag"]);

// ElectroDB's placeholder for the provider id in a key template.
const PROVIDER_COMPOSITE = ["$", "{providerId}"].join("");

type KeyDefinition = { field: string; composite: string[]; template?: string };
type IndexDefinition = { index?: string; pk: KeyDefinition; sk: KeyDefinition };

function indexesOf(entity: unknown): Record<string, IndexDefinition> {
  return (entity as { schema: { indexes: Record<string, IndexDefinition> } }).schema.indexes;
}

describe("key shapes", () => {
  for (const [name, entity] of Object.entries(Outdesk.entities)) {
    it(`${name}: every partition key starts with the provider id`, () => {
      for (const [pattern, index] of Object.entries(indexesOf(entity))) {
        if (globalIndexes.has(`${name}.${pattern}`)) {
          expect(index.pk.composite, `${name}.${pattern}`).not.toContain("providerId");
          continue;
        }
        if (globalRouting.has(name)) {
          expect(index.pk.composite, `${name}.${pattern}`).not.toContain("providerId");
          continue;
        }
        expect(index.pk.composite[0], `${name}.${pattern}`).toBe("providerId");
        expect(index.pk.template?.split("#")[0], `${name}.${pattern}`).toBe(PROVIDER_COMPOSITE);
        if (clientOwned.has(name)) expect(index.pk.composite[1], `${name}.${pattern}`).toBe("clientId");
      }
    });

    it(`${name}: uses only the table's declared key fields`, () => {
      for (const index of Object.values(indexesOf(entity))) {
        const gsi = index.index as keyof typeof Table.globalIndexes | undefined;
        if (!gsi) {
          expect([index.pk.field, index.sk.field]).toEqual([Table.partitionKey, Table.sortKey]);
        } else {
          expect(globalIndexNames).toContain(gsi);
          const { hashKey, rangeKey } = Table.globalIndexes[gsi];
          expect([index.pk.field, index.sk.field]).toEqual([hashKey, rangeKey]);
        }
      }
    });
  }

  it("stores short keys that start with the provider id", () => {
    const params = Outdesk.entities.client.get({ providerId: "prv_a", clientId: "cli_b" }).params();
    expect(params.Key).toEqual({ pk: "prv_a", sk: "c#cli_b" });
    const byEmail = Outdesk.entities.user.query.byEmail({ providerId: "prv_a", email: "x@y.example" }).params();
    expect(byEmail.ExpressionAttributeValues[":pk"]).toBe("prv_a");
    const ticket = Outdesk.entities.ticket.get({ providerId: "prv_a", clientId: "cli_b", ticketId: "tkt_c" }).params();
    expect(ticket.Key).toEqual({ pk: "prv_a#cli_b#tkt_c", sk: "t" });
  });

  it("spells the view keys the way the ticket entity writes them", () => {
    const ticket = {
      providerId: "prv_a",
      clientId: "cli_b",
      ticketId: "tkt_c",
      number: 42,
      key: "AC-42",
      subject: "s",
      status: "on_hold" as const,
      priority: "urgent" as const,
      type: "question" as const,
      tags: ["vip"] as string[],
      assigneeId: "usr_d",
      tier: "L2" as const,
      channel: "web" as const,
      requesterEmail: "r@x.example",
      createdBy: "usr_d",
      createdAt: "2026-12-01T10:00:00.000Z",
      updatedAt: "2026-12-01T11:00:00.000Z",
      dueAt: "~",
      messageCount: 1,
      timeSpentMinutes: 0,
      version: 1,
    };
    const item = Outdesk.entities.ticket.create(ticket).params().Item as Record<string, string>;
    expect(item.pk).toBe(ViewKeys.ticket("prv_a", "cli_b", "tkt_c"));
    expect(item.sk).toBe(ViewKeys.ticketSort);
    expect(item.gsi2pk).toBe(ViewKeys.clientStatus("prv_a", "cli_b", "on_hold"));
    expect(item.gsi2sk).toBe("2026-12-01T11:00:00.000Z#00000042");
    expect(item.gsi3pk).toBe(ViewKeys.assignee("prv_a", "cli_b", "usr_d"));
    expect(item.gsi3sk).toBe("on_hold#2026-12-01T11:00:00.000Z#00000042");
    expect(item.gsi4sk).toBe("~#00000042");
    expect(item.gsi5pk).toBe(ViewKeys.requester("prv_a", "cli_b", "r@x.example"));
    expect(item.gsi6pk).toBe(ViewKeys.priority("prv_a", "cli_b", "on_hold", "urgent"));
    expect(item.gsi7pk).toBe(ViewKeys.tier("prv_a", "cli_b", "on_hold", "L2"));
    expect(item.gsi6sk).toBe("#00000042");
    const l1 = Outdesk.entities.ticket.create({ ...ticket, tier: "L1" }).params().Item as Record<string, string>;
    expect(l1.gsi7pk, "L1 tickets stay out of the tier index").toBeUndefined();
    const tag = Outdesk.entities.ticketTag
      .put({ providerId: "prv_a", clientId: "cli_b", tag: "vip", status: "on_hold", number: 42, ticketId: "tkt_c" })
      .params().Item as Record<string, string>;
    expect(tag.pk).toBe(ViewKeys.tag("prv_a", "cli_b", "vip", "on_hold"));
    expect(tag.sk?.startsWith(ViewKeys.tagSortPrefix)).toBe(true);
    const stats = Outdesk.entities.queueStats
      .create({ providerId: "prv_a", clientId: "cli_b", scope: "a", part: "usr_d", active: 1 })
      .params().Item as Record<string, string>;
    expect(stats.pk).toBe(ViewKeys.statsPartition("prv_a"));
    expect(stats.sk?.startsWith(ViewKeys.statsSortPrefix("cli_b"))).toBe(true);
    expect(stats.sk?.startsWith(ViewKeys.statsSortPrefix())).toBe(true);
  });

  it("builds each entity's table key as ElectroDB does", () => {
    for (const [name, entity] of Object.entries(Outdesk.entities)) {
      const primary = Object.values(indexesOf(entity)).find((index) => index.index === undefined)!;
      // Values with characters a string replacement would interpret ($&, $1).
      const values = Object.fromEntries(
        [...primary.pk.composite, ...primary.sk.composite].map((field, i) => [field, `v${i}$&$1`]),
      );
      const expected = (entity as { get: (v: unknown) => { params: () => { Key: unknown } } }).get(values).params().Key;
      const attributes = (entity as { schema: { attributes: Record<string, { type: unknown; padding?: unknown }> } })
        .schema.attributes;
      const plain = Object.keys(values).every((field) => {
        const { type, padding } = attributes[field]!;
        return padding === undefined && (type === "string" || Array.isArray(type));
      });
      // Keys with numbers (ticket tags, rate-limit windows) are ElectroDB's or ViewKeys' to spell.
      if (!plain) expect(() => primaryKey(entity as never, values), name).toThrow(/plain string/);
      else expect(primaryKey(entity as never, values), name).toEqual(expected);
    }
  });

  it("holds only ids in global routing items", () => {
    expect(Object.keys(Outdesk.entities.inboundAddress.schema.attributes).sort()).toEqual([
      "address",
      "clientId",
      "providerId",
    ]);
    expect(Object.keys(Outdesk.entities.providerSlug.schema.attributes).sort()).toEqual(["providerId", "slug"]);
  });
});
