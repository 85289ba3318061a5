import * as z from "zod";
import { TimeZone } from "../tenancy/schema";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** "HH:MM" as minutes after midnight; "24:00" only where an interval may end at midnight. */
export function clockMinutes(value: string): number {
  return Number(value.slice(0, 2)) * 60 + Number(value.slice(3, 5));
}

const Clock = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time of day as HH:MM, 00:00–23:59")
  .meta({ example: "09:00" });
const ClockEnd = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, "a time of day as HH:MM, 00:01–24:00")
  .meta({ example: "17:30" });

export const WorkingInterval = z
  .object({
    day: z.enum(WEEKDAYS),
    from: Clock,
    to: ClockEnd,
    overnight: z.boolean().optional().describe("ends on the next day at `to` (a night shift, e.g. 22:00–06:00)"),
  })
  .superRefine((interval, ctx) => {
    const [from, to] = [clockMinutes(interval.from), clockMinutes(interval.to)];
    if (interval.overnight && to >= from) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "an overnight interval ends before it starts, next day" });
    } else if (!interval.overnight && to <= from) {
      ctx.addIssue({
        code: "custom",
        path: ["to"],
        message: "must be after `from` (set overnight for a shift that ends the next day)",
      });
    }
  })
  .meta({ id: "WorkingInterval" });
export type WorkingInterval = z.infer<typeof WorkingInterval>;

const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD")
  .refine((value) => {
    const [y, m, d] = value.split("-").map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    return y >= 1970 && y <= 2200 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  }, "a real date between 1970 and 2200")
  .meta({ example: "2026-12-25" });

export const Holiday = z
  .object({
    date: IsoDate,
    name: z.string().trim().min(1).max(120),
    from: Clock.optional().describe("a partial day: closed from this time (default: the whole day)"),
    to: ClockEnd.optional(),
    yearly: z.boolean().optional().describe("repeats every year on the same day (29 February: leap years only)"),
  })
  .superRefine((holiday, ctx) => {
    if ((holiday.from === undefined) !== (holiday.to === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [holiday.from === undefined ? "from" : "to"],
        message: "give both or neither",
      });
    } else if (holiday.from !== undefined && clockMinutes(holiday.to!) <= clockMinutes(holiday.from)) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "must be after `from`" });
    }
  })
  .meta({ id: "Holiday" });
export type Holiday = z.infer<typeof Holiday>;

/** The minutes of the week an interval covers, [start, end) from Monday 00:00 (end may pass the week: it wraps). */
export function weekSpan(interval: WorkingInterval): [number, number] {
  const start = WEEKDAYS.indexOf(interval.day) * 1440 + clockMinutes(interval.from);
  const length =
    (clockMinutes(interval.to) - clockMinutes(interval.from) + (interval.overnight ? 1440 : 0)) % 1440 || 1440;
  return [start, start + length];
}

export const Schedule = z
  .object({
    timeZone: TimeZone,
    alwaysOpen: z.boolean().default(false).describe("24×7: every minute is working time (holidays still close)"),
    hours: z.array(WorkingInterval).max(100).default([]),
    holidays: z.array(Holiday).max(500).default([]),
  })
  .superRefine((schedule, ctx) => {
    if (!schedule.alwaysOpen && schedule.hours.length === 0) {
      ctx.addIssue({ code: "custom", path: ["hours"], message: "give working hours, or set alwaysOpen for 24×7" });
    }
    if (schedule.alwaysOpen && schedule.hours.length > 0) {
      ctx.addIssue({ code: "custom", path: ["hours"], message: "leave empty when alwaysOpen" });
    }
    // Overlaps on the week's circle (a Sunday night shift runs into Monday).
    const week = 7 * 1440;
    const spans = schedule.hours.map((interval, index) => ({ index, span: weekSpan(interval) }));
    for (const a of spans) {
      for (const b of spans) {
        if (b.index <= a.index) continue;
        const overlaps = [-week, 0, week].some(
          (shift) => a.span[0] < b.span[1] + shift && b.span[0] + shift < a.span[1],
        );
        if (overlaps) {
          ctx.addIssue({
            code: "custom",
            path: ["hours", b.index],
            message: `overlaps hours[${a.index}] (${schedule.hours[a.index]!.day} ${schedule.hours[a.index]!.from}–${schedule.hours[a.index]!.to})`,
          });
        }
      }
    }
    const seen = new Map<string, number>();
    schedule.holidays.forEach((holiday, index) => {
      const key = `${holiday.yearly ? holiday.date.slice(5) : holiday.date}|${holiday.from ?? ""}|${holiday.to ?? ""}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["holidays", index, "date"],
          message: `repeats holidays[${seen.get(key)}]`,
        });
      } else seen.set(key, index);
    });
  })
  .meta({ id: "Schedule" });
export type Schedule = z.infer<typeof Schedule>;
