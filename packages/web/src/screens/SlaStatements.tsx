import { type FormEvent, useCallback, useEffect, useState } from "react";
import { ApiError, issuesAt } from "../api";
import { when } from "../format";
import { Link } from "../router";
import { useSession } from "../session";
import {
  addMonths,
  downloadStatementCsv,
  freezeStatement,
  getStatement,
  listStatements,
  monthIn,
  monthLabel,
  reportLink,
  type SlaStatement,
  type StatementSummary,
  statementLink,
} from "../sla-report";
import { ErrorNote, NotFound, Spinner } from "../ui";
import { BreachTable, FiguresTable } from "./SlaFigures";

const message = (reason: unknown, fallback: string) => (reason instanceof ApiError ? reason.detail : fallback);

/** A client's frozen months, newest first, and (provider admins) the form that freezes one. */
export function Statements({
  clientId,
  timeZone,
  canFreeze,
}: {
  clientId: string;
  timeZone: string;
  canFreeze: boolean;
}) {
  const [items, setItems] = useState<StatementSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [frozen, setFrozen] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const page = await listStatements(clientId);
      setItems([...page.items].sort((a, b) => b.month.localeCompare(a.month)));
      setError(null);
    } catch (reason) {
      setError(message(reason, "Could not load the statements"));
    }
  }, [clientId]);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="statements" aria-label="Statements" data-testid="sla-statements">
      <h2>Statements</h2>
      <p className="muted small">
        A statement freezes a finished month: later changes to tickets, policies or calendars never alter it.
      </p>
      {error && <ErrorNote onRetry={() => void load()}>{error}</ErrorNote>}
      {canFreeze && (
        <FreezeMonth
          clientId={clientId}
          timeZone={timeZone}
          onFrozen={(month) => {
            setFrozen(month);
            void load();
          }}
        />
      )}
      {frozen && (
        <div className="notice" role="status" data-testid="freeze-done">
          Frozen: <Link to={statementLink(clientId, frozen)}>{monthLabel(frozen)}</Link>.
        </div>
      )}
      {!items ? (
        !error && <Spinner />
      ) : items.length === 0 ? (
        <p className="muted" data-testid="statement-list">
          No month has been frozen yet.
        </p>
      ) : (
        <ul className="statement-list" data-testid="statement-list">
          {items.map((item) => (
            <li key={item.month} data-testid="statement-item" data-month={item.month}>
              <Link to={statementLink(clientId, item.month)} data-testid="statement-link">
                {monthLabel(item.month)}
              </Link>{" "}
              <span className="muted small">frozen {when(item.frozenAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Provider admins: freeze a month once it is over in the client's time zone (the API says when not). */
function FreezeMonth({
  clientId,
  timeZone,
  onFrozen,
}: {
  clientId: string;
  timeZone: string;
  onFrozen: (month: string) => void;
}) {
  const [month, setMonth] = useState(() => addMonths(monthIn(timeZone), -1));
  const [problem, setProblem] = useState<{ status: number; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await freezeStatement(clientId, month);
      onFrozen(month);
    } catch (reason) {
      // A 400 names the month ("not over yet"); a 409 says it is frozen already.
      const atMonth = issuesAt(reason, "month");
      setProblem({
        status: reason instanceof ApiError ? reason.status : 0,
        text: atMonth || message(reason, "Could not freeze the month"),
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="inline-form freeze-form" aria-label="Freeze month" onSubmit={submit}>
      <label className="inline">
        Month
        <input
          type="month"
          name="freezeMonth"
          required
          data-testid="freeze-month"
          value={month}
          onChange={(event) => {
            setMonth(event.target.value);
            setProblem(null);
          }}
        />
      </label>
      <button type="submit" className="primary" disabled={busy} data-testid="freeze-submit">
        Freeze month
      </button>
      {problem && (
        <span className="field-issue" role="alert" data-testid="freeze-problem" data-status={problem.status}>
          {problem.text}
        </span>
      )}
    </form>
  );
}

/** /clients/:clientId/sla-report/statements/:month: a frozen statement as it was frozen, and its CSV. */
export function SlaStatementPage({ clientId, month }: { clientId: string; month: string }) {
  const session = useSession();
  const [statement, setStatement] = useState<SlaStatement | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setStatement(await getStatement(clientId, month));
      setError(null);
    } catch (reason) {
      if (reason instanceof ApiError && reason.status === 404) setMissing(true);
      else setError(message(reason, "Could not load the statement"));
    }
  }, [clientId, month]);
  useEffect(() => {
    void load();
  }, [load]);

  async function saveCsv() {
    setDownloadError(null);
    try {
      setSaved(await downloadStatementCsv(clientId, month));
    } catch (reason) {
      setDownloadError(message(reason, "The download could not start"));
    }
  }

  if (missing) return <NotFound />;
  if (error) return <ErrorNote onRetry={() => void load()}>{error}</ErrorNote>;
  if (!statement) return <Spinner label="Loading statement…" />;
  const frozenBy = session.users.find((user) => user.id === statement.frozenBy)?.name;

  return (
    <section className="admin sla-statement" aria-label="SLA statement" data-testid="sla-statement">
      <Link to={reportLink(clientId, month)} className="small">
        ← SLA dashboard
      </Link>
      <div className="inline-form">
        <h1 data-testid="statement-title">
          <bdi>{statement.clientName}</bdi> · SLA statement, {monthLabel(statement.month)}
        </h1>
        <span className="spacer" />
        <button type="button" className="primary" data-testid="statement-csv" onClick={() => void saveCsv()}>
          Download CSV
        </button>
      </div>
      {downloadError && <ErrorNote>{downloadError}</ErrorNote>}
      {saved && (
        <p className="muted small" role="status" data-testid="statement-saved">
          Saved as {saved}.
        </p>
      )}
      <p className="muted" data-testid="statement-meta">
        Days counted in <bdi>{statement.timeZone}</bdi>. Frozen {when(statement.frozenAt)}
        {frozenBy && (
          <>
            {" "}
            by <bdi>{frozenBy}</bdi>
          </>
        )}
        ; it does not change.
      </p>

      <h2>Figures</h2>
      <FiguresTable report={statement.report} testId="statement-figures" />
      <p className="formula" data-testid="statement-formula">
        {statement.formula}
      </p>

      <div className="grid-2">
        <section aria-label="Policies">
          <h2>Policies (version {statement.policySetVersion})</h2>
          {statement.policies.length === 0 ? (
            <p className="muted" data-testid="statement-policies">
              No policies: nothing was measured.
            </p>
          ) : (
            <ol className="plain-list" data-testid="statement-policies">
              {statement.policies.map((policy) => (
                <li key={policy.id}>
                  <bdi>{policy.name}</bdi>
                </li>
              ))}
            </ol>
          )}
        </section>
        <section aria-label="Calendars">
          <h2>Calendars in force</h2>
          {statement.calendars.length === 0 ? (
            <p className="muted" data-testid="statement-calendars">
              No calendar: targets counted calendar minutes.
            </p>
          ) : (
            <ul className="plain-list" data-testid="statement-calendars">
              {statement.calendars.map((calendar) => (
                <li key={calendar.id} data-testid="statement-calendar">
                  <bdi>{calendar.name}</bdi>:{" "}
                  <span className="muted">
                    {calendar.versions.map((v) => `version ${v.number} from ${when(v.effectiveFrom)}`).join(", ") ||
                      "no version in force"}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <h2>Breached targets</h2>
      <BreachTable
        clientId={clientId}
        breaches={statement.breaches}
        testId="statement-breaches"
        empty={`No target was breached in ${monthLabel(statement.month)}.`}
      />
    </section>
  );
}
