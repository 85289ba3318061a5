import { useEffect, useState } from "react";
import { ApiError } from "../api";
import { withQuery } from "../paths";
import { Link, navigate } from "../router";
import { metricLabel, metrics } from "../sla";
import { getOverview, isMonth, monthIn, monthLabel, percent, reportLink, type SlaOverview } from "../sla-report";
import { Empty, ErrorNote, Spinner } from "../ui";
import { MonthPicker } from "./MonthPicker";
import { tone } from "./SlaFigures";

/** /sla-report?month=: supervisors (provider admins, agents) see every client they serve, per metric. */
export function SlaOverviewPage({ month }: { month: string | null }) {
  // Clients count months in their own zones; the overview's default is the UTC month.
  const latest = monthIn("UTC");
  const chosen = isMonth(month) && month <= latest ? month : latest;
  const [overview, setOverview] = useState<SlaOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the Retry button's way to run it again
  useEffect(() => {
    let live = true;
    setError(null);
    getOverview(chosen)
      .then((next) => {
        if (live) setOverview(next);
      })
      .catch((reason) => {
        if (live) setError(reason instanceof ApiError ? reason.detail : "Could not load the SLA overview");
      });
    return () => {
      live = false;
    };
  }, [chosen, attempt]);

  const clients = overview ? [...overview.clients].sort((a, b) => a.name.localeCompare(b.name)) : [];
  return (
    <section className="admin" aria-label="SLA overview" data-testid="sla-overview">
      <div className="inline-form">
        <h1>SLA overview</h1>
        <span className="spacer" />
        <MonthPicker
          month={chosen}
          latest={latest}
          onChange={(next) => navigate(withQuery("/sla-report", { month: next }), { replace: true })}
        />
      </div>
      <p className="muted small">Compliance per metric in {monthLabel(chosen)}, for every client you serve.</p>
      {error && <ErrorNote onRetry={() => setAttempt((n) => n + 1)}>{error}</ErrorNote>}
      {!overview ? (
        !error && <Spinner />
      ) : clients.length === 0 ? (
        <Empty title="No clients">You serve no clients yet.</Empty>
      ) : (
        <>
          <table className="tickets overview" data-testid="sla-overview-table" data-month={overview.month}>
            <thead>
              <tr>
                <th>Client</th>
                {metrics.map((metric) => (
                  <th key={metric} className="num">
                    {metricLabel[metric]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {clients.map((client) => (
                <tr key={client.clientId} data-testid="overview-row" data-client-id={client.clientId}>
                  <td>
                    <Link to={reportLink(client.clientId, overview.month)} data-testid="overview-client">
                      <bdi>{client.name}</bdi>
                    </Link>
                  </td>
                  {metrics.map((metric) => {
                    const figures = client.metrics.find((m) => m.metric === metric);
                    const compliance = figures?.compliance ?? null;
                    return (
                      <td
                        key={metric}
                        className={`num compliance compliance-${tone(compliance)}`}
                        data-metric={metric}
                        data-compliance={compliance ?? ""}
                      >
                        {percent(compliance)}
                        {figures && figures.measured > 0 && (
                          <span className="muted small">
                            {" "}
                            {figures.met}/{figures.measured}
                          </span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="formula" data-testid="overview-formula">
            {overview.formula}
          </p>
        </>
      )}
    </section>
  );
}
