import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { Dynamo } from "@outdesk/core/dynamo";
import { call, expectStatus, type Persona } from "../test/api";
import { buildWorld } from "../test/world";
import { runIfMain } from "./harness";

/**
 * What a ticket's life costs on AWS, from measured DynamoDB requests and capacity units times
 * published on-demand prices (us-east-1). The life: create, assign, 3 staff replies, 2 replies
 * from the client's side, 2 status changes, 5 ticket pages, 10 queue pages.
 */
export const Prices = {
  /** Since November 2024. */
  current: { wru: 0.625, rru: 0.125, label: "current" },
  /** Before November 2024: the prices of the issue's $0.30 baseline. */
  previous: { wru: 1.25, rru: 0.25, label: "pre-2024" },
  /** Lambda arm64: per million requests, per GB-second. */
  lambdaRequests: 0.2,
  lambdaGbSecond: 0.0000133334,
};
/** Assumed billed duration of one API call at 1024 MB (the function's memory): DynamoDB's latency dominates. */
export const LAMBDA_MS_PER_CALL = 30;
export const LAMBDA_GB = 1;

export interface LifeCost {
  tickets: number;
  calls: number;
  requests: number;
  readUnits: number;
  writeUnits: number;
  ticketItemBytes: number;
}

const REQUEST =
  "Hi, since this morning none of our team can sign in to the customer portal. We get 'invalid session' right after the SSO page. Nothing changed on our side. Can you take a look? Thanks, Riley";
const REPLY =
  "Hi Riley, thanks for the details. We found that the portal's SSO certificate was rotated overnight; we have rolled it back, so sign-in works again. Could you confirm on your side? Best, Maya";

/** DynamoDB's item size: attribute names plus values (strings UTF-8, numbers ~1 byte per 2 digits). */
function itemBytes(value: unknown, name = ""): number {
  const own = Buffer.byteLength(name);
  if (value && typeof value === "object" && "S" in value) return own + Buffer.byteLength(String(value.S));
  if (value && typeof value === "object" && "N" in value) return own + Math.ceil(String(value.N).length / 2) + 1;
  if (value && typeof value === "object" && "BOOL" in value) return own + 1;
  if (value && typeof value === "object" && "NULL" in value) return own + 1;
  if (value && typeof value === "object" && "L" in value) {
    return own + 3 + (value.L as unknown[]).reduce<number>((sum, v) => sum + 1 + itemBytes(v), 0);
  }
  if (value && typeof value === "object" && "M" in value) {
    const entries = Object.entries(value.M as Record<string, unknown>);
    return own + 3 + entries.reduce((sum, [k, v]) => sum + 1 + itemBytes(v, k), 0);
  }
  return own;
}

export async function ticketLife(tickets = 10): Promise<LifeCost> {
  const world = await buildWorld();
  const { agentA1: agent, clientAdminA1: clientAdmin } = world.personas;
  const client = world.ids.clientA1;
  const path = (id: string, rest = "") => `/v1/clients/${client}/tickets/${id}${rest}`;
  let calls = 0;
  const as = async (persona: Persona, method: string, url: string, body?: unknown, status = 200) => {
    calls++;
    return expectStatus(await call(persona, method, url, body), status);
  };
  let last = "";
  const usage = await Dynamo.measure(async () => {
    for (let i = 0; i < tickets; i++) {
      const { body: ticket } = await as(
        agent,
        "POST",
        "/v1/tickets",
        {
          clientId: client,
          subject: `Cannot sign in to the customer portal since this morning (${i})`,
          body: REQUEST,
          requester: { name: "Riley Requester", email: "riley.requester@customer.example" },
        },
        201,
      );
      last = ticket.id;
      await as(agent, "POST", path(ticket.id, "/take"));
      for (let r = 0; r < 3; r++) {
        await as(
          agent,
          "POST",
          path(ticket.id, "/replies"),
          { body: REPLY, ...(r === 0 ? { status: "pending" } : {}) },
          201,
        );
        if (r < 2) await as(clientAdmin, "POST", path(ticket.id, "/replies"), { body: REQUEST }, 201);
      }
      await as(agent, "PATCH", path(ticket.id), { status: "on_hold" });
      await as(agent, "PATCH", path(ticket.id), { status: "solved" });
      for (let p = 0; p < 5; p++) await as(agent, "GET", path(ticket.id));
      const views = [
        "view=mine",
        "view=unassigned",
        `view=client&clientId=${client}&status=open`,
        "view=all&status=open",
        `view=client&clientId=${client}&status=solved`,
      ];
      for (let q = 0; q < 10; q++) await as(agent, "GET", `/v1/tickets?${views[q % views.length]}&limit=25`);
    }
  });
  const sample = await Dynamo.raw().send(
    new GetItemCommand({
      TableName: Dynamo.table(),
      Key: { pk: { S: `${world.ids.providerA}#${client}#${last}` }, sk: { S: "t" } },
    }),
  );
  return {
    tickets,
    calls,
    requests: usage.requests,
    readUnits: usage.readUnits,
    writeUnits: usage.writeUnits,
    ticketItemBytes: Object.entries(sample.Item ?? {}).reduce((sum, [k, v]) => sum + itemBytes(v, k), 0),
  };
}

export function printLifeCost(life: LifeCost) {
  const per = (n: number) => n / life.tickets;
  const lambda =
    (per(life.calls) * Prices.lambdaRequests) / 1e6 +
    per(life.calls) * (LAMBDA_MS_PER_CALL / 1000) * LAMBDA_GB * Prices.lambdaGbSecond;
  const lines = [
    `A ticket's life (mean of ${life.tickets}): create, assign, 3 staff replies, 2 client replies, 2 status changes, 5 ticket pages, 10 queue pages`,
    `  API calls ${per(life.calls)}, DynamoDB requests ${per(life.requests).toFixed(1)}, WRU ${per(life.writeUnits).toFixed(1)}, RRU ${per(life.readUnits).toFixed(1)}`,
    `  the ticket item at the end of its life: ${life.ticketItemBytes} bytes (target < 1024)`,
  ];
  for (const price of [Prices.current, Prices.previous]) {
    const dynamo = (per(life.writeUnits) * price.wru + per(life.readUnits) * price.rru) / 1e6;
    lines.push(
      `  per 1,000 tickets at ${price.label} prices: DynamoDB (${per(life.writeUnits).toFixed(1)} WRU × $${price.wru}/M + ${per(life.readUnits).toFixed(1)} RRU × $${price.rru}/M) × 1000 = $${(dynamo * 1000).toFixed(4)}` +
        ` + Lambda (${per(life.calls)} calls × ($${Prices.lambdaRequests}/M + ${LAMBDA_MS_PER_CALL} ms × ${LAMBDA_GB} GB × $${Prices.lambdaGbSecond}/GB-s)) × 1000 = $${(lambda * 1000).toFixed(4)}` +
        ` → $${((dynamo + lambda) * 1000).toFixed(3)} (target ≤ $0.15)`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

await runIfMain(import.meta.url, async () => {
  printLifeCost(await ticketLife());
});
