import { wallAsUtc } from "../common/zone";
import { clockMinutes, type Schedule, WEEKDAYS } from "./schema";

/**
 * Working time in closed form: a range is cut where the schedule's version or the zone's UTC
 * offset changes; inside each piece wall time is UTC plus one offset, so each local date's
 * working intervals map to UTC by one subtraction. Cost grows with the days a range spans, never
 * with its minutes. The semantics are the wall clock's: a minute works when its local date,
 * weekday and time of day fall in the hours and outside the holidays (on a fall-back night a
 * repeated working hour counts twice; a skipped one not at all). Offsets are read from Intl once
 * per zone and year and assume at most one change a day, true of every zone since 1970.
 */

/** A schedule and the instant it applies from (epoch ms); the first also covers all time before it. */
export interface ScheduleVersion {
  effectiveFrom: number;
  schedule: Schedule;
}
/** Versions sorted by effectiveFrom, at least one. */
export type Timeline = readonly ScheduleVersion[];
export type Interval = [start: number, end: number];

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How far addBusinessMinutes looks for working time before it gives up (a schedule that never opens). */
const SEARCH_LIMIT = 10 * 366 * DAY;
const WINDOW = 7 * DAY;

// --- UTC offsets, per zone and year -------------------------------------------------------------

interface ZoneYear {
  /** Offset in minutes at the year's first instant (UTC), then each change as [at, offset]. */
  start: number;
  changes: [number, number][];
}

const zoneYears = new Map<string, ZoneYear>();

function intlOffset(zone: string, at: number): number {
  return Math.round((wallAsUtc(zone, at) - Math.floor(at / 1000) * 1000) / MINUTE);
}

function zoneYear(zone: string, year: number): ZoneYear {
  const key = `${zone}|${year}`;
  let found = zoneYears.get(key);
  if (found) return found;
  const first = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  found = { start: intlOffset(zone, first), changes: [] };
  let previous = found.start;
  for (let at = first + DAY; at - DAY < end; at += DAY) {
    const sample = Math.min(at, end);
    const offset = intlOffset(zone, sample);
    if (offset === previous) continue;
    // The change lies in (sample - DAY, sample]: find its minute.
    let [low, high] = [sample - DAY, sample];
    while (high - low > MINUTE) {
      const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
      if (intlOffset(zone, middle) === previous) low = middle;
      else high = middle;
    }
    if (high < end) found.changes.push([high, offset]);
    previous = offset;
  }
  zoneYears.set(key, found);
  return found;
}

/** [start, end, offset minutes] pieces of [from, to) over which the zone's offset is constant. */
function offsetPieces(zone: string, from: number, to: number): [number, number, number][] {
  const pieces: [number, number, number][] = [];
  let cursor = from;
  let year = new Date(from).getUTCFullYear();
  let data = zoneYear(zone, year);
  let offset = data.start;
  for (const [at, next] of data.changes) if (at <= from) offset = next;
  while (cursor < to) {
    const yearEnd = Date.UTC(year + 1, 0, 1);
    for (const [at, next] of data.changes) {
      if (at <= cursor || at >= to) continue;
      pieces.push([cursor, at, offset]);
      cursor = at;
      offset = next;
    }
    if (yearEnd >= to) break;
    year += 1;
    data = zoneYear(zone, year);
    if (data.start !== offset) {
      pieces.push([cursor, yearEnd, offset]);
      cursor = yearEnd;
      offset = data.start;
    }
  }
  if (cursor < to) pieces.push([cursor, to, offset]);
  return pieces;
}

// --- A schedule, compiled once ------------------------------------------------------------------

interface Compiled {
  /** Working minutes of a local date by weekday (0 = Monday), sorted, within [0, 1440]. */
  week: Interval[][];
  /** Closures by date (YYYY-MM-DD), and yearly ones by MM-DD with their first year. */
  dates: Map<string, Interval[]>;
  yearly: Map<string, { from: number; closed: Interval }[]>;
}

const compiled = new WeakMap<Schedule, Compiled>();

