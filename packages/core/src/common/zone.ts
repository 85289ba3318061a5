/**
 * Wall-clock readings of instants in IANA time zones. Building an Intl.DateTimeFormat costs far
 * more than using one, so each zone's formatters are made once and kept.
 */
const days = new Map<string, Intl.DateTimeFormat>();
const walls = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant in a time zone, YYYY-MM-DD (the hot path: one `format`, no parts). */
export function dayIn(timeZone: string, at: string | number): string {
  let format = days.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    days.set(timeZone, format);
  }
  return format.format(new Date(at));
}

export interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Sun, Mon, … */
  weekday: string;
}

/** An instant's wall-clock date and time in a zone. */
export function wallOf(timeZone: string, at: string | number): Wall {
  let format = walls.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      weekday: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    walls.set(timeZone, format);
  }
  const wall = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: "" };
  for (const part of format.formatToParts(new Date(at))) {
    if (part.type === "weekday") wall.weekday = part.value;
    else if (part.type !== "literal" && part.type in wall)
      (wall as Record<string, number | string>)[part.type] = Number(part.value);
  }
  return wall;
}

/** The hour of the day (0–23) of an instant in a zone. */
export const hourIn = (timeZone: string, at: string | number) => wallOf(timeZone, at).hour;

/** An instant's wall-clock time in a zone read as if it were UTC (epoch ms, whole seconds). */
export function wallAsUtc(timeZone: string, at: string | number): number {
  const w = wallOf(timeZone, at);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}
