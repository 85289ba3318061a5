import { openIntervals, type Timeline } from "../calendar/math";
import { dayIn, wallAsUtc, wallOf } from "../common/zone";
import type { RollupItem } from "./meters";
import { type Bands, noBands } from "./rate";

const HOUR = 3_600_000;
/** The middle of an hour of a day in a zone, as an instant: where an hour's minutes are classified. */
export function hourMiddle(day: string, hour: number, timeZone: string): number {
  const wall = Date.parse(`${day}T00:00:00Z`) + hour * HOUR + HOUR / 2;
  let at = wall;
  for (let i = 0; i < 2; i++) at = wall - (wallAsUtc(timeZone, at) - at);
  return at;
}

export type Band = keyof Bands;

/**
 * Which band an instant falls in on a business calendar: business when it is open; else a holiday
 * when its date (in the calendar's zone) is one; else weekend on Saturday and Sunday; else after
 * hours. Classified per hour of the usage rollups, at the hour's middle.
 */
export function bandAt(timeline: Timeline, at: number): Band {
  if (openIntervals(timeline, at, at + 1).length > 0) return "business";
  const version = timeline.findLast((v) => v.effectiveFrom <= at) ?? timeline[0]!;
  const { timeZone, holidays } = version.schedule;
  const date = dayIn(timeZone, at);
  const holiday = holidays.some((h) => h.date === date || (h.yearly && h.date.slice(5) === date.slice(5)));
  if (holiday) return "holiday";
  const weekday = wallOf(timeZone, at).weekday;
  return weekday === "Sat" || weekday === "Sun" ? "weekend" : "afterHours";
}

/**
 * Classifies the hours of days in the client's zone, each (day, hour) once: a busy month has
 * thousands of rollup items but at most 744 distinct hours, and each classification reads the zone.
 */
export function bandClassifier(clientZone: string, timeline: Timeline | null): (day: string, hour: number) => Band {
  if (!timeline) return () => "business";
  const seen = new Map<string, Band>();
  return (day, hour) => {
    const id = `${day}#${hour}`;
    let band = seen.get(id);
    if (!band) {
      band = bandAt(timeline, hourMiddle(day, hour, clientZone));
      seen.set(id, band);
    }
    return band;
  };
}

/** Minutes by band from rollups' per-hour counts. */
export function bandsOf(items: readonly RollupItem[], classify: (day: string, hour: number) => Band): Bands {
  const bands = noBands();
  for (const item of items) {
    for (let h = 0; h < 24; h++) {
      const minutes = item[`h${h}`] ?? 0;
      if (minutes) bands[classify(item.day, h)] += minutes;
    }
  }
  return bands;
}