function compile(schedule: Schedule): Compiled {
  let result = compiled.get(schedule);
  if (result) return result;
  const week: Interval[][] = WEEKDAYS.map(() => []);
  if (schedule.alwaysOpen) for (const day of week) day.push([0, 1440]);
  for (const interval of schedule.hours) {
    const day = WEEKDAYS.indexOf(interval.day);
    const [from, to] = [clockMinutes(interval.from), clockMinutes(interval.to)];
    if (interval.overnight) {
      week[day]!.push([from, 1440]);
      week[(day + 1) % 7]!.push([0, to]);
    } else week[day]!.push([from, to]);
  }
  for (const day of week) day.sort((a, b) => a[0] - b[0]);
  const dates = new Map<string, Interval[]>();
  const yearly = new Map<string, { from: number; closed: Interval }[]>();
  for (const holiday of schedule.holidays) {
    const closed: Interval =
      holiday.from === undefined ? [0, 1440] : [clockMinutes(holiday.from), clockMinutes(holiday.to!)];
    if (holiday.yearly) {
      const key = holiday.date.slice(5);
      yearly.set(key, [...(yearly.get(key) ?? []), { from: Number(holiday.date.slice(0, 4)), closed }]);
    } else dates.set(holiday.date, [...(dates.get(holiday.date) ?? []), closed]);
  }
  result = { week, dates, yearly };
  compiled.set(schedule, result);
  return result;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The working minutes of local date `day` (days since 1970-01-01), as minutes of that day. */
function workingMinutes(schedule: Compiled, day: number): Interval[] {
  // 1970-01-01 was a Thursday (index 3 from Monday).
  const base = schedule.week[(((day + 3) % 7) + 7) % 7]!;
  if (base.length === 0 || (schedule.dates.size === 0 && schedule.yearly.size === 0)) return base;
  const date = new Date(day * DAY);
  const monthDay = `${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const closures = [
    ...(schedule.dates.get(`${date.getUTCFullYear()}-${monthDay}`) ?? []),
    ...(schedule.yearly.get(monthDay) ?? []).filter((h) => date.getUTCFullYear() >= h.from).map((h) => h.closed),
  ];
  if (closures.length === 0) return base;
  let open = base;
  for (const [from, to] of closures) {
    open = open.flatMap(([start, end]): Interval[] => {
      if (to <= start || end <= from) return [[start, end]];
      return [...(start < from ? [[start, from] as Interval] : []), ...(to < end ? [[to, end] as Interval] : [])];
    });
  }
  return open;
}

// --- The operations -----------------------------------------------------------------------------

/** Working time within [from, to), as sorted, merged UTC intervals (epoch ms). */
export function openIntervals(timeline: Timeline, from: number, to: number): Interval[] {
  const out: Interval[] = [];
  const push = (start: number, end: number) => {
    if (end <= start) return;
    const last = out[out.length - 1];
    if (last && last[1] >= start) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  };
  for (let v = 0; v < timeline.length; v++) {
    const start = v === 0 ? from : Math.max(from, timeline[v]!.effectiveFrom);
    const end = v + 1 < timeline.length ? Math.min(to, timeline[v + 1]!.effectiveFrom) : to;
    if (start >= end) continue;
    const { schedule } = timeline[v]!;
    const week = compile(schedule);
    for (const [pieceStart, pieceEnd, offset] of offsetPieces(schedule.timeZone, start, end)) {
      const shift = offset * MINUTE;
      const [localStart, localEnd] = [pieceStart + shift, pieceEnd + shift];
      for (let day = Math.floor(localStart / DAY); day * DAY < localEnd; day++) {
        for (const [a, b] of workingMinutes(week, day)) {
          const s = Math.max(localStart, day * DAY + a * MINUTE);
          const e = Math.min(localEnd, day * DAY + b * MINUTE);
          push(s - shift, e - shift);
        }
      }
    }
  }
  return out;
}

/** Working minutes in [from, to). */
export function businessMinutes(timeline: Timeline, from: number, to: number): number {
  if (to <= from) return 0;
  let ms = 0;
  for (const [start, end] of openIntervals(timeline, from, to)) ms += end - start;
  return ms / MINUTE;
}

/** The earliest instant at which `minutes` of working time have passed since `start`. */
export function addBusinessMinutes(timeline: Timeline, start: number, minutes: number): number {
  let left = Math.round(minutes * MINUTE);
  if (left <= 0) return start;
  // A day first (most targets end within it), then windows doubling up to a week.
  for (let cursor = start, window = Math.min(WINDOW, Math.max(DAY, left)); cursor < start + SEARCH_LIMIT; ) {
    for (const [a, b] of openIntervals(timeline, cursor, cursor + window)) {
      if (b - a >= left) return a + left;
      left -= b - a;
    }
    cursor += window;
    window = Math.min(WINDOW, window * 2);
  }
  throw new Error("The calendar has no working time in ten years");
}

/** Calendar minutes are plain time: the same operations for a target not on a business calendar. */
export const ALWAYS: Timeline = [
  { effectiveFrom: 0, schedule: { timeZone: "UTC", alwaysOpen: true, hours: [], holidays: [] } },
];
