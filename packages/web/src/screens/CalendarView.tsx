import { type ChangeEvent, type FormEvent, useCallback, useEffect, useState } from "react";
import { ApiError } from "../api";
import {
  addCalendarVersion,
  type Calendar,
  type CalendarVersion,
  type Change,
  getCalendar,
  type IcalResult,
  importIcal,
  renameCalendar,
  type Schedule,
  scheduleBody,
} from "../calendars";
import { when } from "../format";
import { FieldIssue, type FormProblem, ProblemSummary, problemOf } from "../issues";
import { Link } from "../router";
import { useSession } from "../session";
import { ErrorNote, Spinner } from "../ui";
import { ScheduleEditor, ScheduleSummary } from "./Schedule";

const STALE =
  "Someone changed this calendar since you opened it. Reload to see their version, then make your change again.";

/** One calendar: the schedule in force, every version, a new version's editor and the iCalendar import. */
export function CalendarView({ calendarId }: { calendarId: string }) {
  const [calendar, setCalendar] = useState<Calendar | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setCalendar(await getCalendar(calendarId));
      setError(null);
    } catch (reason) {
      setError(
        reason instanceof ApiError
          ? reason.status === 404
            ? "This calendar does not exist or is not yours to see."
            : reason.detail
          : "Could not load the calendar",
      );
    }
  }, [calendarId]);
  useEffect(() => {
    void load();
  }, [load]);

  if (error) return <ErrorNote onRetry={() => void load()}>{error}</ErrorNote>;
  if (!calendar) return <Spinner label="Loading calendar…" />;
  const latest = calendar.versions[calendar.versions.length - 1]!;

  return (
    <section className="admin calendar-view" aria-label="Calendar">
      <Link to="/admin/calendars" className="small">
        ← Calendars
      </Link>
      <CalendarName calendar={calendar} onRenamed={setCalendar} />
      <section aria-label="In force" data-testid="calendar-current">
        <h2>
          In force now: version {calendar.current.number}, since{" "}
          {calendar.current.number === 1 ? "the start" : when(calendar.current.effectiveFrom)}
        </h2>
        {latest.number !== calendar.current.number && (
          <div className="notice">
            Version {latest.number} takes over on {when(latest.effectiveFrom)}.
          </div>
        )}
        <ScheduleSummary schedule={calendar.current.schedule} />
      </section>
      <Versions calendar={calendar} />
      <NewVersion key={`${calendar.version}`} calendar={calendar} latest={latest} onSaved={setCalendar} reload={load} />
      <IcalImport calendar={calendar} onImported={setCalendar} reload={load} />
    </section>
  );
}

