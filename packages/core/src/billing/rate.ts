import type { Channels } from "../ticket/constants";
import { formatMoney, roundMinor } from "./money";
import type { Component, ContractTerms, Meter, Multipliers } from "./schema";

type Channel = (typeof Channels)[number];

/** Minutes by when they were worked, on the contract's calendar. */
export interface Bands {
  business: number;
  afterHours: number;
  weekend: number;
  holiday: number;
}
export const noBands = (): Bands => ({ business: 0, afterHours: 0, weekend: 0, holiday: 0 });

/** A month's metered usage of one client, as the rollups sum it. */
export interface Usage {
  ticketsCreated: number;
  ticketsSolved: number;
  contacts: Partial<Record<Channel, number>>;
  /** Worked minutes of approved time entries (after rounding). */
  handledMinutes: Bands;
  /** Billable minutes of approved time entries (after rounding). */
  billableMinutes: Bands;
}

export interface Line {
  /** The component's index in the contract. */
  component: number;
  kind: Component["kind"] | "minimum_true_up";
  name: string;
  description: string;
  quantity: number;
  unit: "month" | "ticket" | "contact" | "hour" | "FTE";
  unitPrice: number;
  /** Minor units, rounded once (half away from zero). */
  amount: number;
  working: string;
  /** What lists the tickets or time entries behind the quantity (the statement's `items?of=`); null for fees. */
  drill: string | null;
  /** A retainer's fee line: what it included and what was used (the console's burn-down). */
  allowance?: {
    meter: Meter;
    unit: Line["unit"];
    included: number;
    carriedIn: number;
    available: number;
    used: number;
  };
}

export interface Rated {
  lines: Line[];
  /** Fixed fees, FTEs and retainer fees: what SLA credits put at risk. */
  monthlyFee: number;
  /** Every line, the minimum's true-up included; before credits. */
  charges: number;
  /** Unused included units each allowance carries into next month (by component index). */
  carryOut: Record<number, number>;
}

const UNIT: Record<Meter, Line["unit"]> = {
  tickets_created: "ticket",
  tickets_solved: "ticket",
  contacts: "contact",
  handled_hours: "hour",
  billable_hours: "hour",
};

