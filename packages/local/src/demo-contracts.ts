import { type Actor, withActor } from "@outdesk/core/actor";
import { BillingStatements, Contracts } from "@outdesk/core/billing";
import { withClock } from "@outdesk/core/clock";
import { monthOver, SlaReports } from "@outdesk/core/sla/report";

type UserActor = Actor & { type: "user" };
type Terms = Parameters<typeof Contracts.addVersion>[0]["terms"];

/** "Any miss → 50 % of the allocation, 5 points or more under → 100 %" (the worked example). */
const creditTiers = [
  { pointsBelow: 0, creditPercent: 50 },
  { pointsBelow: 5, creditPercent: 100 },
];

/**
 * The demo's three contracts, one of each shape a provider sells (amounts in minor units):
 * Acme pays per solved ticket and per contact; Globex a retainer with included hours and SLA
 * credits; Initech a dedicated team by the FTE and the hour, with a monthly minimum.
 */
export const demoContracts = {
  // Nothing Acme buys is priced by the hour, and its calendar is 24×7: no after-hours multipliers.
  acme: (): Terms => ({
    name: "Acme pay per ticket",
    currency: "USD",
    components: [
      {
        kind: "per_unit",
        name: "Solved tickets",
        meter: "tickets_solved",
        pricing: "graduated",
        tiers: [
          { upTo: 3, unitPrice: 4500 },
          { upTo: 10, unitPrice: 3800 },
          { upTo: null, unitPrice: 3000 },
        ],
      },
      ...(
        [
          ["Phone contacts", "phone", 450],
          ["Chat contacts", "chat", 275],
          ["Web contacts", "web", 180],
          ["Email contacts", "email", 180],
        ] as const
      ).map(([name, channel, unitPrice]) => ({
        kind: "per_unit" as const,
        name,
        meter: "contacts" as const,
        channel,
        pricing: "volume" as const,
        tiers: [{ upTo: null, unitPrice }],
      })),
    ],
    // Time is still logged (and shown in the usage) in tenths of an hour.
    rounding: { incrementMinutes: 6, minimumMinutes: 6 },
  }),
  globex: (): Terms => ({
    name: "Globex managed service",
    currency: "GBP",
    components: [
      {
        kind: "allowance",
        name: "Service desk retainer",
        meter: "billable_hours",
        fee: 600_000,
        included: 4.5,
        overageRate: 8_500,
        rolloverCap: 2,
      },
    ],
    rounding: { incrementMinutes: 15, minimumMinutes: 15 },
    slaCredits: {
      atRiskPercent: 12,
      capPercent: 10,
      earnBack: true,
      allocations: [
        { name: "First reply", metric: "first_reply", targetPercent: 90, sharePercent: 40, tiers: creditTiers },
        { name: "Next reply", metric: "next_reply", targetPercent: 90, sharePercent: 35, tiers: creditTiers },
        { name: "Resolution", metric: "resolution", targetPercent: 95, sharePercent: 25, tiers: creditTiers },
      ],
    },
  }),
  // Initech's hours are counted on its Chicago business calendar: evenings cost half as much again, weekends double.
  initech: (calendarId: string): Terms => ({
    name: "Initech dedicated team",
    currency: "USD",
    components: [
      { kind: "fte", name: "Dedicated agent", count: 0.5, monthlyRate: 420_000 },
      { kind: "agent_hours", name: "Agent time", hourlyRate: 5_500 },
      { kind: "minimum_commitment", name: "Monthly minimum", amount: 240_000 },
    ],
    rounding: { incrementMinutes: 15, minimumMinutes: 15 },
    multipliers: { calendarId, afterHours: 1.5, weekend: 2, holiday: 2 },
  }),
} satisfies Record<string, (calendarId: string) => Terms>;

export type DemoSlug = keyof typeof demoContracts;

export interface BillingClient {
  clientId: string;
  slug: DemoSlug;
  timeZone: string;
  /** The calendar its SLA policy counts on (Initech's contract prices hours on it). */
  calendarId: string;
}

export const monthOf = (at: number) => new Date(at).toISOString().slice(0, 7);

function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  for (let m = first; m <= last; ) {
    months.push(m);
    const [y, mm] = m.split("-").map(Number) as [number, number];
    m = mm === 12 ? `${y + 1}-01` : `${y}-${String(mm + 1).padStart(2, "0")}`;
  }
  return months;
}

/** The finished months of the history in the client's time zone, oldest first. */
export function finishedMonths(first: string, timeZone: string, now: number): string[] {
  return monthsBetween(first, monthOf(now)).filter((m) => monthOver(m, timeZone, now));
}

/**
 * Each demo client's contract, from the history's first month, added by the provider admin at
 * the history's first instant (`withClock`: a month that far back is refused on today's clock),
 * so the time approved after it is rounded by its terms.
 */
export async function addDemoContracts(admin: UserActor, clients: BillingClient[], from: number): Promise<void> {
  await withActor(admin, () =>
    withClock(from, async () => {
      for (const client of clients)
        await Contracts.addVersion({
          clientId: client.clientId,
          effectiveFrom: monthOf(from),
          terms: demoContracts[client.slug](client.calendarId),
          note: "Signed before the demo's history began",
        });
    }),
  );
}

/**
 * Closes the history's finished months as a provider would: every month but the last
 * has its SLA statement frozen and its billing statement locked; the last is left provisional,
 * for the demo's provider to lock. Its SLA statement is frozen too (Globex's credits are rated
 * from it), except Acme's: the demo's walk-throughs freeze that one (sla-dashboard and
 * billing.browser.test.ts). Returns the months locked and the month left provisional.
 */
export async function closeDemoMonths(
  admin: UserActor,
  clients: BillingClient[],
  from: number,
  now = Date.now(),
): Promise<{ locked: string[]; provisional: string | undefined }[]> {
  return withActor(admin, () =>
    Promise.all(
      clients.map(async ({ clientId, slug, timeZone }) => {
        const months = finishedMonths(monthOf(from), timeZone, now);
        const provisional = months.at(-1);
        const locked = months.slice(0, -1);
        for (const month of locked) {
          await SlaReports.freeze({ clientId, month });
          // In order: a month's rollover comes from the locked month before it.
          await BillingStatements.lock({ clientId, month });
        }
        if (provisional && slug !== "acme") await SlaReports.freeze({ clientId, month: provisional });
        return { locked, provisional };
      }),
    ),
  );
}