function CalendarName({ calendar, onRenamed }: { calendar: Calendar; onRenamed: (next: Calendar) => void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(calendar.name);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  if (!editing) {
    return (
      <div className="inline-form">
        <h1 data-testid="calendar-name">
          <bdi>{calendar.name}</bdi>
        </h1>
        <button type="button" className="link-button" onClick={() => setEditing(true)}>
          Rename
        </button>
      </div>
    );
  }
  return (
    <form
      className="inline-form"
      aria-label="Rename calendar"
      onSubmit={(event) => {
        event.preventDefault();
        renameCalendar(calendar.id, name, calendar.version)
          .then((next) => {
            onRenamed(next);
            setEditing(false);
            setProblem(null);
          })
          .catch((reason) => setProblem(problemOf(reason)));
      }}
    >
      <input name="calendarName" required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
      <button type="submit" className="primary">
        Save name
      </button>
      <button type="button" onClick={() => setEditing(false)}>
        Cancel
      </button>
      <FieldIssue problem={problem} at={["name"]} />
      {problem && problem.issues.length === 0 && (
        <span className="field-issue">{problem.conflict ? STALE : problem.message}</span>
      )}
    </form>
  );
}

function versionState(calendar: Calendar, version: CalendarVersion): string {
  if (version.number === calendar.current.number) return "in force";
  return version.number > calendar.current.number ? "scheduled" : "past";
}

function Versions({ calendar }: { calendar: Calendar }) {
  const session = useSession();
  return (
    <section aria-label="Versions">
      <h2>Versions</h2>
      <ol className="versions" data-testid="calendar-versions">
        {calendar.versions.map((version) => (
          <li key={version.number} data-testid="calendar-version" data-state={versionState(calendar, version)}>
            <details>
              <summary>
                <strong>Version {version.number}</strong> · from{" "}
                {version.number === 1
                  ? `${when(version.effectiveFrom)} (and all time before)`
                  : when(version.effectiveFrom)}{" "}
                <span className={`badge version-${versionState(calendar, version).replace(" ", "-")}`}>
                  {versionState(calendar, version)}
                </span>
                {version.note && (
                  <>
                    {" "}
                    — <bdi data-testid="version-note">{version.note}</bdi>
                  </>
                )}
                <span className="muted small">
                  {" "}
                  · by <bdi>{version.createdBy ? session.userName(version.createdBy) : "Outdesk"}</bdi>,{" "}
                  {when(version.createdAt)}
                </span>
              </summary>
              <ScheduleSummary schedule={version.schedule} />
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** When the change applies: now (the default), or a local date and time converted to an instant. */
function useEffective() {
  const [mode, setMode] = useState<"now" | "at">("now");
  const [at, setAt] = useState("");
  const change = (): Pick<Change, "effectiveFrom"> =>
    mode === "at" && at ? { effectiveFrom: new Date(at).toISOString() } : {};
  return { mode, setMode, at, setAt, change };
}

function EffectiveFields({
  effective,
  note,
  setNote,
  problem,
  prefix,
}: {
  effective: ReturnType<typeof useEffective>;
  note: string;
  setNote: (note: string) => void;
  problem: FormProblem | null;
  prefix: string;
}) {
  return (
    <div className="grid-2">
      <fieldset className="effective">
        <legend>Effective from</legend>
        <label className="inline">
          <input
            type="radio"
            name={`${prefix}-effective`}
            checked={effective.mode === "now"}
            onChange={() => effective.setMode("now")}
          />
          now
        </label>
        <label className="inline">
          <input
            type="radio"
            name={`${prefix}-effective`}
            checked={effective.mode === "at"}
            onChange={() => effective.setMode("at")}
          />
          <input
            type="datetime-local"
            aria-label="Effective from"
            data-testid={`${prefix}-effective-at`}
            value={effective.at}
            onChange={(e) => {
              effective.setAt(e.target.value);
              effective.setMode("at");
            }}
          />
        </label>
        <span className="muted small">your local time ({Intl.DateTimeFormat().resolvedOptions().timeZone})</span>
        <FieldIssue problem={problem} at={["effectiveFrom"]} />
      </fieldset>
      <label>
        Note (why it changed)
        <input
          name={`${prefix}-note`}
          data-testid={`${prefix}-note`}
          maxLength={500}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
        <FieldIssue problem={problem} at={["note"]} />
      </label>
    </div>
  );
}

function Conflict({ reload }: { reload: () => Promise<void> }) {
  return (
    <div className="notice" role="alert" data-testid="calendar-conflict">
      {STALE}{" "}
      <button type="button" className="link-button" onClick={() => void reload()}>
        Reload
      </button>
    </div>
  );
}

function NewVersion({
  calendar,
  latest,
  onSaved,
  reload,
}: {
  calendar: Calendar;
  latest: CalendarVersion;
  onSaved: (next: Calendar) => void;
  reload: () => Promise<void>;
}) {
  const [schedule, setSchedule] = useState<Schedule>(latest.schedule);
  const [note, setNote] = useState("");
  const effective = useEffective();
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      onSaved(
        await addCalendarVersion(calendar.id, scheduleBody(schedule), {
          ...effective.change(),
          ...(note.trim() ? { note: note.trim() } : {}),
          version: calendar.version,
        }),
      );
    } catch (reason) {
      setProblem(problemOf(reason));
      setBusy(false);
    }
  }

  return (
    <form className="panel-form" aria-label="Change the schedule" onSubmit={submit} data-testid="new-version">
      <h2>Change the schedule</h2>
      <p className="muted small">
        Saves version {calendar.latestVersion + 1}, starting from version {latest.number}'s schedule. Earlier versions
        never change.
      </p>
      {problem?.conflict ? <Conflict reload={reload} /> : <ProblemSummary problem={problem} />}
      <ScheduleEditor value={schedule} onChange={setSchedule} problem={problem} at={["schedule"]} />
      <EffectiveFields effective={effective} note={note} setNote={setNote} problem={problem} prefix="version" />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy} data-testid="save-version">
          Save as version {calendar.latestVersion + 1}
        </button>
      </div>
    </form>
  );
}

function IcalImport({
  calendar,
  onImported,
  reload,
}: {
  calendar: Calendar;
  onImported: (next: Calendar) => void;
  reload: () => Promise<void>;
}) {
  const [result, setResult] = useState<(Omit<IcalResult, "calendar"> & { file: string; number: number }) | null>(null);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState("");
  const effective = useEffective();

  async function pick(event: ChangeEvent<HTMLInputElement>) {
    const input = event.target;
    const file = input.files?.[0];
    if (!file) return;
    setBusy(true);
    setProblem(null);
    setResult(null);
    try {
      const ics = await file.text();
      const answer = await importIcal(calendar.id, ics, {
        ...effective.change(),
        ...(note.trim() ? { note: note.trim() } : {}),
        version: calendar.version,
      });
      setResult({
        file: file.name,
        imported: answer.imported,
        skipped: answer.skipped,
        number: answer.calendar.latestVersion,
      });
      onImported(answer.calendar);
    } catch (reason) {
      setProblem(problemOf(reason));
    } finally {
      setBusy(false);
      // The same file may be picked again after a fix.
      input.value = "";
    }
  }

  return (
    <section className="panel-form" aria-label="Import iCalendar" data-testid="ical-import">
      <h2>Import iCalendar</h2>
      <p className="muted small">
        Holidays from an .ics file (a public-holiday feed, an Outlook or Google export) are added to the latest schedule
        as a new version. All-day events close whole days, timed ones part of a day; yearly events repeat.
      </p>
      <EffectiveFields effective={effective} note={note} setNote={setNote} problem={problem} prefix="ical" />
      <label>
        iCalendar file
        <input
          type="file"
          accept=".ics,text/calendar"
          data-testid="ical-input"
          disabled={busy}
          onChange={(e) => void pick(e)}
        />
        <FieldIssue problem={problem} at={["ics"]} />
      </label>
      {problem?.conflict ? <Conflict reload={reload} /> : <ProblemSummary problem={problem} />}
      {result && (
        <div className="notice" role="status" data-testid="ical-result">
          <bdi>{result.file}</bdi>:{" "}
          {result.imported > 0
            ? `imported ${result.imported} holiday${result.imported === 1 ? "" : "s"} as version ${result.number}.`
            : "no new holidays (the schedule has them all already)."}
          {result.skipped.length > 0 && (
            <>
              {" "}
              Skipped {result.skipped.length}:
              <ul data-testid="ical-skipped">
                {result.skipped.map((entry, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: skipped entries may repeat a summary
                  <li key={index}>
                    <bdi>{entry.summary}</bdi> — <bdi>{entry.reason}</bdi>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}
