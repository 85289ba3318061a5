import { useEffect, useState } from "react";
import { ApiError } from "../api";
import { BarChart, niceMax } from "../charts";
import { when } from "../format";
import { type ClientKpis, clientKpiLink, getClientKpis, kpiLabel } from "../kpi";
import { navigate } from "../router";
import { useSession } from "../session";
import { metricLabel } from "../sla";
import { isMonth, monthIn, monthLabel, percent } from "../sla-report";
import { hoursMinutes } from "../time";
import { ErrorNote, NotFound, Spinner } from "../ui";
import { MonthPicker } from "./MonthPicker";
import { tone } from "./SlaFigures";

function Tile({ kpi, value, figure, detail }: { kpi: string; value: string; figure: number | null; detail?: string }) {
  return (
    <div className="kpi-tile" data-testid={`kpi-${kpi}`} data-value={figure ?? ""}>
      <span className="muted small">{kpiLabel[kpi] ?? kpi}</span>
      <strong>{value}</strong>
      {detail && <span className="muted small">{detail}</span>}
    </div>
  );
}

/** The API's definitions, printed as written (text nodes), in the order of the figures. */
export function KpiDefinitions({ definitions }: { definitions: Record<string, string> }) {
  return (
    <dl className="kpi-definitions" data-testid="kpi-definitions">
      {Object.entries(definitions).map(([kpi, text]) => (
        <div key={kpi} data-kpi={kpi}>
          <dt>{kpiLabel[kpi] ?? kpi}</dt>
          <dd>{text}</dd>
        </div>
      ))}
    </dl>
  );
}

function Figures({ kpis }: { kpis: ClientKpis }) {
  const fcr = kpis.firstContactResolution;
  const buckets = kpis.backlog.buckets;
  return (
    <>
      <div className="kpi-tiles">
        <Tile kpi="ticketsIn" value={String(kpis.ticketsIn)} figure={kpis.ticketsIn} />
        <Tile kpi="ticketsSolved" value={String(kpis.ticketsSolved)} figure={kpis.ticketsSolved} />
        <Tile kpi="ticketsReopened" value={String(kpis.ticketsReopened)} figure={kpis.ticketsReopened} />
        <Tile
          kpi="firstContactResolution"
          value={percent(fcr.percent)}
          figure={fcr.percent}
          detail={`${fcr.firstContact} of ${fcr.solved} solved`}
        />
        <Tile
          kpi="averageHandleMinutes"
          value={kpis.averageHandleMinutes === null ? "—" : `${kpis.averageHandleMinutes} min`}
          figure={kpis.averageHandleMinutes}
          detail={`${hoursMinutes(kpis.handledMinutes)} handled`}
        />
        <Tile
          kpi="backlog"
          value={String(kpis.backlog.total)}
          figure={kpis.backlog.total}
          detail={`open at ${when(kpis.backlog.asOf)}`}
        />
      </div>
      <div className="kpi-columns">
        <figure className="chart">
          <figcaption>Backlog by age</figcaption>
          <BarChart
            title={`Backlog by age at ${when(kpis.backlog.asOf)}`}
            testId="kpi-backlog-chart"
            max={niceMax(Math.max(1, ...buckets.map((b) => b.count)))}
            bars={buckets.map((bucket) => ({
              key: bucket.label,
              label: bucket.label
                .replace(/ days?$/, "d")
                .replace("under ", "<")
                .replace("over ", ">"),
              caption: String(bucket.count),
              segments: [{ series: "backlog", value: bucket.count, title: `${bucket.label}: ${bucket.count}` }],
            }))}
          />
        </figure>
        <section aria-label="SLA compliance">
          <h2>SLA compliance</h2>
          {kpis.slaSource && (
            <p className="muted small" data-testid="kpi-sla-source">
              {kpis.slaSource === "frozen"
                ? "From the month's frozen SLA statement."
                : "Live: the month is not frozen."}
            </p>
          )}
          <table className="tickets compact" data-testid="kpi-sla">
            <thead>
              <tr>
                <th>Metric</th>
                <th className="num">Met</th>
                <th className="num">Breached</th>
                <th className="num">Compliance</th>
              </tr>
            </thead>
            <tbody>
              {kpis.slaCompliance.map((row) => (
                <tr
                  key={row.metric}
                  data-testid="kpi-sla-row"
                  data-metric={row.metric}
                  data-met={row.met}
                  data-breached={row.breached}
                  data-percent={row.percent ?? ""}
                >
                  <th scope="row">{metricLabel[row.metric] ?? row.metric}</th>
                  <td className="num">{row.met}</td>
                  <td className={`num${row.breached ? " error-text" : ""}`}>{row.breached}</td>
                  <td className={`num compliance compliance-${tone(row.percent)}`}>{percent(row.percent)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </>
  );
}

/**
 * /clients/:clientId/kpis?month=: a client's month in figures, each with its definition. Months
 * are the client's (its time zone); the backlog is the one open now.
 */
export function KpiPackPage({ clientId, month }: { clientId: string; month: string | null }) {
  const session = useSession();
  const client = session.clients.find((c) => c.id === clientId);
  const latest = monthIn(client?.timeZone ?? "UTC");
  const chosen = isMonth(month) && month <= latest ? month : latest;
  const [kpis, setKpis] = useState<ClientKpis | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the Retry button's way to run it again
  useEffect(() => {
    let live = true;
    setError(null);
    getClientKpis(clientId, chosen)
      .then((next) => {
        if (live) setKpis(next);
      })
      .catch((reason) => {
        if (!live) return;
        if (reason instanceof ApiError && reason.status === 404 && reason.body.code === "not_found") setMissing(true);
        else setError(reason instanceof ApiError ? reason.detail : "Could not load the KPIs");
      });
    return () => {
      live = false;
    };
  }, [clientId, chosen, attempt]);

  if (missing) return <NotFound />;
  const shown = kpis?.month === chosen && kpis.clientId === clientId ? kpis : null;
  return (
    <section className="admin kpi-pack" aria-label="KPIs" data-testid="kpi-pack" data-month={shown?.month ?? ""}>
      <div className="inline-form">
        <h1 data-testid="kpi-title">
          KPIs · <bdi>{shown?.clientName ?? client?.name ?? ""}</bdi>
        </h1>
        <span className="spacer" />
        <MonthPicker
          month={chosen}
          latest={latest}
          onChange={(next) => navigate(clientKpiLink(clientId, next), { replace: true })}
        />
      </div>
      <p className="muted small">
        {monthLabel(chosen)}, counted in {shown?.timeZone ?? client?.timeZone ?? "the client's time zone"}.
      </p>
      {error && <ErrorNote onRetry={() => setAttempt((n) => n + 1)}>{error}</ErrorNote>}
      {!shown ? (
        !error && <Spinner label="Loading the KPIs…" />
      ) : (
        <>
          <Figures kpis={shown} />
          <h2>Definitions</h2>
          <KpiDefinitions definitions={shown.definitions} />
        </>
      )}
    </section>
  );
}
