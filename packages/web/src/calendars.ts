import { api } from "./api";
import { path, withQuery } from "./paths";

/** Business calendars as the API has them (packages/core/src/calendar): versioned schedules. */

export const weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof weekdays)[number];
export const weekdayLabel: Record<Weekday, string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};

export interface WorkingInterval {
  day: Weekday;
  from: string;
  /** "HH:MM", or "24:00" for an interval that runs to midnight. */
  to: string;
  /** Ends the next day at `to` (a night shift). */
  overnight?: boolean;
}

export interface Holiday {
  date: string;
  name: string;
  /** A partial day: closed from `from` to `to` (both or neither). */
  from?: string;
  to?: string;
  yearly?: boolean;
}

export interface Schedule {
  timeZone: string;
  alwaysOpen: boolean;
  hours: WorkingInterval[];
  holidays: Holiday[];
}

export interface CalendarVersion {
  number: number;
  effectiveFrom: string;
  schedule: Schedule;
  note: string | null;
  createdBy: string | null;
  createdAt: string;
}

export interface CalendarSummary {
  id: string;
  name: string;
  latestVersion: number;
  latestEffectiveFrom: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Calendar extends CalendarSummary {
  /** The version in force now. */
  current: CalendarVersion;
  /** Every version, oldest first. */
  versions: CalendarVersion[];
}

export interface IcalResult {
  calendar: Calendar;
  imported: number;
  skipped: { summary: string; reason: string }[];
}

const calendarApi = (calendarId: string) => path`/v1/calendars/${calendarId}`;

export const listCalendars = () =>
  api<{ items: CalendarSummary[]; cursor: string | null }>("GET", withQuery("/v1/calendars", { limit: "100" }));
export const getCalendar = (calendarId: string) => api<Calendar>("GET", calendarApi(calendarId));
export const createCalendar = (name: string, schedule: Schedule) =>
  api<Calendar>("POST", "/v1/calendars", { name, schedule });
export const renameCalendar = (calendarId: string, name: string, version: number) =>
  api<Calendar>("PATCH", calendarApi(calendarId), { name, version });

export interface Change {
  /** Omitted: from now. */
  effectiveFrom?: string;
  note?: string;
  /** The calendar version read: a 409 if someone changed it since. */
  version: number;
}

export const addCalendarVersion = (calendarId: string, schedule: Schedule, change: Change) =>
  api<Calendar>("POST", `${calendarApi(calendarId)}/versions`, { schedule, ...change });
export const importIcal = (calendarId: string, ics: string, change: Change) =>
  api<IcalResult>("POST", `${calendarApi(calendarId)}/ical`, { ics, ...change });

/** A schedule as the API accepts it: no hours when 24×7, optional fields only when set. */
export function scheduleBody(schedule: Schedule): Schedule {
  return {
    timeZone: schedule.timeZone.trim(),
    alwaysOpen: schedule.alwaysOpen,
    hours: schedule.alwaysOpen
      ? []
      : schedule.hours.map(({ day, from, to, overnight }) => ({ day, from, to, ...(overnight ? { overnight } : {}) })),
    holidays: schedule.holidays.map(({ date, name, from, to, yearly }) => ({
      date,
      name,
      ...(from !== undefined || to !== undefined ? { from: from ?? "", to: to ?? "" } : {}),
      ...(yearly ? { yearly } : {}),
    })),
  };
}

export const officeHours = (timeZone: string): Schedule => ({
  timeZone,
  alwaysOpen: false,
  hours: (["mon", "tue", "wed", "thu", "fri"] as const).map((day) => ({ day, from: "09:00", to: "17:00" })),
  holidays: [],
});

/** "09:00–17:00", "22:00–06:00 next day". */
export const intervalLabel = (interval: WorkingInterval) =>
  `${interval.from}–${interval.to}${interval.overnight ? " next day" : ""}`;
