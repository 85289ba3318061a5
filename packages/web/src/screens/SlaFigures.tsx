import { when } from "../format";
import { ticketLink } from "../paths";
import { Link } from "../router";
import { metricLabel, span } from "../sla";
import { type Figures, percent, type SlaBreach, type SlaReport } from "../sla-report";
import { PriorityBadge } from "../ui";

/**
 * A month's figures and its breached targets, as tables: shared by the live report and the
 * frozen statement, which must read the same.
 */

const label = (metric: string) => metricLabel[metric] ?? metric;
/** p50/p90 are a histogram bucket's upper bound: "≤ 30m". */
const bound = (minutes: number | null) => (minutes === null ? "—" : `≤ ${span(minutes)}`);
const minutes = (value: number | null) => (value === null ? "—" : span(value));

/** A compliance tone for colour: fine from 95 %, worrying from 80 %, bad below. */
export const tone = (compliance: number | null) =>
  compliance === null ? "none" : compliance >= 95 ? "good" : compliance >= 80 ? "fair" : "poor";

function FigureCells({ figures }: { figures: Figures }) {
  return (
    <>
      <td className="num">{figures.measured}</td>
      <td className="num">{figures.met}</td>
      <td className={`num${figures.breached ? " error-text" : ""}`}>{figures.breached}</td>
      <td className={`num compliance compliance-${tone(figures.compliance)}`}>{percent(figures.compliance)}</td>
      <td className="num">{figures.ended}</td>
      <td className="num">{bound(figures.p50Minutes)}</td>
      <td className="num">{bound(figures.p90Minutes)}</td>
    </>
  );
}

const rowData = (figures: Figures) => ({
  "data-measured": figures.measured,
  "data-met": figures.met,
  "data-breached": figures.breached,
  "data-compliance": figures.compliance ?? "",
});

/** Per metric: the month's totals, then each priority that had any measured or ended target. */
export function FiguresTable({ report, testId }: { report: SlaReport; testId: string }) {
  return (
    <table className="tickets compact figures" data-testid={testId}>
      <thead>
        <tr>
          <th>Metric</th>
          <th className="num">Measured</th>
          <th className="num">Met</th>
          <th className="num">Breached</th>
          <th className="num">Compliance</th>
          <th className="num">Ended</th>
          <th className="num">p50</th>
          <th className="num">p90</th>
        </tr>
      </thead>
      {report.metrics.map((row) => (
        <tbody key={row.metric}>
          <tr
            className="metric-row"
            data-testid="figures-row"
            data-metric={row.metric}
            data-priority="all"
            {...rowData(row.total)}
          >
            <th scope="row">{label(row.metric)}</th>
            <FigureCells figures={row.total} />
          </tr>
          {row.byPriority
            .filter((cell) => cell.measured > 0 || cell.ended > 0)
            .map((cell) => (
              <tr
                key={cell.priority}
                className="priority-row"
                data-testid="figures-row"
                data-metric={row.metric}
                data-priority={cell.priority}
                {...rowData(cell)}
              >
                <td>
                  <PriorityBadge priority={cell.priority} />
                </td>
                <FigureCells figures={cell} />
              </tr>
            ))}
        </tbody>
      ))}
    </table>
  );
}

/** The breached targets, oldest breach first, each linking to its ticket (whose page has the event log). */
export function BreachTable({
  clientId,
  breaches,
  testId,
  empty,
}: {
  clientId: string;
  breaches: SlaBreach[];
  testId: string;
  empty: string;
}) {
  if (breaches.length === 0)
    return (
      <p className="muted" data-testid={testId}>
        {empty}
      </p>
    );
  return (
    <table className="tickets compact" data-testid={testId}>
      <thead>
        <tr>
          <th>Ticket</th>
          <th>Subject</th>
          <th>Metric</th>
          <th>Priority</th>
          <th className="num">Target</th>
          <th>Breached</th>
          <th>Ended</th>
          <th className="num" title="Working time the cycle counted">
            Business
          </th>
          <th className="num">Paused</th>
          <th className="num" title="Calendar time of the cycle neither worked nor paused">
            Out of hours
          </th>
        </tr>
      </thead>
      <tbody>
        {breaches.map((breach) => (
          <tr
            key={`${breach.ticketId}/${breach.metric}/${breach.breachedAt}`}
            data-testid="breach-row"
            data-metric={breach.metric}
          >
            <td className="mono">
              <Link to={ticketLink(clientId, breach.ticketId)} data-testid="breach-ticket">
                <bdi>{breach.ticketKey}</bdi>
              </Link>
            </td>
            <td>
              <bdi>{breach.subject}</bdi>
            </td>
            <td>{label(breach.metric)}</td>
            <td>
              <PriorityBadge priority={breach.priority} />
            </td>
            <td className="num">{span(breach.targetMinutes)}</td>
            <td>{when(breach.breachedAt)}</td>
            <td>{breach.endedAt ? when(breach.endedAt) : <span className="muted">running</span>}</td>
            <td className="num">{minutes(breach.businessMinutes)}</td>
            <td className="num">{minutes(breach.pausedMinutes)}</td>
            <td className="num">{minutes(breach.outOfHoursMinutes)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
