import { openIntervals, type Timeline } from "../calendar/math";
import { dayIn, wallAsUtc } from "../common/zone";
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
  return openIntervals(timeline, at, at + 1).length > 0 ? "business" : closedBand(timeline, at);
}

/** The band of an instant the calendar is closed at. */
function closedBand(timeline: Timeline, at: number): Band {
  const version = timeline.findLast((v) => v.effectiveFrom <= at) ?? timeline[0]!;
  const { timeZone, holidays } = version.schedule;
  const date = dayIn(timeZone, at);
  if (holidays.some((h) => h.date === date || (h.yearly && h.date.slice(5) === date.slice(5)))) return "holiday";
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6 ? "weekend" : "afterHours";
}

/**
 * Classifies the hours of days in the client's zone, a day at a time: one open-interval read of
 * the day, its 24 hour middles from its start (each read from the zone only on a day whose
 * length is not 24 hours), holidays and weekends from the date in the calendar's zone.
 */
export function bandClassifier(clientZone: string, timeline: Timeline | null): (day: string, hour: number) => Band {
  if (!timeline) return () => "business";
  const days = new Map<string, Band[]>();
  const classifyDay = (day: string): Band[] => {
    const first = hourMiddle(day, 0, clientZone);
    const last = hourMiddle(day, 23, clientZone);
    const middles = Array.from({ length: 24 }, (_, h) =>
      last - first === 23 * HOUR ? first + h * HOUR : hourMiddle(day, h, clientZone),
    );
    const open = openIntervals(timeline, first - HOUR, last + HOUR);
    return middles.map((at) =>
      open.some(([from, to]) => at >= from && at < to) ? "business" : closedBand(timeline, at),
    );
  };
  return (day, hour) => {
    let bands = days.get(day);
    if (!bands) {
      bands = classifyDay(day);
      days.set(day, bands);
    }
    return bands[hour]!;
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
