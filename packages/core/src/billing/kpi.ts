import * as z from "zod";
import { assertClientAccess, assertRole } from "../actor";
import { Outdesk } from "../dynamo";
import { NotFound } from "../error";
import { fn } from "../fn";
import { SlaReports, type StatementInfo } from "../sla/report";
import { Metrics } from "../sla/schema";
import { versionFor } from "./contract";
import { addMeter, zeroCounts } from "./meters";
import { monthRollups } from "./month";
import { Month } from "./schema";
import { type BillingStatement, load, rateMonth } from "./statement";

const HOUR = 3_600_000;
const OPEN = ["new", "open", "pending", "on_hold"] as const;
const AGES = [
  { label: "under 1 day", minHours: 0, maxHours: 24 },
  { label: "1–3 days", minHours: 24, maxHours: 72 },
  { label: "3–7 days", minHours: 72, maxHours: 168 },
  { label: "7–30 days", minHours: 168, maxHours: 720 },
  { label: "over 30 days", minHours: 720, maxHours: null },
] as const;

/** Printed beside the figures: what each one counts. */
export const KpiDefinitions = {
  ticketsIn: "Tickets created in the month (client's time zone), every channel.",
  ticketsSolved: "Tickets solved in the month, each once however often it was re-solved.",
  ticketsReopened: "Solved or closed tickets set back to an active status in the month.",
  backlog:
    "Tickets not solved or closed (new, open, pending, on hold) at the time shown, by age since they were created.",
  firstContactResolution:
    "First solves with at most one public reply from staff and no follow-up from the requester, as a share of tickets solved.",
  averageHandleMinutes:
    "Approved handled minutes (billable and no-charge time entries) logged in the month ÷ tickets solved in the month.",
  slaCompliance:
    "Per SLA metric: targets met ÷ (met + breached), from the frozen SLA statement when there is one, else live.",
  utilisation:
    "Billable utilisation per agent: billable minutes ÷ minutes logged (draft and approved time entries) in the month.",
  revenue:
    "The client's billing statement total for the month: locked as invoiced, else rated now (provisional or month to date).",
} as const;

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 100 : null);

export const ClientKpisInfo = z
  .object({
    clientId: z.string(),
    clientName: z.string(),
    month: z.string(),
    timeZone: z.string(),
    ticketsIn: z.number(),
    ticketsSolved: z.number(),
    ticketsReopened: z.number(),
    backlog: z.object({
      asOf: z.string(),
      total: z.number(),
      buckets: z.array(
        z.object({ label: z.string(), minHours: z.number(), maxHours: z.number().nullable(), count: z.number() }),
      ),
    }),
    firstContactResolution: z.object({ solved: z.number(), firstContact: z.number(), percent: z.number().nullable() }),
    averageHandleMinutes: z.number().nullable(),
    handledMinutes: z.number(),
    slaCompliance: z.array(
      z.object({ metric: z.enum(Metrics), met: z.number(), breached: z.number(), percent: z.number().nullable() }),
    ),
    slaSource: z.enum(["frozen", "live"]),
    definitions: z.record(z.string(), z.string()),
  })
  .meta({ id: "ClientKpis" });

export const ProviderKpisInfo = z
  .object({
    month: z.string(),
    agents: z.array(
      z.object({
        agentId: z.string(),
        name: z.string(),
        workedMinutes: z.number(),
        billableMinutes: z.number(),
        utilisationPercent: z.number().nullable(),
        clients: z.array(z.object({ clientId: z.string(), minutes: z.number() })),
      }),
    ),
    clients: z.array(
      z.object({
        clientId: z.string(),
        name: z.string(),
        currency: z.string().nullable(),
        charges: z.number(),
        credits: z.number(),
        total: z.number(),
        status: z.enum(["open", "provisional", "locked", "no_contract"]),
      }),
    ),
    definitions: z.record(z.string(), z.string()),
  })
  .meta({ id: "ProviderKpis" });

/** The client's unsolved tickets by age: one Query per active status of the client queue (gsi2), created time only. */
async function backlogOf(providerId: string, clientId: string, now: number) {
  const created = (
    await Promise.all(
      OPEN.map((status) =>
        Outdesk.entities.ticket.query
          .byClientStatus({ providerId, clientId, status })
          .go({ pages: "all", attributes: ["createdAt"] }),
      ),
    )
  ).flatMap((r) => r.data.map((t) => Date.parse(t.createdAt)));
  const buckets = AGES.map((a) => ({ ...a, count: 0 }));
  for (const at of created) {
    const hours = (now - at) / HOUR;
    const bucket = buckets.find((b) => b.maxHours === null || hours < b.maxHours) ?? buckets[buckets.length - 1]!;
    bucket.count++;
  }
  return { asOf: new Date(now).toISOString(), total: created.length, buckets };
}

export namespace Kpis {
  export const ClientInfo = ClientKpisInfo;
  export const ProviderInfo = ProviderKpisInfo;
  export const Definitions = KpiDefinitions;

