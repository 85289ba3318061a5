import * as z from "zod";
import { Channels, Priorities, type Statuses, TicketTypes } from "../ticket/constants";

export const Metrics = ["first_reply", "next_reply", "periodic_update", "resolution"] as const;
export type Metric = (typeof Metrics)[number];
export type Priority = (typeof Priorities)[number];

/** Statuses that may pause a clock: the waiting ones (new, open and the ended ones never pause). */
export const WaitingStatuses = ["pending", "on_hold"] as const;
export type WaitingStatus = (typeof WaitingStatuses)[number];

const Minutes = z.number().int().min(1, "at least 1 minute").max(525_600, "at most a year (525,600 minutes)");

export const MetricTarget = z
  .strictObject({
    calendarId: z
      .string()
      .max(64)
      .nullable()
      .describe("the business calendar these minutes count on; null: calendar minutes, every minute counts"),
    minutes: z
      .strictObject(
        Object.fromEntries(Priorities.map((p) => [p, Minutes.optional()])) as Record<
          Priority,
          z.ZodOptional<typeof Minutes>
        >,
      )
      .refine((m) => Object.values(m).some((v) => v !== undefined), "give a target for at least one priority")
      .describe("target minutes per priority; a priority without one is not measured"),
  })
  .meta({ id: "SlaMetricTarget" });
export type MetricTarget = z.infer<typeof MetricTarget>;

export const EscalationActions = ["notify_assignee", "raise_tier", "notify_admins"] as const;
export type EscalationAction = (typeof EscalationActions)[number];

const Percent = z.number().int().min(1).max(99);

const ascending = (values: number[]) => values.every((v, i) => i === 0 || v > values[i - 1]!);

export const PolicyInput = z
  .strictObject({
    id: z.string().max(40).optional().describe("keep it when editing a policy; new policies get one"),
    name: z.string().trim().min(1).max(120),
    match: z
      .strictObject({
        priorities: z.array(z.enum(Priorities)).min(1).optional(),
        types: z.array(z.enum(TicketTypes)).min(1).optional(),
        channels: z.array(z.enum(Channels)).min(1).optional(),
        tags: z.array(z.string().trim().min(1).max(50)).min(1).max(20).optional().describe("any of these"),
      })
      .default({})
      .describe("every condition given must hold; none: matches every ticket"),
    targets: z
      .strictObject(
        Object.fromEntries(Metrics.map((m) => [m, MetricTarget.optional()])) as Record<
          Metric,
          z.ZodOptional<typeof MetricTarget>
        >,
      )
      .refine((t) => Object.values(t).some((v) => v !== undefined), "give at least one metric's target"),
    pauses: z
      .strictObject(
        Object.fromEntries(WaitingStatuses.map((s) => [s, z.array(z.enum(Metrics)).optional()])) as Record<
          WaitingStatus,
          z.ZodOptional<z.ZodArray<z.ZodEnum<{ [K in Metric]: K }>>>
        >,
      )
      .default({})
      .describe("which metrics each waiting status pauses; default pending: all, on_hold: all but resolution"),
    warnings: z
      .array(Percent)
      .max(5)
      .refine(ascending, "in increasing order, without repeats")
      .default([75, 90])
      .describe("percent of a target at which a warning is raised"),
    escalation: z
      .array(
        z.strictObject({
          atPercent: z
            .number()
            .int()
            .min(1)
            .max(1000)
            .describe("of the target; 100 is the breach, 150 half as long again"),
          action: z.enum(EscalationActions),
        }),
      )
      .max(10)
      .refine((steps) => ascending(steps.map((s) => s.atPercent)), "steps in increasing atPercent, without repeats")
      .default([
        { atPercent: 90, action: "notify_assignee" },
        { atPercent: 100, action: "raise_tier" },
        { atPercent: 150, action: "notify_admins" },
      ])
      .describe("the ladder each measured target climbs"),
  })
  .meta({ id: "SlaPolicyInput" });
export type PolicyInput = z.input<typeof PolicyInput>;

/** A policy as stored: every default filled in. */
export type Policy = Omit<z.output<typeof PolicyInput>, "id" | "pauses"> & {
  id: string;
  pauses: Record<WaitingStatus, Metric[]>;
};

export const DEFAULT_PAUSES: Record<WaitingStatus, Metric[]> = {
  pending: [...Metrics],
  on_hold: ["first_reply", "next_reply", "periodic_update"],
};

export const PolicySetInput = z
  .strictObject({
    policies: z.array(PolicyInput).max(50).describe("in order: the first whose conditions hold applies"),
    version: z.number().int().positive().optional().describe("the version you read; 409 if it changed"),
  })
  .meta({ id: "SlaPolicySetInput" });

/** Every status a ticket can have; the clocks never pause on the ones outside WaitingStatuses. */
export type TicketStatus = (typeof Statuses)[number];
