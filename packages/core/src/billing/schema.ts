import * as z from "zod";
import { Metrics } from "../sla/schema";
import { Channels, Priorities } from "../ticket/constants";
import { minorDigits } from "./money";

/** A billing month, YYYY-MM; contracts take effect and periods close by month. */
export const Month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM")
  .meta({ example: "2026-11" });

/** Money in the contract's currency, in integer minor units (cents): 4800000 is $48,000.00. */
const Amount = z.number().int("in integer minor units (cents)").min(0, "not negative").max(1e13);
/** A rate per unit, also in minor units; fractions of a cent are allowed for per-contact prices. */
const Rate = z.number().min(0, "not negative").max(1e11);
const Quantity = z.number().min(0, "not negative").max(1e9);
const Name = z.string().trim().min(1).max(120);
const Multiplier = z.number().min(1, "at least 1 (a surcharge, never a discount)").max(10);

/** What the ledger meters, by what a component can price. */
export const Meters = ["tickets_created", "tickets_solved", "contacts", "handled_hours", "billable_hours"] as const;
export type Meter = (typeof Meters)[number];

const currencyField = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .optional()
  .describe("must equal the contract's currency when given (one currency per contract)");

const Tier = z.strictObject({
  upTo: Quantity.nullable().describe("the tier's last unit; null: no upper bound (the last tier)"),
  unitPrice: Rate,
});

const tiersInOrder = (tiers: { upTo: number | null }[], ctx: z.RefinementCtx) => {
  tiers.forEach((tier, i) => {
    const last = i === tiers.length - 1;
    if (tier.upTo === null && !last)
      ctx.addIssue({ code: "custom", path: ["tiers", i, "upTo"], message: "only the last tier is unbounded" });
    if (tier.upTo !== null && last)
      ctx.addIssue({ code: "custom", path: ["tiers", i, "upTo"], message: "the last tier must be unbounded (null)" });
    const before = tiers[i - 1]?.upTo;
    if (i > 0 && tier.upTo !== null && before !== null && before !== undefined && tier.upTo <= before)
      ctx.addIssue({ code: "custom", path: ["tiers", i, "upTo"], message: "tiers in increasing order of upTo" });
  });
};

const FixedFee = z.strictObject({ kind: z.literal("fixed_fee"), name: Name, amount: Amount, currency: currencyField });

const PerUnit = z
  .strictObject({
    kind: z.literal("per_unit"),
    name: Name,
    meter: z.enum(["tickets_created", "tickets_solved", "contacts", "handled_hours"]),
    channel: z.enum(Channels).optional().describe("contacts only: count this channel's contacts"),
    pricing: z
      .enum(["graduated", "volume"])
      .describe(
        "graduated: each tier's units at its price; volume: every unit at the price of the tier the total reaches",
      ),
    tiers: z.array(Tier).min(1).max(20),
    currency: currencyField,
  })
  .superRefine((c, ctx) => {
    tiersInOrder(c.tiers, ctx);
    if (c.channel && c.meter !== "contacts")
      ctx.addIssue({ code: "custom", path: ["channel"], message: "a channel applies to contacts only" });
  });

const AgentHours = z.strictObject({
  kind: z.literal("agent_hours"),
  name: Name,
  hourlyRate: Amount.describe("per productive (billable) agent hour, after rounding and multipliers"),
  currency: currencyField,
});

const Fte = z.strictObject({
  kind: z.literal("fte"),
  name: Name,
  count: z.number().min(0.1).max(1000).describe("dedicated full-time agents"),
  monthlyRate: Amount.describe("per FTE per month"),
  currency: currencyField,
});

const Allowance = z.strictObject({
  kind: z.literal("allowance"),
  name: Name,
  meter: z.enum(["tickets_solved", "contacts", "handled_hours", "billable_hours"]),
  fee: Amount.describe("the retainer's monthly fee (0: included in another fee)"),
  included: Quantity.describe("units (or hours) the fee includes each month"),
  overageRate: Rate.describe("per unit (or hour) above what is included"),
  rolloverCap: Quantity.nullable()
    .default(null)
    .describe("unused included units carried into the next month, at most this many; null: no rollover"),
  currency: currencyField,
});

const Minimum = z.strictObject({
  kind: z.literal("minimum_commitment"),
  name: Name,
  amount: Amount.describe("the month's charges before credits are at least this; a true-up line makes up the rest"),
  currency: currencyField,
});