  /** One client's KPI pack for a month: provider admins, the staff serving the client, its client admins. */
  export const client = fn(z.object({ clientId: z.string().max(64), month: Month }), async ({ clientId, month }) => {
    const { providerId } = assertClientAccess(clientId);
    const now = Date.now();
    const [{ data: client }, rollups, backlog, { data: frozen }] = await Promise.all([
      Outdesk.entities.client.get({ providerId, clientId }).go(),
      monthRollups(providerId, clientId, month),
      backlogOf(providerId, clientId, now),
      Outdesk.entities.slaStatement.get({ providerId, clientId, month }).go(),
    ]);
    if (!client) throw NotFound("Client");
    const counts = zeroCounts();
    for (const item of rollups) addMeter(counts, item.meter, item.total ?? 0);
    const report = frozen ? (frozen.body as StatementInfo).report : await SlaReports.month({ clientId, month });
    return {
      clientId,
      clientName: client.name,
      month,
      timeZone: client.timeZone,
      ticketsIn: counts.ticketsCreated,
      ticketsSolved: counts.ticketsSolved,
      ticketsReopened: counts.ticketsReopened,
      backlog,
      firstContactResolution: {
        solved: counts.ticketsSolved,
        firstContact: counts.ticketsSolvedFirstContact,
        percent: percent(counts.ticketsSolvedFirstContact, counts.ticketsSolved),
      },
      averageHandleMinutes:
        counts.ticketsSolved > 0 ? Math.round((counts.handledMinutes / counts.ticketsSolved) * 10) / 10 : null,
      handledMinutes: counts.handledMinutes,
      slaCompliance: report.metrics.map((m) => ({
        metric: m.metric,
        met: m.total.met,
        breached: m.total.breached,
        percent: percent(m.total.met, m.total.met + m.total.breached),
      })),
      slaSource: frozen ? ("frozen" as const) : ("live" as const),
      definitions: {
        ticketsIn: KpiDefinitions.ticketsIn,
        ticketsSolved: KpiDefinitions.ticketsSolved,
        ticketsReopened: KpiDefinitions.ticketsReopened,
        backlog: KpiDefinitions.backlog,
        firstContactResolution: KpiDefinitions.firstContactResolution,
        averageHandleMinutes: KpiDefinitions.averageHandleMinutes,
        slaCompliance: KpiDefinitions.slaCompliance,
      },
    } satisfies z.infer<typeof ClientKpisInfo>;
  });

  /**
   * Provider admins: billable utilisation per agent (time entries by agent, gsi11, one Query per
   * agent) and revenue per client (each client's statement of the month, as BillingStatements rates it).
   */
  export const provider = fn(z.object({ month: Month }), async ({ month }) => {
    const { providerId } = assertRole("provider_admin");
    const [{ data: users }, { data: clients }] = await Promise.all([
      Outdesk.entities.user.query.byId({ providerId }).go({ pages: "all" }),
      Outdesk.entities.client.query.byId({ providerId }).go({ pages: "all" }),
    ]);
    const staff = users.filter((u) => u.role !== "client_admin");
    const [agents, revenue] = await Promise.all([
      Promise.all(
        staff.map(async (user) => {
          const { data: entries } = await Outdesk.entities.timeEntry.query
            .byAgent({ providerId, agentId: user.userId })
            .begins({ date: month })
            .go({ pages: "all" });
          const byClient = new Map<string, number>();
          let worked = 0;
          let billable = 0;
          for (const e of entries) {
            if (e.month !== month) continue;
            worked += e.minutes;
            if (e.billing === "billable") billable += e.minutes;
            byClient.set(e.clientId, (byClient.get(e.clientId) ?? 0) + e.minutes);
          }
          return {
            agentId: user.userId,
            name: user.name,
            workedMinutes: worked,
            billableMinutes: billable,
            utilisationPercent: percent(billable, worked),
            clients: [...byClient.entries()].map(([clientId, minutes]) => ({ clientId, minutes })),
          };
        }),
      ),
      Promise.all(
        clients.map(async (c) => {
          const ctx = await load(c.clientId, month);
          const statement: BillingStatement | null = ctx.locked
            ? (ctx.locked.statement as BillingStatement)
            : versionFor(ctx.versions, month)
              ? await rateMonth(ctx, month)
              : null;
          return {
            clientId: c.clientId,
            name: c.name,
            currency: statement?.currency ?? null,
            charges: statement?.totals.charges ?? 0,
            credits: statement?.totals.credits ?? 0,
            total: statement?.totals.total ?? 0,
            status: statement?.status ?? ("no_contract" as const),
          };
        }),
      ),
    ]);
    return {
      month,
      agents,
      clients: revenue,
      definitions: { utilisation: KpiDefinitions.utilisation, revenue: KpiDefinitions.revenue },
    } satisfies z.infer<typeof ProviderKpisInfo>;
  });
}
