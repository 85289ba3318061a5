import * as z from "zod";
import { assertClientAccess, assertRole } from "../actor";
import { queryPrefixRaw } from "../common/batch";
import { Outdesk } from "../dynamo";
import { NotFound } from "../error";
import { fn } from "../fn";
import { dayIn } from "../sla/rollup";
import { Channels } from "../ticket/constants";
import { addMeter, type MeterCounts, type RollupItem, zeroCounts } from "./meters";
import { Month } from "./schema";

const Counts = z.object({
  ticketsCreated: z.number(),
  ticketsSolved: z.number().describe("each ticket once per month, however often it was re-solved"),
  ticketsSolvedFirstContact: z
    .number()
    .describe("first solves with at most one public staff reply and no follow-up from the requester"),
  ticketsReopened: z.number(),
  contacts: z.record(z.enum(Channels), z.number()).describe("public staff replies, by the ticket's channel"),
  workedMinutes: z.number().describe("approved time entries, every kind"),
  handledMinutes: z.number().describe("approved entries that are billable or no charge (not do-not-bill)"),
  billableMinutes: z.number().describe("approved billable entries, after the contract's rounding"),
  noChargeMinutes: z.number(),
}) satisfies z.ZodType<MeterCounts>;
type Counts = z.infer<typeof Counts>;

export const UsageInfo = z
  .object({
    clientId: z.string(),
    month: z.string(),
    timeZone: z.string().describe("days and hours are the client's"),
    monthToDate: z.boolean().describe("true while the month is not over in the client's time zone"),
    totals: Counts,
    days: z.array(Counts.extend({ day: z.string() })).describe("days with usage, in order"),
    reads: z.number().describe("rollup items read: bounded by days and meters, not by tickets"),
  })
  .meta({ id: "BillingUsage" });
export type UsageInfo = z.infer<typeof UsageInfo>;

/**
 * A month's rollup items of one client (at most days × meters × shards, whatever the volume),
 * decoded by hand: the SDK's unmarshall of every hour attribute cost more than the rest of a
 * statement.
 */
export async function monthRollups(providerId: string, clientId: string, month: string): Promise<RollupItem[]> {
  const raw = await queryPrefixRaw(`${providerId}#${clientId}`, `usr#${month}`);
  return raw.map((item) => {
    const rollup: RollupItem = { day: item.day?.S ?? "", meter: item.meter?.S ?? "" };
    for (const name in item) {
      const n = item[name]!.N;
      if (n !== undefined && (name === "total" || HOUR_NAMES.has(name))) rollup[name as "total"] = Number(n);
    }
    return rollup;
  });
}
const HOUR_NAMES = new Set(Array.from({ length: 24 }, (_, h) => `h${h}`));

export namespace BillingUsage {
  export const Info = UsageInfo;

  /** Provider admins and the client's own admins read its metered usage of a month, live. */
  export const month = fn(z.object({ clientId: z.string().max(64), month: Month }), async ({ clientId, month }) => {
    const { providerId } = assertClientAccess(clientId);
    assertRole("provider_admin", "client_admin");
    const { data: client } = await Outdesk.entities.client.get({ providerId, clientId }).go();
    if (!client) throw NotFound("Client");
    const items = await monthRollups(providerId, clientId, month);
    const totals = zeroCounts();
    const byDay = new Map<string, Counts>();
    for (const item of items) {
      const n = item.total ?? 0;
      addMeter(totals, item.meter, n);
      const day = byDay.get(item.day) ?? zeroCounts();
      byDay.set(item.day, day);
      addMeter(day, item.meter, n);
    }
    return {
      clientId,
      month,
      timeZone: client.timeZone,
      monthToDate: dayIn(client.timeZone, Date.now()).slice(0, 7) <= month,
      totals,
      days: [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, counts]) => ({ day, ...counts })),
      reads: items.length,
    } satisfies UsageInfo;
  });
}
