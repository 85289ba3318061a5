import type { Timeline } from "../packages/core/src/calendar/math";
import { clockMinutes, type Schedule, WEEKDAYS, type Weekday } from "../packages/core/src/calendar/schema";

/**
 * The business calendar's definition, executed literally: one UTC minute at a time, each asked of
 * Intl what wall clock it shows. Slow on purpose; math.ts is checked against it.
 */

const MINUTE = 60_000;
/** Ten years of minutes: past this, addBusinessMinutes gives up rather than spin forever. */
const MAX_STEPS = 10 * 366 * 1440;

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let found = formats.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    formats.set(zone, found);
  }
  return found;
}

export interface WallClock {
  /** YYYY-MM-DD */
  date: string;
  weekday: Weekday;
  /** 0..1439 */
  minute: number;
}

export function wallClock(zone: string, instant: number): WallClock {
  const parts: Record<string, string> = {};
  for (const part of format(zone).formatToParts(instant)) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: parts.weekday!.toLowerCase() as Weekday,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

export function scheduleAt(timeline: Timeline, instant: number): Schedule {
  let found = timeline[0]!;
  for (const version of timeline) if (version.effectiveFrom <= instant) found = version;
  return found.schedule;
}

function weeklyOpen(schedule: Schedule, wall: WallClock): boolean {
  if (schedule.alwaysOpen) return true;
  const today = WEEKDAYS.indexOf(wall.weekday);
  const yesterday = WEEKDAYS[(today + 6) % 7];
  return schedule.hours.some((interval) => {
    const [from, to] = [clockMinutes(interval.from), clockMinutes(interval.to)];
    if (interval.day === wall.weekday && from <= wall.minute && wall.minute < (interval.overnight ? 1440 : to)) {
      return true;
    }
    return interval.overnight === true && interval.day === yesterday && wall.minute < to;
  });
}

function closedByHoliday(schedule: Schedule, wall: WallClock): boolean {
  return schedule.holidays.some((holiday) => {
    const onDate =
      holiday.date === wall.date ||
      (holiday.yearly === true &&
        holiday.date.slice(5) === wall.date.slice(5) &&
        Number(wall.date.slice(0, 4)) >= Number(holiday.date.slice(0, 4)));
    if (!onDate) return false;
    if (holiday.from === undefined) return true;
    return clockMinutes(holiday.from) <= wall.minute && wall.minute < clockMinutes(holiday.to!);
  });
}

/** Whether the UTC minute starting at `minute` is working time. */
export function isWorkingMinute(timeline: Timeline, minute: number): boolean {
  const schedule = scheduleAt(timeline, minute);
  const wall = wallClock(schedule.timeZone, minute);
  return weeklyOpen(schedule, wall) && !closedByHoliday(schedule, wall);
}

function assertMinute(name: string, value: number) {
  if (!Number.isInteger(value / MINUTE)) throw new Error(`${name} must be minute-aligned: ${value}`);
}

/** Working minutes in [from, to); both minute-aligned. */
export function referenceBusinessMinutes(timeline: Timeline, from: number, to: number): number {
  assertMinute("from", from);
  assertMinute("to", to);
  let count = 0;
  for (let minute = from; minute < to; minute += MINUTE) if (isWorkingMinute(timeline, minute)) count++;
  return count;
}

/** Working time in [from, to) as merged UTC intervals; both minute-aligned. */
export function referenceOpenIntervals(timeline: Timeline, from: number, to: number): [number, number][] {
  assertMinute("from", from);
  assertMinute("to", to);
  const out: [number, number][] = [];
  for (let minute = from; minute < to; minute += MINUTE) {
    if (!isWorkingMinute(timeline, minute)) continue;
    const last = out[out.length - 1];
    if (last && last[1] === minute) last[1] = minute + MINUTE;
    else out.push([minute, minute + MINUTE]);
  }
  return out;
}

/** The end of the `minutes`-th working minute from `start` (start itself for 0); start minute-aligned, minutes whole. */
export function referenceAddBusinessMinutes(timeline: Timeline, start: number, minutes: number): number {
  assertMinute("start", start);
  if (!Number.isInteger(minutes) || minutes < 0) throw new Error(`minutes must be a whole number ≥ 0: ${minutes}`);
  let left = minutes;
  let minute = start;
  for (let steps = 0; left > 0; steps++) {
    if (steps >= MAX_STEPS) throw new Error(`no ${minutes} working minutes within ${MAX_STEPS} minutes of ${start}`);
    if (isWorkingMinute(timeline, minute)) left--;
    minute += MINUTE;
  }
  return minute;
}