/** The drill-down of a meter: ledger events of a ticket meter, or approved time entries. */
export function drillOf(meter: Meter, channel?: Channel): string {
  switch (meter) {
    case "tickets_created":
      return "created";
    case "tickets_solved":
      return "solved";
    case "contacts":
      return channel ? `contact:${channel}` : "contacts";
    case "handled_hours":
      return "time:handled";
    case "billable_hours":
      return "time:billable";
  }
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

/** Hours of a band total, each band weighted by its multiplier (none: all at 1). */
export function weightedHours(bands: Bands, multipliers: Multipliers | null): number {
  const m = multipliers ?? { afterHours: 1, weekend: 1, holiday: 1 };
  return (
    (bands.business + bands.afterHours * m.afterHours + bands.weekend * m.weekend + bands.holiday * m.holiday) / 60
  );
}

function quantityOf(meter: Meter, usage: Usage, terms: ContractTerms, channel?: Channel): number {
  switch (meter) {
    case "tickets_created":
      return usage.ticketsCreated;
    case "tickets_solved":
      return usage.ticketsSolved;
    case "contacts":
      return channel
        ? (usage.contacts[channel] ?? 0)
        : Object.values(usage.contacts).reduce((sum, n) => sum + (n ?? 0), 0);
    case "handled_hours":
      return round4(weightedHours(usage.handledMinutes, terms.multipliers));
    case "billable_hours":
      return round4(weightedHours(usage.billableMinutes, terms.multipliers));
  }
}

function multiplierNote(meter: Meter, terms: ContractTerms): string {
  const m = terms.multipliers;
  if (!m || (meter !== "handled_hours" && meter !== "billable_hours")) return "";
  return ` (after hours ×${m.afterHours}, weekends ×${m.weekend}, holidays ×${m.holiday})`;
}

/**
 * Rates a month's usage under one contract version: one or more lines per component, each with
 * its quantity, unit price, amount and working, then the minimum commitment's true-up. Pure:
 * the same terms and usage always give the same lines (statements re-rate by calling it again).
 */
export function rate(terms: ContractTerms, usage: Usage, carriedIn: Record<number, number> = {}): Rated {
  const money = (amount: number) => formatMoney(amount, terms.currency);
  const lines: Line[] = [];
  const carryOut: Record<number, number> = {};
  let monthlyFee = 0;
  const line = (l: Omit<Line, "amount" | "drill"> & { amount?: number; drill?: string }) => {
    const amount = roundMinor(l.amount ?? l.quantity * l.unitPrice);
    lines.push({ ...l, amount, drill: l.drill ?? null });
    return amount;
  };

  terms.components.forEach((c, index) => {
    const base = { component: index, kind: c.kind, name: c.name };
    switch (c.kind) {
      case "fixed_fee":
        monthlyFee += line({
          ...base,
          description: c.name,
          quantity: 1,
          unit: "month",
          unitPrice: c.amount,
          working: `fixed monthly fee ${money(c.amount)}`,
        });
        return;
      case "fte":
        monthlyFee += line({
          ...base,
          description: `${c.name}: ${c.count} dedicated FTE`,
          quantity: c.count,
          unit: "FTE",
          unitPrice: c.monthlyRate,
          working: `${c.count} FTE × ${money(c.monthlyRate)}`,
        });
        return;
      case "agent_hours": {
        const hours = quantityOf("billable_hours", usage, terms);
        line({
          ...base,
          description: `${c.name}: productive agent hours`,
          quantity: hours,
          unit: "hour",
          unitPrice: c.hourlyRate,
          drill: "time:billable",
          working: `${hours} billable hours${multiplierNote("billable_hours", terms)} × ${money(c.hourlyRate)}`,
        });
        return;
      }
      case "per_unit": {
        const quantity = quantityOf(c.meter, usage, terms, c.channel);
        const unit = UNIT[c.meter];
        const drill = drillOf(c.meter, c.channel);
        const what = `${c.meter.replace("_", " ")}${c.channel ? ` (${c.channel})` : ""}${multiplierNote(c.meter, terms)}`;
        if (c.pricing === "volume") {
          const tier = c.tiers.find((t) => t.upTo === null || quantity <= t.upTo) ?? c.tiers[c.tiers.length - 1]!;
          line({
            ...base,
            description: `${c.name}: ${what}`,
            quantity,
            unit,
            unitPrice: tier.unitPrice,
            drill,
            working: `${quantity} ${unit}s, all at the price of the tier ${tier.upTo === null ? "without bound" : `up to ${tier.upTo}`}: ${quantity} × ${money(tier.unitPrice)}`,
          });
          return;
        }
        let from = 0;
        for (const tier of c.tiers) {
          const to = tier.upTo ?? Infinity;
          const inTier = round4(Math.max(0, Math.min(quantity, to) - from));
          if (inTier > 0 || (from === 0 && quantity === 0)) {
            line({
              ...base,
              description: `${c.name}: ${what}, ${tier.upTo === null ? `above ${from}` : from === 0 ? `first ${tier.upTo}` : `${from}–${tier.upTo}`}`,
              quantity: inTier,
              unit,
              unitPrice: tier.unitPrice,
              drill,
              working: `${inTier} ${unit}s in this tier × ${money(tier.unitPrice)}`,
            });
          }
          if (quantity <= to) break;
          from = to;
        }
        return;
      }
      case "allowance": {
        const used = quantityOf(c.meter, usage, terms);
        const carried = carriedIn[index] ?? 0;
        const available = round4(c.included + carried);
        const over = round4(Math.max(0, used - available));
        const unit = UNIT[c.meter];
        monthlyFee += line({
          ...base,
          description: `${c.name}: retainer, ${c.included} ${unit}s included${carried ? ` + ${carried} rolled over` : ""}`,
          quantity: 1,
          unit: "month",
          unitPrice: c.fee,
          drill: drillOf(c.meter),
          allowance: { meter: c.meter, unit, included: c.included, carriedIn: carried, available, used },
          working: `${used} ${unit}s used of ${available} available${multiplierNote(c.meter, terms)}`,
        });
        if (over > 0)
          line({
            ...base,
            description: `${c.name}: overage`,
            quantity: over,
            unit,
            unitPrice: c.overageRate,
            drill: drillOf(c.meter),
            working: `${used} used − ${available} available = ${over} ${unit}s × ${money(c.overageRate)}`,
          });
        // Carried units are used first and expire after a month; what rolls on is this month's unused included units.
        if (c.rolloverCap !== null)
          carryOut[index] = round4(Math.min(c.rolloverCap, Math.max(0, c.included - Math.max(0, used - carried))));
        return;
      }
      case "minimum_commitment":
        return;
    }
  });

  let charges = lines.reduce((sum, l) => sum + l.amount, 0);
  terms.components.forEach((c, index) => {
    if (c.kind !== "minimum_commitment" || charges >= c.amount) return;
    const trueUp = c.amount - charges;
    charges += line({
      component: index,
      kind: "minimum_true_up",
      name: c.name,
      description: `${c.name}: true-up to the minimum commitment`,
      quantity: 1,
      unit: "month",
      unitPrice: trueUp,
      working: `minimum ${money(c.amount)} − charges ${money(c.amount - trueUp)} = ${money(trueUp)}`,
    });
  });
  return { lines, monthlyFee, charges, carryOut };
}