export const Component = z.discriminatedUnion("kind", [FixedFee, PerUnit, AgentHours, Fte, Allowance, Minimum]);
export type Component = z.output<typeof Component>;

const CreditTier = z.strictObject({
  pointsBelow: z.number().min(0).max(100).describe("compliance this many points or more under the target"),
  creditPercent: z.number().min(0).max(100).describe("of the allocation"),
});

export const SlaCredits = z
  .strictObject({
    atRiskPercent: z.number().min(0).max(100).describe("of the monthly fee (fixed fees, FTEs, retainer fees)"),
    capPercent: z
      .number()
      .min(0)
      .max(100)
      .nullable()
      .default(null)
      .describe("credits in a month never exceed this percent of the monthly fee; null: the at-risk amount"),
    earnBack: z
      .boolean()
      .default(false)
      .describe("a credit is returned when the same allocation meets its target in each of the next 3 months"),
    volumeForecast: z
      .strictObject({
        ticketsCreated: z.number().int().min(1),
        tolerancePercent: z.number().min(0).max(500).default(10),
      })
      .nullable()
      .default(null)
      .describe("no credits in a month whose tickets exceed the forecast by more than the tolerance"),
    allocations: z
      .array(
        z
          .strictObject({
            name: Name.describe("e.g. Chat service level"),
            metric: z.enum(Metrics),
            priority: z.enum(Priorities).optional().describe("measure one priority only"),
            targetPercent: z.number().min(0).max(100).describe("the compliance the client was promised"),
            sharePercent: z.number().min(0).max(100).describe("of the at-risk amount"),
            tiers: z.array(CreditTier).min(1).max(10),
          })
          .superRefine((a, ctx) => {
            a.tiers.forEach((t, i) => {
              const before = a.tiers[i - 1];
              if (before && (t.pointsBelow <= before.pointsBelow || t.creditPercent < before.creditPercent))
                ctx.addIssue({
                  code: "custom",
                  path: ["tiers", i, "pointsBelow"],
                  message: "tiers in increasing pointsBelow, each crediting at least the one before",
                });
            });
          }),
      )
      .min(1)
      .max(20)
      .superRefine((allocations, ctx) => {
        const total = allocations.reduce((sum, a) => sum + a.sharePercent, 0);
        if (total > 100)
          ctx.addIssue({
            code: "custom",
            path: [allocations.length - 1, "sharePercent"],
            message: `allocations share ${total}% of the at-risk amount: at most 100%`,
          });
      }),
  })
  .meta({ id: "SlaCreditTerms" });
export type SlaCredits = z.output<typeof SlaCredits>;

export const Rounding = z
  .strictObject({
    incrementMinutes: z
      .number()
      .int()
      .min(1, "at least 1 minute")
      .max(60)
      .default(1)
      .describe("billable minutes of each time entry round up to this"),
    minimumMinutes: z.number().int().min(0).max(240).default(0).describe("each billable entry counts at least this"),
  })
  .meta({ id: "BillingRounding" });
export type Rounding = z.output<typeof Rounding>;

export const Multipliers = z
  .strictObject({
    calendarId: z.string().max(64).describe("the business calendar that says what is after hours"),
    afterHours: Multiplier.default(1),
    weekend: Multiplier.default(1),
    holiday: Multiplier.default(1),
  })
  .meta({ id: "BillingMultipliers" });
export type Multipliers = z.output<typeof Multipliers>;

export const ContractTerms = z
  .strictObject({
    name: Name,
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD")
      .refine((code) => minorDigits(code) !== null, "an ISO 4217 currency code"),
    components: z.array(Component).min(1).max(30),
    rounding: Rounding.default({ incrementMinutes: 1, minimumMinutes: 0 }),
    multipliers: Multipliers.nullable().default(null).describe("time outside the calendar's hours costs more"),
    slaCredits: SlaCredits.nullable().default(null),
  })
  .superRefine((terms, ctx) => {
    terms.components.forEach((c, i) => {
      if (c.currency && c.currency !== terms.currency)
        ctx.addIssue({
          code: "custom",
          path: ["components", i, "currency"],
          message: `${c.currency} in a ${terms.currency} contract: one currency per contract`,
        });
    });
    const minimums = terms.components.filter((c) => c.kind === "minimum_commitment").length;
    if (minimums > 1) ctx.addIssue({ code: "custom", path: ["components"], message: "at most one minimum commitment" });
  })
  .meta({ id: "ContractTerms" });
export type ContractTerms = z.output<typeof ContractTerms>;
