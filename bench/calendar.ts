import { mulberry32 } from "@outdesk/local/random";
import { addBusinessMinutes, type Timeline } from "../packages/core/src/calendar/math";
import { Schedule } from "../packages/core/src/calendar/schema";
import { referenceAddBusinessMinutes } from "../test/calendar-reference";

/**
 * Due times (addBusinessMinutes) computed by math.ts against the minute-stepping reference, on
 * the same random starts: every answer must agree, and math must be ≥ 100× faster. The starts are
 * seeded, so runs compare; math runs warm (its per-zone offset cache filled), as in a Lambda that
 * has served a few requests.
 */
export interface CalendarReport {
  starts: number;
  rows: CalendarRow[];
  /** Total reference time ÷ total math time. */
  ratio: number;
}

export interface CalendarRow {
  schedule: string;
  target: number;
  /** Microseconds per call. */
  mathUs: number;
  referenceUs: number;
  ratio: number;
}

const TARGET_RATIO = 100;
const TARGETS = [60, 480, 2400, 7200];
const MINUTE = 60_000;

const weekdays = (["mon", "tue", "wed", "thu", "fri"] as const).map((day) => ({ day, from: "09:00", to: "17:00" }));

/** Berlin office hours with the German national holidays of 2026–2027 and short Christmas and New Year's Eves. */
const berlin = Schedule.parse({
  timeZone: "Europe/Berlin",
  hours: weekdays,
  holidays: [
    { date: "2026-01-01", name: "New Year", yearly: true },
    { date: "2026-05-01", name: "Labour Day", yearly: true },
    { date: "2026-10-03", name: "German Unity Day", yearly: true },
    { date: "2026-12-25", name: "Christmas Day", yearly: true },
    { date: "2026-12-26", name: "Boxing Day", yearly: true },
    { date: "2026-12-24", name: "Christmas Eve", from: "12:00", to: "24:00", yearly: true },
    { date: "2026-12-31", name: "New Year's Eve", from: "12:00", to: "24:00", yearly: true },
    ...[
      "2026-04-03",
      "2026-04-06",
      "2026-05-14",
      "2026-05-25",
      "2027-03-26",
      "2027-03-29",
      "2027-05-06",
      "2027-05-17",
    ].map((date) => ({ date, name: "Easter-dated holiday" })),
  ],
});
const allHours = Schedule.parse({
  timeZone: "Europe/Berlin",
  alwaysOpen: true,
  holidays: [{ date: "2026-12-25", name: "Christmas Day", yearly: true }],
});
const SCHEDULES: [string, Timeline][] = [
  ["Berlin 09–17 Mon–Fri + holidays", [{ effectiveFrom: 0, schedule: berlin }]],
  ["Berlin 24×7 + Christmas", [{ effectiveFrom: 0, schedule: allHours }]],
];

/** Runs `work` until at least `ms` have passed (at least once); returns milliseconds per run. */
function timePer(work: () => void, ms: number): number {
  let runs = 0;
  const started = performance.now();
  do {
    work();
    runs++;
  } while (performance.now() - started < ms);
  return (performance.now() - started) / runs;
}

/** `starts` random minutes in 2026–2027, each with every target; at 100 the reference takes about 25 s (it steps some 4 million minutes), at 500 two minutes. */
export function calendarReport(starts = 100): CalendarReport {
  const random = mulberry32(20260329);
  const [first, last] = [Date.UTC(2026, 0, 1) / MINUTE, Date.UTC(2027, 11, 1) / MINUTE];
  const instants = Array.from({ length: starts }, () => (first + Math.floor(random() * (last - first))) * MINUTE);
  const rows: CalendarRow[] = [];
  let [mathTotal, referenceTotal] = [0, 0];
  for (const [name, timeline] of SCHEDULES) {
    for (const target of TARGETS) {
      const math = () => instants.map((start) => addBusinessMinutes(timeline, start, target));
      const reference = () => instants.map((start) => referenceAddBusinessMinutes(timeline, start, target));
      math(); // warm: JIT and the zone's offsets
      let expected: number[] = [];
      const referenceMs = timePer(() => {
        expected = reference();
      }, 0);
      let actual: number[] = [];
      const mathMs = timePer(() => {
        actual = math();
      }, 200);
      actual.forEach((due, i) => {
        if (due !== expected[i]) {
          throw new Error(
            `${name}: ${new Date(instants[i]!).toISOString()} + ${target} business minutes: math ${new Date(due).toISOString()}, reference ${new Date(expected[i]!).toISOString()}`,
          );
        }
      });
      mathTotal += mathMs;
      referenceTotal += referenceMs;
      rows.push({
        schedule: name,
        target,
        mathUs: (mathMs * 1000) / starts,
        referenceUs: (referenceMs * 1000) / starts,
        ratio: referenceMs / mathMs,
      });
    }
  }
  return { starts, rows, ratio: referenceTotal / mathTotal };
}

export function printCalendar(report: CalendarReport) {
  const width = Math.max(...report.rows.map((row) => row.schedule.length));
  const us = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)} ms` : `${n.toFixed(1)} µs`).padStart(10);
  const lines = [
    `Business calendar due times, addBusinessMinutes: math.ts against the minute-stepping reference (target: ≥ ${TARGET_RATIO}×); ${report.starts} random starts in 2026–2027 per row, all answers identical`,
    `  ${"schedule".padEnd(width)}  target min        math   reference     ratio`,
    ...report.rows.map(
      (row) =>
        `  ${row.schedule.padEnd(width)}  ${String(row.target).padStart(10)}  ${us(row.mathUs)}  ${us(row.referenceUs)}  ${`${row.ratio.toFixed(0)}×`.padStart(8)}`,
    ),
    `  overall ${report.ratio.toFixed(0)}× ${report.ratio >= TARGET_RATIO ? "(meets the target)" : `(BELOW the ${TARGET_RATIO}× target)`}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

// No DynamoDB needed, so not harness.runIfMain (which starts the stack).
if (import.meta.url === `file://${process.argv[1]}`) printCalendar(calendarReport());
