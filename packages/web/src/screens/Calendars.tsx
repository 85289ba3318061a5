import { type FormEvent, useCallback, useEffect, useState } from "react";
import { ApiError } from "../api";
import {
  type CalendarSummary,
  createCalendar,
  listCalendars,
  officeHours,
  type Schedule,
  scheduleBody,
} from "../calendars";
import { when } from "../format";
import { FieldIssue, type FormProblem, ProblemSummary, problemOf } from "../issues";
import { path } from "../paths";
import { Link, navigate } from "../router";
import { Empty, ErrorNote, Spinner } from "../ui";
import { ScheduleEditor } from "./Schedule";

/** Provider admins: the business calendars SLA targets count working time on. */
export function Calendars() {
  const [calendars, setCalendars] = useState<CalendarSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  const load = useCallback(() => {
    listCalendars()
      .then((page) => setCalendars(page.items))
      .catch((reason) => setError(reason instanceof ApiError ? reason.detail : "Could not load the calendars"));
  }, []);
  useEffect(load, [load]);

  return (
    <section className="admin" aria-label="Calendars">
      <div className="inline-form">
        <h1>Calendars</h1>
        <span className="spacer" />
        {!creating && (
          <button type="button" className="primary" data-testid="new-calendar" onClick={() => setCreating(true)}>
            New calendar
          </button>
        )}
      </div>
      <p className="muted">
        Working hours and holidays that SLA targets count on. A change is a new version from a date on; time already
        measured keeps the hours it was measured on.
      </p>
      {error && <ErrorNote onRetry={load}>{error}</ErrorNote>}
      {creating && (
        <NewCalendar
          onCancel={() => setCreating(false)}
          onCreated={(calendarId) => navigate(path`/admin/calendars/${calendarId}`)}
        />
      )}
      {!calendars ? (
        <Spinner />
      ) : calendars.length === 0 ? (
        <Empty title="No calendars yet">Create one for each set of working hours your clients are served in.</Empty>
      ) : (
        <table className="tickets" data-testid="calendars-table">
          <thead>
            <tr>
              <th>Calendar</th>
              <th>Versions</th>
              <th>Latest version from</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {calendars.map((calendar) => (
              <tr key={calendar.id} data-testid="calendar-row">
                <td>
                  <Link to={path`/admin/calendars/${calendar.id}`}>
                    <bdi>{calendar.name}</bdi>
                  </Link>
                </td>
                <td>{calendar.latestVersion}</td>
                <td>{when(calendar.latestEffectiveFrom)}</td>
                <td>{when(calendar.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function NewCalendar({ onCancel, onCreated }: { onCancel: () => void; onCreated: (calendarId: string) => void }) {
  const [name, setName] = useState("");
  const [schedule, setSchedule] = useState<Schedule>(() =>
    officeHours(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"),
  );
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const calendar = await createCalendar(name, scheduleBody(schedule));
      onCreated(calendar.id);
    } catch (reason) {
      setProblem(problemOf(reason));
      setBusy(false);
    }
  }

  return (
    <form className="panel-form" aria-label="New calendar" onSubmit={submit}>
      <h2>New calendar</h2>
      <ProblemSummary problem={problem} />
      <label>
        Name
        <input
          name="calendarName"
          required
          maxLength={120}
          placeholder="e.g. London office hours"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <FieldIssue problem={problem} at={["name"]} />
      </label>
      <ScheduleEditor value={schedule} onChange={setSchedule} problem={problem} at={["schedule"]} />
      <div className="actions gap">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy} data-testid="create-calendar">
          Create calendar
        </button>
      </div>
    </form>
  );
}
