import { wallOf } from "../common/zone";
import type { Holiday } from "./schema";

/**
 * Holidays from an iCalendar file (RFC 5545), as public-holiday feeds and Outlook/Google exports
 * write them: each VEVENT becomes holidays by date. All-day events (VALUE=DATE) close whole days
 * (DTEND is exclusive); timed events close the part of each day they cover, in the calendar's
 * zone (UTC times are converted, TZID and floating times are taken as wall time there).
 * RRULE:FREQ=YEARLY makes a yearly holiday; any other rule, or an event longer than 31 days, is
 * skipped and reported, never guessed at.
 */
export interface IcalImport {
  holidays: Holiday[];
  skipped: { summary: string; reason: string }[];
}

const MAX_EVENT_DAYS = 31;
const MAX_HOLIDAYS = 500;

/** Content lines with folding undone (a line starting with a space or tab continues the previous). */
function contentLines(text: string): string[] {
  const lines: string[] = [];
  for (const raw of text.replace(/\r\n?/g, "\n").split("\n")) {
    if ((raw.startsWith(" ") || raw.startsWith("\t")) && lines.length > 0) lines[lines.length - 1] += raw.slice(1);
    else if (raw.trim()) lines.push(raw);
  }
  return lines;
}

interface Property {
  name: string;
  params: Record<string, string>;
  value: string;
}

function property(line: string): Property | undefined {
  // The value starts after the first colon outside a quoted parameter value.
  let quoted = false;
  let colon = -1;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    else if (line[i] === ":" && !quoted) {
      colon = i;
      break;
    }
  }
  if (colon < 0) return undefined;
  const [name, ...rawParams] = line.slice(0, colon).split(";");
  const params: Record<string, string> = {};
  for (const param of rawParams) {
    const eq = param.indexOf("=");
    if (eq > 0) params[param.slice(0, eq).toUpperCase()] = param.slice(eq + 1).replace(/^"|"$/g, "");
  }
  return { name: name!.toUpperCase(), params, value: line.slice(colon + 1) };
}

const unescapeText = (value: string) =>
  value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === "n" || c === "N" ? " " : c)).trim();

const pad = (n: number) => String(n).padStart(2, "0");

/** A DTSTART/DTEND value as wall time in `timeZone`: date and minutes of the day. */
function wallTime(prop: Property, timeZone: string): { date: string; minutes: number; allDay: boolean } | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(Z)?)?$/.exec(prop.value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, , utc] = m;
  if (h === undefined) return { date: `${y}-${mo}-${d}`, minutes: 0, allDay: true };
  if (!utc) return { date: `${y}-${mo}-${d}`, minutes: Number(h) * 60 + Number(mi), allDay: false };
  const instant = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
  const w = wallOf(timeZone, instant);
  return { date: `${w.year}-${pad(w.month)}-${pad(w.day)}`, minutes: w.hour * 60 + w.minute, allDay: false };
}

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
const dateOf = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
const clock = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;

export function parseIcal(text: string, timeZone: string): IcalImport {
  const result: IcalImport = { holidays: [], skipped: [] };
  let event: Property[] | undefined;
  for (const line of contentLines(text)) {
    const prop = property(line);
    if (!prop) continue;
    if (prop.name === "BEGIN" && prop.value.toUpperCase() === "VEVENT") event = [];
    else if (prop.name === "END" && prop.value.toUpperCase() === "VEVENT" && event) {
      addEvent(event, timeZone, result);
      event = undefined;
    } else event?.push(prop);
  }
  if (result.holidays.length > MAX_HOLIDAYS) {
    result.skipped.push({ summary: "", reason: `only the first ${MAX_HOLIDAYS} holidays are kept` });
    result.holidays = result.holidays.slice(0, MAX_HOLIDAYS);
  }
  return result;
}

function addEvent(props: Property[], timeZone: string, result: IcalImport) {
  const get = (name: string) => props.find((p) => p.name === name);
  const summary = unescapeText(get("SUMMARY")?.value ?? "").slice(0, 120) || "Holiday";
  const skip = (reason: string) => result.skipped.push({ summary, reason });
  if ((get("STATUS")?.value ?? "").toUpperCase() === "CANCELLED") return skip("the event is cancelled");
  const startProp = get("DTSTART");
  const start = startProp && wallTime(startProp, timeZone);
  if (!start) return skip("no readable DTSTART");
  const endProp = get("DTEND");
  let end = endProp ? wallTime(endProp, timeZone) : undefined;
  // Without DTEND an all-day event is that day, a timed one an instant (RFC 5545 3.6.1): nothing to close.
  if (!end) {
    if (!start.allDay) return skip("a timed event without DTEND closes no time");
    end = { date: dateOf(dayNumber(start.date) + 1), minutes: 0, allDay: true };
  }
  let yearly = false;
  const rule = get("RRULE")?.value.toUpperCase();
  if (rule) {
    const parts = Object.fromEntries(rule.split(";").map((part) => part.split("=") as [string, string]));
    const plain = Object.keys(parts).every((k) => ["FREQ", "INTERVAL", "UNTIL", "COUNT", "WKST"].includes(k));
    if (parts.FREQ !== "YEARLY" || !plain || (parts.INTERVAL && parts.INTERVAL !== "1")) {
      return skip(`the repeat rule ${rule} is not a plain yearly one`);
    }
    yearly = true;
  }
  const [first, last] = [dayNumber(start.date), dayNumber(end.date)];
  if (!Number.isFinite(first) || !Number.isFinite(last)) return skip("a date that does not exist");
  if (last - first > MAX_EVENT_DAYS) return skip(`longer than ${MAX_EVENT_DAYS} days`);
  if (last < first || (last === first && end.minutes <= start.minutes)) return skip("it ends before it starts");
  for (let day = first; day <= last; day++) {
    const from = day === first ? start.minutes : 0;
    const to = day === last ? end.minutes : 1440;
    if (to <= from) continue;
    const holiday: Holiday = { date: dateOf(day), name: summary };
    if (from > 0 || to < 1440) Object.assign(holiday, { from: clock(from), to: clock(to) });
    if (yearly) holiday.yearly = true;
    result.holidays.push(holiday);
  }
}
