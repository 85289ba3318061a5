import {
  type Holiday,
  intervalLabel,
  officeHours,
  type Schedule,
  type Weekday,
  type WorkingInterval,
  weekdayLabel,
  weekdays,
} from "../calendars";
import { FieldIssue, type FormProblem } from "../issues";
import { TimeZoneInput } from "./TimeZoneInput";

/**
 * A calendar's schedule: read as a weekly table with its holidays, and edited (working intervals
 * per day, overnight shifts, 24×7, holidays whole or partial, yearly or once, the time zone).
 * Issue paths are the API's: `[...at, "hours", index, "to"]` with `at` the schedule's place in the body.
 */

const CLOCK = "([01]\\d|2[0-3]):[0-5]\\d";
const CLOCK_END = `(${CLOCK}|24:00)`;

export function ScheduleSummary({ schedule }: { schedule: Schedule }) {
  return (
    <div className="schedule-summary">
      <p className="muted">
        Time zone <bdi>{schedule.timeZone}</bdi>
      </p>
      {schedule.alwaysOpen ? (
        <p data-testid="schedule-hours">Open 24×7: every minute is working time (holidays still close).</p>
      ) : (
        <table className="tickets compact" data-testid="schedule-hours">
          <tbody>
            {weekdays.map((day) => {
              const intervals = schedule.hours.filter((interval) => interval.day === day);
              return (
                <tr key={day} data-testid={`hours-${day}`}>
                  <th>{weekdayLabel[day]}</th>
                  <td>
                    {intervals.length === 0 ? (
                      <span className="muted">closed</span>
                    ) : (
                      intervals
                        .sort((a, b) => a.from.localeCompare(b.from))
                        .map(intervalLabel)
                        .join(", ")
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <h3 className="flush">Holidays</h3>
      {schedule.holidays.length === 0 ? (
        <p className="muted">No holidays.</p>
      ) : (
        <ul className="holiday-list" data-testid="schedule-holidays">
          {[...schedule.holidays]
            .sort((a, b) => a.date.localeCompare(b.date))
            .map((holiday) => (
              <li key={`${holiday.date}|${holiday.from ?? ""}|${holiday.name}`}>
                <span className="mono">{holiday.yearly ? holiday.date.slice(5) : holiday.date}</span>{" "}
                <bdi>{holiday.name}</bdi>{" "}
                <span className="muted small">
                  {holiday.from ? `closed ${holiday.from}–${holiday.to}` : "whole day"}
                  {holiday.yearly ? " · every year" : ""}
                </span>
              </li>
            ))}
        </ul>
      )}
    </div>
  );
}

export function ScheduleEditor({
  value,
  onChange,
  problem,
  at,
}: {
  value: Schedule;
  onChange: (next: Schedule) => void;
  problem: FormProblem | null;
  /** Where the schedule sits in the request body (["schedule"]). */
  at: (string | number)[];
}) {
  const set = (patch: Partial<Schedule>) => onChange({ ...value, ...patch });
  const setHours = (index: number, patch: Partial<WorkingInterval>) =>
    set({ hours: value.hours.map((interval, i) => (i === index ? { ...interval, ...patch } : interval)) });
  const setHoliday = (index: number, patch: Partial<Holiday>) =>
    set({ holidays: value.holidays.map((holiday, i) => (i === index ? { ...holiday, ...patch } : holiday)) });
  const addInterval = (day: Weekday) => set({ hours: [...value.hours, { day, from: "09:00", to: "17:00" }] });

  return (
    <div className="schedule-editor" data-testid="schedule-editor">
      <div className="grid-2">
        <TimeZoneInput value={value.timeZone} onChange={(timeZone) => set({ timeZone })}>
          <FieldIssue problem={problem} at={[...at, "timeZone"]} label="Time zone" />
        </TimeZoneInput>
        <label className="inline">
          <input
            type="checkbox"
            name="alwaysOpen"
            data-testid="always-open"
            checked={value.alwaysOpen}
            onChange={(e) => set({ alwaysOpen: e.target.checked })}
          />
          Open 24×7 (every minute is working time; holidays still close)
        </label>
      </div>

      <h3 className="flush">Weekly hours</h3>
      <FieldIssue problem={problem} at={[...at, "hours"]} />
      {value.alwaysOpen ? (
        <p className="muted">Open around the clock.</p>
      ) : (
        <>
          <div className="inline-form">
            <button type="button" onClick={() => set({ hours: officeHours(value.timeZone).hours })}>
              Set Mon–Fri 09:00–17:00
            </button>
            <button type="button" onClick={() => set({ hours: [] })}>
              Clear all hours
            </button>
          </div>
          <table className="tickets compact hours-editor">
            <tbody>
              {weekdays.map((day) => (
                <tr key={day} data-testid={`edit-hours-${day}`}>
                  <th>{weekdayLabel[day]}</th>
                  <td>
                    {value.hours.map((interval, index) =>
                      interval.day !== day ? null : (
                        // The flat index is the API's: hours[index] in its issues.
                        // biome-ignore lint/suspicious/noArrayIndexKey: intervals have no id; the index is their identity here
                        <div className="interval" key={index} data-testid="interval">
                          <input
                            aria-label={`${weekdayLabel[day]} from`}
                            className="clock"
                            placeholder="09:00"
                            pattern={CLOCK}
                            required
                            value={interval.from}
                            onChange={(e) => setHours(index, { from: e.target.value })}
                          />
                          –
                          <input
                            aria-label={`${weekdayLabel[day]} to`}
                            className="clock"
                            placeholder="17:00"
                            pattern={CLOCK_END}
                            required
                            value={interval.to}
                            onChange={(e) => setHours(index, { to: e.target.value })}
                          />
                          <label className="inline">
                            <input
                              type="checkbox"
                              checked={interval.overnight ?? false}
                              onChange={(e) => setHours(index, { overnight: e.target.checked })}
                            />
                            overnight
                          </label>
                          <button
                            type="button"
                            aria-label={`Remove ${weekdayLabel[day]} ${interval.from}–${interval.to}`}
                            onClick={() => set({ hours: value.hours.filter((_, i) => i !== index) })}
                          >
                            ×
                          </button>
                          <FieldIssue problem={problem} at={[...at, "hours", index]} />
                          <FieldIssue problem={problem} at={[...at, "hours", index, "from"]} />
                          <FieldIssue problem={problem} at={[...at, "hours", index, "to"]} />
                        </div>
                      ),
                    )}
                    <button
                      type="button"
                      className="link-button"
                      data-testid={`add-interval-${day}`}
                      onClick={() => addInterval(day)}
                    >
                      + interval
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}

      <h3 className="flush">Holidays</h3>
      <FieldIssue problem={problem} at={[...at, "holidays"]} />
      {value.holidays.map((holiday, index) => {
        const partial = holiday.from !== undefined;
        const issue = (field: string) => <FieldIssue problem={problem} at={[...at, "holidays", index, field]} />;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: holidays have no id; the index is the API's holidays[index]
          <div className="holiday-editor" key={index} data-testid="holiday">
            <input
              type="date"
              aria-label="Holiday date"
              required
              value={holiday.date}
              onChange={(e) => setHoliday(index, { date: e.target.value })}
            />
            <input
              aria-label="Holiday name"
              placeholder="Name"
              required
              maxLength={120}
              value={holiday.name}
              onChange={(e) => setHoliday(index, { name: e.target.value })}
            />
            <label className="inline">
              <input
                type="checkbox"
                checked={partial}
                onChange={(e) =>
                  setHoliday(
                    index,
                    e.target.checked ? { from: "13:00", to: "24:00" } : { from: undefined, to: undefined },
                  )
                }
              />
              part of the day
            </label>
            {partial && (
              <>
                <input
                  aria-label="Closed from"
                  className="clock"
                  pattern={CLOCK}
                  value={holiday.from ?? ""}
                  onChange={(e) => setHoliday(index, { from: e.target.value })}
                />
                –
                <input
                  aria-label="Closed until"
                  className="clock"
                  pattern={CLOCK_END}
                  value={holiday.to ?? ""}
                  onChange={(e) => setHoliday(index, { to: e.target.value })}
                />
              </>
            )}
            <label className="inline">
              <input
                type="checkbox"
                checked={holiday.yearly ?? false}
                onChange={(e) => setHoliday(index, { yearly: e.target.checked })}
              />
              every year
            </label>
            <button
              type="button"
              aria-label={`Remove holiday ${index + 1}`}
              onClick={() => set({ holidays: value.holidays.filter((_, i) => i !== index) })}
            >
              ×
            </button>
            {issue("date")}
            {issue("name")}
            {issue("from")}
            {issue("to")}
          </div>
        );
      })}
      <button
        type="button"
        className="add-row"
        data-testid="add-holiday"
        onClick={() => set({ holidays: [...value.holidays, { date: "", name: "" }] })}
      >
        Add holiday
      </button>
    </div>
  );
}
