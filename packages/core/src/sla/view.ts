import * as z from "zod";
import type { Cycle, SlaState } from "./clock";
import { Metrics } from "./schema";

/** What a queue row shows of each clock: small, because it is projected into the ticket views. */
export interface SlaRowEntry {
  m: (typeof Metrics)[number];
  s: Cycle["state"];
  d?: string;
  b?: 1;
  o?: Cycle["outcome"];
}

export const CycleInfo = z
  .object({
    metric: z.enum(Metrics),
    state: z.enum(["running", "paused", "stopped"]),
    targetMinutes: z.number(),
    calendarId: z.string().nullable().describe("null: calendar minutes"),
    usedMinutes: z.number().describe("used up to the last pause, resume or stop"),
    startedAt: z.string(),
    dueAt: z.string().nullable().describe("while running: when the target is reached"),
    breachedAt: z.string().nullable(),
    stoppedAt: z.string().nullable(),
    outcome: z.enum(["met", "breached", "cancelled"]).nullable(),
  })
  .meta({ id: "SlaCycle" });
export const SlaInfo = z
  .object({
    policy: z.object({ id: z.string(), name: z.string(), setVersion: z.number() }).nullable(),
    cycles: z.array(CycleInfo),
  })
  .meta({ id: "SlaState", description: "null policy: no policy matched (no SLA)" });

export function slaInfo(state: SlaState | undefined): z.infer<typeof SlaInfo> | null {
  if (!state) return null;
  return {
    policy: state.policy ? { id: state.policy.id, name: state.policy.name, setVersion: state.policy.setVersion } : null,
    cycles: Metrics.flatMap((metric) => {
      const c = state.cycles[metric];
      if (!c) return [];
      return [
        {
          metric,
          state: c.state,
          targetMinutes: c.target,
          calendarId: c.calendarId,
          usedMinutes: Math.round(c.used * 100) / 100,
          startedAt: c.startedAt,
          dueAt: c.dueAt ?? null,
          breachedAt: c.breachedAt ?? null,
          stoppedAt: c.stoppedAt ?? null,
          outcome: c.outcome ?? null,
        },
      ];
    }),
  };
}

export function slaRow(state: SlaState): SlaRowEntry[] {
  return Metrics.flatMap((metric) => {
    const c = state.cycles[metric];
    if (!c) return [];
    const entry: SlaRowEntry = { m: metric, s: c.state };
    if (c.dueAt) entry.d = c.dueAt;
    if (c.breachedAt) entry.b = 1;
    if (c.outcome) entry.o = c.outcome;
    return [entry];
  });
}
