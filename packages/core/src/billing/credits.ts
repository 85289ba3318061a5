import type { Metric, Priority } from "../sla/schema";
import { formatMoney, percentOf, roundMinor } from "./money";
import type { SlaCredits } from "./schema";

/** What the frozen SLA statement measured for one allocation's metric (and priority). */
export interface Measured {
  met: number;
  breached: number;
}

/** A provider admin's exclusion: breaches that do not count against the provider, and why. */
export interface Exclusion {
  allocation: string;
  breaches: number;
  reason: string;
}

export interface AllocationCredit {
  name: string;
  metric: Metric;
  priority: Priority | null;
  targetPercent: number;
  sharePercent: number;
  /** The allocation's part of the at-risk amount, minor units. */
  allocation: number;
  measured: number;
  met: number;
  breached: number;
  excluded: number;
  /** After exclusions; null when nothing was measured (no credit). */
  compliance: number | null;
  pointsBelow: number;
  creditPercent: number;
  credit: number;
  working: string;
}

export interface CreditResult {
  monthlyFee: number;
  atRiskPercent: number;
  atRisk: number;
  cap: number;
  allocations: AllocationCredit[];
  /** Sum of the allocations' credits, capped; 0 when waived. */
  total: number;
  capped: boolean;
  /** Why no credit applies this month at all (volume above forecast), if so. */
  waived: string | null;
}

const two = (n: number) => Math.round(n * 100) / 100;

/**
 * SLA service credits of a month, from the frozen SLA statement's figures (never live ones):
 * at risk = monthly fee × at-risk %; each allocation gets its share of that; its compliance
 * (met ÷ (met + breached − excluded), two decimals) against its target gives the points below,
 * and the highest tier reached (a tier at 0 points means any miss) the percent of the allocation
 * credited. The month's credits never exceed the cap.
 */
export function computeCredits(
  terms: SlaCredits,
  input: {
    monthlyFee: number;
    currency: string;
    measured: (metric: Metric, priority: Priority | null) => Measured;
    exclusions?: Exclusion[];
    ticketsCreated?: number;
  },
): CreditResult {
  const money = (amount: number) => formatMoney(amount, input.currency);
  const atRisk = percentOf(input.monthlyFee, terms.atRiskPercent);
  const cap = terms.capPercent === null ? atRisk : percentOf(input.monthlyFee, terms.capPercent);
  const forecast = terms.volumeForecast;
  const limit = forecast ? forecast.ticketsCreated * (1 + forecast.tolerancePercent / 100) : Infinity;
  const waived =
    forecast && (input.ticketsCreated ?? 0) > limit
      ? `${input.ticketsCreated} tickets created, above the forecast of ${forecast.ticketsCreated} + ${forecast.tolerancePercent}%: no credits this month`
      : null;

  const allocations = terms.allocations.map((a): AllocationCredit => {
    const allocation = percentOf(atRisk, a.sharePercent);
    const { met, breached } = input.measured(a.metric, a.priority ?? null);
    const excluded = Math.min(
      breached,
      (input.exclusions ?? []).filter((e) => e.allocation === a.name).reduce((sum, e) => sum + e.breaches, 0),
    );
    const counted = met + breached - excluded;
    const compliance = counted > 0 ? two((met / counted) * 100) : null;
    const shortfall = compliance === null ? 0 : Math.max(0, two(a.targetPercent - compliance));
    const tier =
      shortfall > 0 ? [...a.tiers].reverse().find((t) => shortfall >= t.pointsBelow && shortfall > 0) : undefined;
    const creditPercent = tier?.creditPercent ?? 0;
    const credit = waived ? 0 : percentOf(allocation, creditPercent);
    const share = `${a.sharePercent}% of ${money(atRisk)} at risk = ${money(allocation)}`;
    const working =
      compliance === null
        ? `${share}; nothing measured: no credit`
        : `${share}; compliance ${compliance}% (${met} met of ${counted}${excluded ? `, ${excluded} breaches excluded` : ""}) vs target ${a.targetPercent}%: ${shortfall} points below` +
          (tier ? ` → ${creditPercent}% of the allocation = ${money(credit)}` : ": no credit");
    return {
      name: a.name,
      metric: a.metric,
      priority: a.priority ?? null,
      targetPercent: a.targetPercent,
      sharePercent: a.sharePercent,
      allocation,
      measured: met + breached,
      met,
      breached,
      excluded,
      compliance,
      pointsBelow: shortfall,
      creditPercent,
      credit,
      working,
    };
  });
  const sum = allocations.reduce((total, a) => total + a.credit, 0);
  return {
    monthlyFee: input.monthlyFee,
    atRiskPercent: terms.atRiskPercent,
    atRisk,
    cap,
    allocations,
    total: roundMinor(Math.min(sum, cap)),
    capped: sum > cap,
    waived,
  };
}

/** A month's credit per allocation, as its locked statement recorded it, and whether the target was met. */
export interface CreditHistory {
  month: string;
  allocations: { name: string; credit: number; met: boolean }[];
}

export const EARN_BACK_MONTHS = 3;

/**
 * Earn-back: a credit given in month M is returned (charged back) in month M+3 when the same
 * allocation met its target in each of M+1, M+2 and M+3. `history` holds the locked months
 * before this one, oldest first; `current` whether each allocation met its target now.
 */
export function earnBacks(
  history: CreditHistory[],
  month: string,
  current: Map<string, boolean>,
): { name: string; month: string; amount: number }[] {
  const back = (offset: number) => history.find((h) => h.month === addMonths(month, -offset));
  const source = back(EARN_BACK_MONTHS);
  if (!source) return [];
  return source.allocations.flatMap((a) => {
    if (a.credit <= 0) return [];
    const between = [1, 2].map((offset) => back(offset)?.allocations.find((x) => x.name === a.name)?.met === true);
    return between.every(Boolean) && current.get(a.name) === true
      ? [{ name: a.name, month: source.month, amount: a.credit }]
      : [];
  });
}

export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}
