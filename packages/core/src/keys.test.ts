import { describe, expect, it } from "vitest";
import { Outdesk } from "./dynamo";
import { Table } from "./table";

/**
 * The tenancy rule of the table: the provider id is the first composite of every partition key,
 * table and GSIs alike. Only these global routing items are exempt, and they hold ids only.
 */
const globalRouting = new Set(["providerSlug", "inboundAddress", "rateLimit"]);
/** The tenant directory: one GSI partition listing provider ids, read only by timers. */
const globalIndexes = new Set(["provider.directory"]);
/** Items that belong to one client carry the client id second in their table key. */
const clientOwned = new Set(["ticket", "message", "ticketEvent"]);

type IndexDefinition = { index?: string; pk: { field: string; composite: string[] }; sk: { field: string } };

function indexesOf(entity: unknown): Record<string, IndexDefinition> {
  return (entity as { schema: { indexes: Record<string, IndexDefinition> } }).schema.indexes;
}

describe("key shapes", () => {
  for (const [name, entity] of Object.entries(Outdesk.entities)) {
    it(`${name}: every partition key starts with the provider id`, () => {
      for (const [pattern, index] of Object.entries(indexesOf(entity))) {
        if (globalIndexes.has(`${name}.${pattern}`)) {
          expect(index.pk.composite, `${name}.${pattern}`).toEqual([]);
          continue;
        }
        if (globalRouting.has(name)) {
          expect(index.pk.composite, `${name}.${pattern}`).not.toContain("providerId");
          continue;
        }
        expect(index.pk.composite[0], `${name}.${pattern}`).toBe("providerId");
        if (clientOwned.has(name) && !index.index) expect(index.pk.composite[1], `${name}.${pattern}`).toBe("clientId");
      }
    });

    it(`${name}: uses only the table's declared key fields`, () => {
      for (const index of Object.values(indexesOf(entity))) {
        const name = index.index;
        if (!name) {
          expect([index.pk.field, index.sk.field]).toEqual([Table.partitionKey, Table.sortKey]);
        } else {
          expect(Table.globalIndexes).toContain(name);
          expect([index.pk.field, index.sk.field]).toEqual([`${name}pk`, `${name}sk`]);
        }
      }
    });
  }

  it("renders the provider id first in the stored key", () => {
    const params = Outdesk.entities.client.get({ providerId: "prv_a", clientId: "cli_b" }).params();
    expect(params.Key.pk).toBe("$outdesk#providerid_prv_a");
    expect(params.Key.sk).toBe("$client_1#clientid_cli_b");
    const byEmail = Outdesk.entities.user.query.byEmail({ providerId: "prv_a", email: "x@y.example" }).params();
    expect(byEmail.ExpressionAttributeValues[":pk"]).toBe("$outdesk#providerid_prv_a");
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
