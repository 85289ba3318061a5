import { CreateTableCommand, DescribeTableCommand, PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { Dynamo } from "@outdesk/core/dynamo";
import { globalIndexNames, Table } from "@outdesk/core/table";
import { describe, expect, it } from "vitest";
import { ensureTable } from "./table";

describe("the local table", () => {
  it("rebuilds a table of an older index layout, and leaves a current one alone", async () => {
    const name = `layout-${Date.now()}`;
    const client = Dynamo.raw();
    // The first layout: gsi1–gsi5, every index projecting all attributes.
    const old = ["gsi1", "gsi2", "gsi3", "gsi4", "gsi5"];
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: ["pk", "sk", ...old.flatMap((i) => [`${i}pk`, `${i}sk`])].map((n) => ({
          AttributeName: n,
          AttributeType: "S",
        })),
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: old.map((i) => ({
          IndexName: i,
          KeySchema: [
            { AttributeName: `${i}pk`, KeyType: "HASH" },
            { AttributeName: `${i}sk`, KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        })),
      }),
    );
    await client.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "$outdesk#old" }, sk: { S: "x" } } }));
    expect(await ensureTable(client, name)).toBe("rebuilt");
    const { Table: table } = await client.send(new DescribeTableCommand({ TableName: name }));
    expect(table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([...globalIndexNames].sort());
    const gsi2 = table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === "gsi2");
    expect(gsi2?.Projection?.NonKeyAttributes?.sort()).toEqual(
      [...(Table.globalIndexes.gsi2.projection as readonly string[])].sort(),
    );
    expect((await client.send(new ScanCommand({ TableName: name }))).Count, "the old layout's items are gone").toBe(0);
    expect(await ensureTable(client, name)).toBe("ok");
  });
});
