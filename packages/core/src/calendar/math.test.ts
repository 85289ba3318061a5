import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { referenceAddBusinessMinutes, referenceOpenIntervals } from "../../../../test/calendar-reference";
import { addBusinessMinutes, businessMinutes, openIntervals, type Timeline } from "./math";
import { type Holiday, Schedule, WEEKDAYS, type WorkingInterval, weekSpan } from "./schema";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const at = (iso: string) => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not an instant: ${iso}`);
  return ms;
};
const iso = (ms: number) => new Date(ms).toISOString();

/** One version that applies to all time. */
const always = (schedule: Schedule): Timeline => [{ effectiveFrom: 0, schedule }];
const schedule = (input: Partial<Schedule> & { timeZone: string }) => Schedule.parse(input);
const weekdays = (from: string, to: string, extra?: Partial<WorkingInterval>) =>
  (["mon", "tue", "wed", "thu", "fri"] as const).map((day) => ({ day, from, to, ...extra }));

const berlin = schedule({ timeZone: "Europe/Berlin", hours: weekdays("09:00", "17:00") });
const sundayNight = (timeZone: string) => schedule({ timeZone, hours: [{ day: "sun", from: "00:00", to: "04:00" }] });

describe("hand-written cases", () => {
  it("Berlin 09–17 Mon–Fri: a week is 40 hours across spring-forward and fall-back", () => {
    // 2026-03-29 and 2026-10-25 are the Sundays the clocks change.
    expect(businessMinutes(always(berlin), at("2026-03-23T00:00+01:00"), at("2026-03-30T00:00+02:00"))).toBe(2400);
    expect(businessMinutes(always(berlin), at("2026-10-19T00:00+02:00"), at("2026-10-26T00:00+01:00"))).toBe(2400);
    // The Monday after each change opens at 09:00 local, i.e. an hour later or earlier in UTC.
    expect(openIntervals(always(berlin), at("2026-03-30T00:00Z"), at("2026-03-31T00:00Z"))).toEqual([
      [at("2026-03-30T07:00Z"), at("2026-03-30T15:00Z")],
    ]);
    expect(openIntervals(always(berlin), at("2026-10-26T00:00Z"), at("2026-10-27T00:00Z"))).toEqual([
      [at("2026-10-26T08:00Z"), at("2026-10-26T16:00Z")],
    ]);
    // Friday 16:00 + 2 hours: one hour on Friday, one on Monday, after the clocks moved.
    expect(addBusinessMinutes(always(berlin), at("2026-03-27T16:00+01:00"), 120)).toBe(at("2026-03-30T10:00+02:00"));
  });

  it("a Sunday 00:00–04:00 interval has 3 real hours on spring-forward and 5 on fall-back", () => {
    const nights = always(sundayNight("Europe/Berlin"));
    expect(businessMinutes(nights, at("2026-03-28T12:00Z"), at("2026-03-30T00:00Z"))).toBe(180);
    expect(openIntervals(nights, at("2026-03-28T12:00Z"), at("2026-03-30T00:00Z"))).toEqual([
      [at("2026-03-29T00:00+01:00"), at("2026-03-29T04:00+02:00")],
    ]);
    expect(businessMinutes(nights, at("2026-10-24T12:00Z"), at("2026-10-26T00:00Z"))).toBe(300);
    expect(openIntervals(nights, at("2026-10-24T12:00Z"), at("2026-10-26T00:00Z"))).toEqual([
      [at("2026-10-25T00:00+02:00"), at("2026-10-25T04:00+01:00")],
    ]);
    // An ordinary Sunday.
    expect(businessMinutes(nights, at("2026-10-31T12:00Z"), at("2026-11-02T00:00Z"))).toBe(240);
  });

  it("America/New_York: Friday afternoon to Monday morning across its spring-forward (2026-03-08)", () => {
    const newYork = always(schedule({ timeZone: "America/New_York", hours: weekdays("09:00", "17:00") }));
    expect(addBusinessMinutes(newYork, at("2026-03-06T16:30-05:00"), 60)).toBe(at("2026-03-09T09:30-04:00"));
    expect(businessMinutes(newYork, at("2026-03-02T00:00-05:00"), at("2026-03-09T00:00-04:00"))).toBe(2400);
    // 2026-11-01: fall-back, 01:00–02:00 twice.
    const nights = always(
      schedule({ timeZone: "America/New_York", hours: [{ day: "sun", from: "01:00", to: "03:00" }] }),
    );
    expect(businessMinutes(nights, at("2026-10-31T00:00Z"), at("2026-11-02T00:00Z"))).toBe(180);
    expect(businessMinutes(nights, at("2026-03-07T00:00Z"), at("2026-03-09T00:00Z"))).toBe(60);
  });

  it("Asia/Tokyo has no DST: every week is the same in UTC", () => {
    const tokyo = always(schedule({ timeZone: "Asia/Tokyo", hours: weekdays("09:00", "18:00") }));
    for (const monday of ["2026-03-23", "2026-10-19", "2027-01-04"]) {
      const start = at(`${monday}T00:00+09:00`);
      expect(businessMinutes(tokyo, start, start + 7 * DAY)).toBe(5 * 540);
    }
    // From Saturday: Monday 09:00 + 45 minutes.
    expect(addBusinessMinutes(tokyo, at("2026-03-07T11:00+09:00"), 45)).toBe(at("2026-03-09T09:45+09:00"));
  });

  it("Australia/Lord_Howe moves its clocks by 30 minutes", () => {
    const nights = always(sundayNight("Australia/Lord_Howe"));
    // 2026-04-05 02:00 (+11:00) → 01:30 (+10:30): 01:30–02:00 twice.
    expect(businessMinutes(nights, at("2026-04-04T00:00Z"), at("2026-04-05T12:00Z"))).toBe(270);
    expect(openIntervals(nights, at("2026-04-04T00:00Z"), at("2026-04-05T12:00Z"))).toEqual([
      [at("2026-04-05T00:00+11:00"), at("2026-04-05T04:00+10:30")],
    ]);
    // 2026-10-04 02:00 (+10:30) → 02:30 (+11:00).
    expect(businessMinutes(nights, at("2026-10-03T00:00Z"), at("2026-10-04T12:00Z"))).toBe(210);
  });

  it("Asia/Kathmandu is UTC+05:45", () => {
    const kathmandu = always(schedule({ timeZone: "Asia/Kathmandu", hours: weekdays("10:00", "17:00") }));
    expect(openIntervals(kathmandu, at("2026-03-02T00:00Z"), at("2026-03-03T00:00Z"))).toEqual([
      [at("2026-03-02T04:15Z"), at("2026-03-02T11:15Z")],
    ]);
    expect(addBusinessMinutes(kathmandu, at("2026-03-02T11:00Z"), 30)).toBe(at("2026-03-03T04:30Z"));
  });

  it("an overnight shift 22:00–06:00 Mon–Fri", () => {
    const night = always(
      schedule({ timeZone: "Europe/Berlin", hours: weekdays("22:00", "06:00", { overnight: true }) }),
    );
    const monday = at("2026-03-02T00:00+01:00");
    expect(businessMinutes(night, monday, monday + 7 * DAY)).toBe(5 * 480);
    // Monday's shift ends on Tuesday morning; Friday's on Saturday morning.
    expect(openIntervals(night, monday, monday + 2 * DAY)).toEqual([
      [at("2026-03-02T22:00+01:00"), at("2026-03-03T06:00+01:00")],
      [at("2026-03-03T22:00+01:00"), at("2026-03-04T00:00+01:00")],
    ]);
    expect(businessMinutes(night, at("2026-03-07T00:00+01:00"), at("2026-03-08T00:00+01:00"))).toBe(360);
    expect(addBusinessMinutes(night, at("2026-03-02T12:00+01:00"), 60)).toBe(at("2026-03-02T23:00+01:00"));
    expect(addBusinessMinutes(night, at("2026-03-02T12:00+01:00"), 600)).toBe(at("2026-03-04T00:00+01:00"));
  });

  it("a Sunday overnight shift runs into Monday morning", () => {
    const night = always(
      schedule({ timeZone: "Asia/Tokyo", hours: [{ day: "sun", from: "22:00", to: "06:00", overnight: true }] }),
    );
    const monday = at("2026-03-02T00:00+09:00");
    expect(openIntervals(night, monday, monday + 7 * DAY)).toEqual([
      [monday, at("2026-03-02T06:00+09:00")],
      [at("2026-03-08T22:00+09:00"), monday + 7 * DAY],
    ]);
    expect(addBusinessMinutes(night, at("2026-03-01T23:00+09:00"), 120)).toBe(at("2026-03-02T01:00+09:00"));
  });

  it("24×7: every minute works, 25 hours on a fall-back day", () => {
    const open = always(schedule({ timeZone: "Europe/Berlin", alwaysOpen: true }));
    expect(businessMinutes(open, at("2026-10-25T00:00+02:00"), at("2026-10-26T00:00+01:00"))).toBe(1500);
    expect(businessMinutes(open, at("2026-03-29T00:00+01:00"), at("2026-03-30T00:00+02:00"))).toBe(1380);
    expect(addBusinessMinutes(open, at("2026-05-02T03:17Z"), 90)).toBe(at("2026-05-02T04:47Z"));
    expect(openIntervals(open, at("2026-05-02T00:00Z"), at("2026-05-05T00:00Z"))).toEqual([
      [at("2026-05-02T00:00Z"), at("2026-05-05T00:00Z")],
    ]);
  });

  it("inputs off the minute count fractions of a minute", () => {
    const open = always(schedule({ timeZone: "UTC", alwaysOpen: true }));
    expect(businessMinutes(open, at("2026-05-02T00:00:30Z"), at("2026-05-02T00:01:30Z"))).toBe(1);
    expect(businessMinutes(always(berlin), at("2026-03-02T08:59:30+01:00"), at("2026-03-02T09:00:30+01:00"))).toBe(0.5);
    expect(businessMinutes(always(berlin), at("2026-03-02T12:00+01:00"), at("2026-03-02T11:00+01:00"))).toBe(0);
  });

  it("holidays: full day, partial day, yearly from their year on, 29 February in leap years only", () => {
    const closed = always(
      schedule({
        timeZone: "Europe/Berlin",
        hours: weekdays("09:00", "17:00"),
        holidays: [
          { date: "2026-12-24", name: "Christmas Eve" },
          { date: "2026-12-25", name: "Christmas" },
          { date: "2026-12-31", name: "New Year's Eve", from: "12:00", to: "24:00" },
          { date: "2024-05-01", name: "Labour Day", yearly: true },
          { date: "2027-06-01", name: "From 2027", yearly: true },
          { date: "2024-02-29", name: "Leap day", yearly: true },
        ],
      }),
    );
    // A UTC day holds a Berlin day's 09:00–17:00 in winter and summer alike.
    const day = (date: string) => businessMinutes(closed, at(`${date}T00:00Z`), at(`${date}T00:00Z`) + DAY);
    expect(businessMinutes(closed, at("2026-12-21T00:00+01:00"), at("2026-12-28T00:00+01:00"))).toBe(3 * 480);
    expect(day("2026-12-31")).toBe(180);
    expect(openIntervals(closed, at("2026-12-31T00:00Z"), at("2027-01-01T00:00Z"))).toEqual([
      [at("2026-12-31T09:00+01:00"), at("2026-12-31T12:00+01:00")],
    ]);
    expect([day("2026-05-01"), day("2028-05-01")]).toEqual([0, 0]); // a Friday and a Monday
    expect([day("2026-06-01"), day("2027-06-01"), day("2028-06-01")]).toEqual([480, 0, 0]);
    expect(day("2028-02-29")).toBe(0); // a Tuesday
    expect([day("2027-02-26"), day("2027-03-01")]).toEqual([480, 480]); // no 29th, nothing moves
    // Wednesday 16:30 + 60: half an hour, then Thursday and Friday are closed, so Monday 09:30.
    expect(addBusinessMinutes(closed, at("2026-12-23T16:30+01:00"), 60)).toBe(at("2026-12-28T09:30+01:00"));
  });

  it("a version applies from its effectiveFrom only; the first also before it", () => {
    const longer = schedule({ timeZone: "Europe/Berlin", hours: weekdays("08:00", "20:00") });
    const change = at("2026-03-04T12:00+01:00"); // a Wednesday
    const timeline: Timeline = [
      { effectiveFrom: at("2026-01-01T00:00Z"), schedule: berlin },
      { effectiveFrom: change, schedule: longer },
    ];
    // Mon, Tue 480; Wed 09–12 old + 12–20 new; Thu, Fri 720.
    expect(businessMinutes(timeline, at("2026-03-02T00:00+01:00"), at("2026-03-09T00:00+01:00"))).toBe(3060);
    expect(openIntervals(timeline, at("2026-03-04T00:00Z"), at("2026-03-05T00:00Z"))).toEqual([
      [at("2026-03-04T09:00+01:00"), at("2026-03-04T20:00+01:00")],
    ]);
    // Tuesday 19:00 is closed under the old hours, Wednesday 19:00 open under the new.
    expect(addBusinessMinutes(timeline, at("2026-03-03T19:00+01:00"), 1)).toBe(at("2026-03-04T09:01+01:00"));
    expect(addBusinessMinutes(timeline, at("2026-03-04T11:00+01:00"), 120)).toBe(at("2026-03-04T13:00+01:00"));
    // Before the first version's effectiveFrom, the first version.
    expect(businessMinutes(timeline, at("2025-03-03T00:00+01:00"), at("2025-03-04T00:00+01:00"))).toBe(480);
    // A later version in another zone: from its instant on, its own wall clock.
    const tokyo = schedule({ timeZone: "Asia/Tokyo", hours: weekdays("09:00", "17:00") });
    const moved: Timeline = [
      { effectiveFrom: 0, schedule: berlin },
      { effectiveFrom: at("2026-03-07T00:00Z"), schedule: tokyo },
    ];
    expect(addBusinessMinutes(moved, at("2026-03-06T16:00+01:00"), 120)).toBe(at("2026-03-09T10:00+09:00"));
  });

  it("addBusinessMinutes: from outside hours, at closing, and 0 minutes", () => {
    const berlinAlways = always(berlin);
    expect(addBusinessMinutes(berlinAlways, at("2026-03-07T10:00+01:00"), 30)).toBe(at("2026-03-09T09:30+01:00"));
    expect(addBusinessMinutes(berlinAlways, at("2026-03-09T07:12+01:00"), 480)).toBe(at("2026-03-09T17:00+01:00"));
    // The smallest instant: Friday's closing, not Monday's opening.
    expect(addBusinessMinutes(berlinAlways, at("2026-03-06T16:00+01:00"), 60)).toBe(at("2026-03-06T17:00+01:00"));
    expect(addBusinessMinutes(berlinAlways, at("2026-03-06T17:00+01:00"), 480)).toBe(at("2026-03-09T17:00+01:00"));
    // 0 minutes is the start itself, even when closed.
    expect(addBusinessMinutes(berlinAlways, at("2026-03-07T10:00+01:00"), 0)).toBe(at("2026-03-07T10:00+01:00"));
    const open = always(schedule({ timeZone: "UTC", alwaysOpen: true }));
    expect(addBusinessMinutes(open, at("2026-03-07T10:00Z"), 0.5)).toBe(at("2026-03-07T10:00:30Z"));
  });
});

// --- Properties against the minute-stepping reference ------------------------------------------

const ZONES = [
  "UTC",
  "Europe/Berlin",
  "Europe/London",
  "America/New_York",
  "America/St_Johns", // −03:30, with DST
  "America/Santiago", // southern; changes at midnight, so 00:00 is skipped once a year
  "Australia/Sydney",
  "Australia/Lord_Howe", // 30-minute DST
  "Pacific/Chatham", // +12:45 / +13:45
  "Asia/Kathmandu", // +05:45
  "Asia/Kolkata",
  "Asia/Tokyo",
];

const WEEK = 7 * 1440;
const clock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/** A week minute span [start, start + length) as a WorkingInterval; `overnightMidnight` writes an end at midnight as overnight "00:00". */
function toInterval(start: number, length: number, overnightMidnight: boolean): WorkingInterval {
  const day = WEEKDAYS[Math.floor(start / 1440)]!;
  const from = start % 1440;
  const end = from + length;
  if (end < 1440) return { day, from: clock(from), to: clock(end) };
  if (end === 1440) {
    return overnightMidnight && from > 0
      ? { day, from: clock(from), to: "00:00", overnight: true }
      : { day, from: clock(from), to: "24:00" };
  }
  // An overnight interval is shorter than a day.
  return { day, from: clock(from), to: clock(Math.min(end - 1440, from - 1)), overnight: true };
}

/** Disjoint spans on the week's circle: sorted cut points taken in pairs, rotated so some wrap Sunday → Monday. */
const hoursArbitrary = fc
  .record({
    grain: fc.constantFrom(1, 15, 60),
    cuts: fc.uniqueArray(fc.integer({ min: 0, max: WEEK - 1 }), { minLength: 2, maxLength: 12 }),
    rotation: fc.integer({ min: 0, max: WEEK - 1 }),
    overnightMidnight: fc.boolean(),
  })
  .map(({ grain, cuts, rotation, overnightMidnight }) => {
    const points = [...new Set(cuts.map((cut) => cut - (cut % grain)))].sort((a, b) => a - b);
    const hours: WorkingInterval[] = [];
    for (let i = 0; i + 1 < points.length; i += 2) {
      const length = Math.min(points[i + 1]! - points[i]!, 1440);
      hours.push(toInterval((points[i]! + rotation - (rotation % grain)) % WEEK, length, overnightMidnight));
    }
    return hours;
  })
  .filter((hours) => hours.length > 0);

/** Where each zone's clocks change: the first day of the week (MM-DD) holding the change, in every year 2024–2028. */
const CHANGES: Record<string, string[]> = {
  "Europe/Berlin": ["03-25", "10-25"],
  "Europe/London": ["03-25", "10-25"],
  "America/New_York": ["03-08", "11-01"],
  "America/St_Johns": ["03-08", "11-01"],
  "America/Santiago": ["04-01", "09-01"],
  "Australia/Sydney": ["04-01", "10-01"],
  "Australia/Lord_Howe": ["04-01", "10-01"],
  "Pacific/Chatham": ["04-01", "09-24"],
};
const [FIRST, LAST] = [Date.UTC(2024, 0, 1), Date.UTC(2028, 11, 20)];

/** A minute in 2024–2028; half the time within days of a clock change in the first version's zone (three times in five), 29 February or New Year. */
interface BaseSeed {
  uniform: number;
  near: boolean;
  year: number;
  pick: number;
  offset: number;
}
const baseSeed: fc.Arbitrary<BaseSeed> = fc.record({
  uniform: fc.integer({ min: FIRST / MINUTE, max: LAST / MINUTE }),
  near: fc.boolean(),
  year: fc.integer({ min: 2024, max: 2028 }),
  pick: fc.nat(),
  offset: fc.integer({ min: -4 * 1440, max: 4 * 1440 }),
});
function baseFor(seed: BaseSeed, zone: string): number {
  if (!seed.near) return seed.uniform * MINUTE;
  const changes = CHANGES[zone] ?? [];
  const anchors = [...changes, ...changes, ...changes, "02-26", "12-29"];
  return at(`${seed.year}-${anchors[seed.pick % anchors.length]}T00:00Z`) + seed.offset * MINUTE;
}

interface HolidaySeed {
  dayOffset: number;
  yearShift: number;
  yearly: boolean;
  leapDay: boolean;
  partial: { from: number; length: number } | null;
}
const holidaySeed: fc.Arbitrary<HolidaySeed> = fc.record({
  dayOffset: fc.integer({ min: -1, max: 12 }),
  yearShift: fc.constantFrom(0, 0, 0, -1, -2, 1),
  yearly: fc.boolean(),
  leapDay: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  partial: fc.option(fc.record({ from: fc.integer({ min: 0, max: 1439 }), length: fc.integer({ min: 1, max: 1440 }) })),
});

function holidayNear(base: number, seed: HolidaySeed, index: number): Holiday {
  let date = new Date(base + seed.dayOffset * DAY).toISOString().slice(0, 10);
  if (seed.leapDay) date = `${seed.yearShift < 0 ? 2024 : 2028}-02-29`;
  else if (seed.yearShift !== 0 && !date.endsWith("02-29")) {
    date = `${Number(date.slice(0, 4)) + seed.yearShift}${date.slice(4)}`;
  }
  const partial = seed.partial
    ? { from: clock(seed.partial.from), to: clock(Math.min(seed.partial.from + seed.partial.length, 1440)) }
    : {};
  return { date, name: `holiday ${index}`, ...partial, ...(seed.yearly || seed.leapDay ? { yearly: true } : {}) };
}

const scheduleSeed = fc.record({
  timeZone: fc.constantFrom(...ZONES),
  hours: fc.option(hoursArbitrary, { freq: 6 }), // null: alwaysOpen
  holidays: fc.array(holidaySeed, { maxLength: 4 }),
});
const versionSeeds = fc.array(
  fc.record({ offset: fc.integer({ min: -3 * 1440, max: 12 * 1440 }), schedule: scheduleSeed }),
  { minLength: 1, maxLength: 3 },
);

/** 1–3 versions changing near `base`, each a valid Schedule (invalid ones, e.g. repeated holidays, are dropped). */
const worldArbitrary = fc
  .tuple(baseSeed, versionSeeds)
  .map(([where, seeds]) => {
    const base = baseFor(where, seeds[0]!.schedule.timeZone);
    const timeline = seeds
      .map(({ offset, schedule: seed }) => {
        const parsed = Schedule.safeParse({
          timeZone: seed.timeZone,
          alwaysOpen: seed.hours === null,
          hours: seed.hours ?? [],
          holidays: seed.holidays.map((holiday, index) => holidayNear(base, holiday, index)),
        });
        return parsed.success ? { effectiveFrom: base + offset * MINUTE, schedule: parsed.data } : undefined;
      })
      .filter((version) => version !== undefined)
      .sort((a, b) => a.effectiveFrom - b.effectiveFrom);
    return { base, timeline: timeline.length === seeds.length ? timeline : [] };
  })
  .filter(({ timeline }) => timeline.length > 0);

/** The fewest working minutes any version has in a week, before holidays. */
function sparsestWeek(timeline: Timeline): number {
  return Math.min(
    ...timeline.map(({ schedule }) =>
      schedule.alwaysOpen
        ? WEEK
        : schedule.hours.reduce((sum, interval) => sum + weekSpan(interval)[1] - weekSpan(interval)[0], 0),
    ),
  );
}

const show = (timeline: Timeline) =>
  JSON.stringify(timeline.map(({ effectiveFrom, schedule }) => ({ effectiveFrom: iso(effectiveFrom), schedule })));

describe("against the minute-stepping reference", () => {
  it("openIntervals and businessMinutes over ranges up to 10 days, also off the minute", () => {
    fc.assert(
      fc.property(
        worldArbitrary,
        fc.integer({ min: 0, max: 1440 }),
        fc.integer({ min: 0, max: 10 * 1440 }),
        fc.integer({ min: 0, max: MINUTE - 1 }),
        fc.integer({ min: 0, max: MINUTE - 1 }),
        ({ base, timeline }, startOffset, length, fromMs, toMs) => {
          const from = base + startOffset * MINUTE;
          const to = from + length * MINUTE;
          const expected = referenceOpenIntervals(timeline, from, to);
          const actual = openIntervals(timeline, from, to);
          const context = `${show(timeline)} from ${iso(from)} to ${iso(to)}`;
          // Sorted, merged (no two touch), non-empty, within the range.
          actual.forEach(([start, end], i) => {
            expect(start, context).toBeLessThan(end);
            expect(start, context).toBeGreaterThanOrEqual(from);
            expect(end, context).toBeLessThanOrEqual(to);
            if (i > 0) expect(start, context).toBeGreaterThan(actual[i - 1]![1]);
          });
          expect(actual, context).toEqual(expected);
          const total = expected.reduce((sum, [start, end]) => sum + end - start, 0) / MINUTE;
          expect(businessMinutes(timeline, from, to), context).toBe(total);

          // The same range shortened by under a minute at either end: the reference's intervals, clipped.
          const [innerFrom, innerTo] = [from + fromMs, Math.max(from + fromMs, to - toMs)];
          const clipped = expected
            .map(([start, end]): [number, number] => [Math.max(start, innerFrom), Math.min(end, innerTo)])
            .filter(([start, end]) => start < end);
          const inner = `${show(timeline)} from ${iso(innerFrom)} to ${iso(innerTo)}`;
          expect(openIntervals(timeline, innerFrom, innerTo), inner).toEqual(clipped);
          const clippedTotal = clipped.reduce((sum, [start, end]) => sum + end - start, 0) / MINUTE;
          expect(businessMinutes(timeline, innerFrom, innerTo), inner).toBe(clippedTotal);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("addBusinessMinutes for targets up to 3000 minutes", () => {
    fc.assert(
      fc.property(worldArbitrary, fc.integer({ min: 0, max: 3000 }), ({ base, timeline }, wanted) => {
        // Sparse schedules would have the reference step for months: keep to about two weeks of work.
        const minutes = Math.min(wanted, 2 * sparsestWeek(timeline));
        const expected = referenceAddBusinessMinutes(timeline, base, minutes);
        const actual = addBusinessMinutes(timeline, base, minutes);
        const context = `${show(timeline)} start ${iso(base)} + ${minutes}: reference ${iso(expected)}, math ${iso(actual)}`;
        expect(actual, context).toBe(expected);
        expect(businessMinutes(timeline, base, actual), context).toBe(minutes);
      }),
      { numRuns: 150 },
    );
  });
});

describe("Schedule rejects bad input, naming the field", () => {
  const paths = (input: unknown) => {
    const result = Schedule.safeParse(input);
    expect(result.success).toBe(false);
    return result.error!.issues.map((issue) => issue.path.join("."));
  };
  const hours = weekdays("09:00", "17:00");

  it("an unknown time zone", () => {
    expect(paths({ timeZone: "Mars/Olympus_Mons", hours })).toEqual(["timeZone"]);
  });

  it("overlapping intervals, also a Sunday night shift running into Monday", () => {
    expect(
      paths({
        timeZone: "UTC",
        hours: [
          { day: "mon", from: "09:00", to: "17:00" },
          { day: "mon", from: "16:00", to: "18:00" },
        ],
      }),
    ).toEqual(["hours.1"]);
    expect(
      paths({
        timeZone: "UTC",
        hours: [
          { day: "sun", from: "22:00", to: "06:00", overnight: true },
          { day: "mon", from: "05:00", to: "09:00" },
        ],
      }),
    ).toEqual(["hours.1"]);
  });

  it("an interval that ends before it starts without overnight", () => {
    expect(paths({ timeZone: "UTC", hours: [{ day: "mon", from: "17:00", to: "09:00" }] })).toEqual(["hours.0.to"]);
  });

  it("a holiday with only `from`", () => {
    expect(paths({ timeZone: "UTC", hours, holidays: [{ date: "2026-12-24", name: "Eve", from: "12:00" }] })).toEqual([
      "holidays.0.to",
    ]);
  });

  it("a holiday on a date that does not exist or is out of range", () => {
    expect(paths({ timeZone: "UTC", hours, holidays: [{ date: "2026-02-30", name: "No such day" }] })).toEqual([
      "holidays.0.date",
    ]);
    expect(paths({ timeZone: "UTC", hours, holidays: [{ date: "1800-01-01", name: "Too early" }] })).toEqual([
      "holidays.0.date",
    ]);
  });
});
