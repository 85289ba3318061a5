import { useEffect, useRef, useState } from "react";
import { ApiError } from "../api";
import { path } from "../paths";
import { Link, navigate } from "../router";
import { useSession } from "../session";
import {
  addMonths,
  getBreaches,
  getReport,
  isMonth,
  monthIn,
  monthLabel,
  reportLink,
  type SlaBreach,
  type SlaReport,
} from "../sla-report";
import { ErrorNote, NotFound, Spinner } from "../ui";
import { MonthPicker } from "./MonthPicker";
import { BreachesByPriority, ComplianceTrend } from "./SlaCharts";
import { BreachTable, FiguresTable } from "./SlaFigures";
import { Statements } from "./SlaStatements";

/** How many months the compliance chart looks back over, the chosen one included. */
const TREND_MONTHS = 6;

interface Loaded {
  month: string;
  /** Oldest first; the last is the chosen month. */
  reports: SlaReport[];
  breaches: SlaBreach[];
}

/**
 * /clients/:clientId/sla-report?month=YYYY-MM: a client's SLA month — the figures per metric and
 * priority, the formula, compliance over the last months, breaches by priority and the breached
 * tickets — and its frozen statements. Months are the client's (its time zone).
 */
export function SlaReportPage({ clientId, month }: { clientId: string; month: string | null }) {
  const session = useSession();
  const client = session.clients.find((c) => c.id === clientId);
  const latest = monthIn(client?.timeZone ?? "UTC");
  const chosen = isMonth(month) && month <= latest ? month : latest;
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const [attempt, setAttempt] = useState(0);
  // Months already read on this page: stepping through months re-reads only the new ones.
  const cache = useRef(new Map<string, Promise<SlaReport>>());

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the Retry button's way to run it again
  useEffect(() => {
    let live = true;
    const reportOf = (m: string) => {
      let report = cache.current.get(m);
      if (!report) {
        report = getReport(clientId, m);
        cache.current.set(m, report);
        report.catch(() => cache.current.delete(m));
      }
      return report;
    };
    const months = Array.from({ length: TREND_MONTHS }, (_, i) => addMonths(chosen, i - TREND_MONTHS + 1));
    setError(null);
    Promise.all([Promise.all(months.map(reportOf)), getBreaches(clientId, chosen)])
      .then(([reports, breaches]) => {
        if (live) setLoaded({ month: chosen, reports, breaches: breaches.items });
      })
      .catch((reason) => {
        if (!live) return;
        if (reason instanceof ApiError && reason.status === 404) setMissing(true);
        else setError(reason instanceof ApiError ? reason.detail : "Could not load the SLA report");
      });
    return () => {
      live = false;
    };
  }, [clientId, chosen, attempt]);

  if (missing) return <NotFound />;
  const report = loaded?.reports[loaded.reports.length - 1];
  const name = client?.name ?? report?.clientId ?? "";

  return (
    <section className="admin sla-report" aria-label="SLA dashboard" data-testid="sla-report">
      <div className="inline-form">
        <h1 data-testid="sla-report-title">
          <bdi>{name}</bdi> · SLA
        </h1>
        <span className="spacer" />
        <MonthPicker
          month={chosen}
          latest={latest}
          onChange={(next) => navigate(reportLink(clientId, next), { replace: true })}
        />
      </div>
      <p className="muted small">
        {monthLabel(chosen)}
        {report && (
          <>
            , days counted in <bdi>{report.timeZone}</bdi>
          </>
        )}
        . <Link to={path`/clients/${clientId}/sla`}>Policies</Link>
        {session.staff && (
          <>
            {" · "}
            <Link to="/sla-report">All clients</Link>
          </>
        )}
      </p>
      {error && <ErrorNote onRetry={() => setAttempt((n) => n + 1)}>{error}</ErrorNote>}
      {!loaded || !report ? (
        !error && <Spinner label="Loading the SLA report…" />
      ) : (
        <div className="sla-report-body" data-month={loaded.month} aria-busy={loaded.month !== chosen}>
          <FiguresTable report={report} testId="sla-figures" />
          <p className="formula" data-testid="sla-formula">
            {report.formula}
          </p>
          <div className="chart-columns">
            <ComplianceTrend reports={loaded.reports} />
            <BreachesByPriority report={report} />
          </div>
          <h2>Breached targets, {monthLabel(loaded.month)}</h2>
          <BreachTable
            clientId={clientId}
            breaches={loaded.breaches}
            testId="sla-breaches"
            empty={`No target was breached in ${monthLabel(loaded.month)}.`}
          />
        </div>
      )}
      <Statements
        clientId={clientId}
        timeZone={client?.timeZone ?? report?.timeZone ?? "UTC"}
        canFreeze={session.me.actor.role === "provider_admin"}
      />
    </section>
  );
}
