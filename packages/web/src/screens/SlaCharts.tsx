import { BarChart, Legend, niceMax } from "../charts";
import { priorities } from "../format";
import { metricLabel, metrics } from "../sla";
import { monthLabel, percent, type SlaReport } from "../sla-report";

const label = (metric: string) => metricLabel[metric] ?? metric;

/** Compliance per metric over consecutive months (oldest first): one small chart each. */
export function ComplianceTrend({ reports }: { reports: SlaReport[] }) {
  const first = reports[0];
  const last = reports[reports.length - 1];
  if (!first || !last) return null;
  const range = `${monthLabel(first.month)} – ${monthLabel(last.month)}`;
  return (
    <section className="chart-panel" aria-label="Compliance by month" data-testid="sla-compliance-trend">
      <h2>Compliance, last {reports.length} months</h2>
      <div className="chart-row">
        {metrics.map((metric) => (
          <figure key={metric} className="chart">
            <figcaption>{label(metric)}</figcaption>
            <BarChart
              title={`${label(metric)} compliance, ${range}`}
              testId={`compliance-chart-${metric}`}
              max={100}
              unit="%"
              bars={reports.map((report) => {
                const figures = report.metrics.find((row) => row.metric === metric)?.total;
                const compliance = figures?.compliance ?? null;
                return {
                  key: report.month,
                  label: monthLabel(report.month, "short"),
                  caption: percent(compliance),
                  segments:
                    figures && compliance !== null
                      ? [
                          {
                            series: "compliance",
                            value: compliance,
                            title: `${monthLabel(report.month)}: ${percent(compliance)} (${figures.met} of ${figures.measured} met)`,
                          },
                        ]
                      : [],
                };
              })}
            />
          </figure>
        ))}
      </div>
      <p className="muted small">“—”: nothing was measured that month.</p>
    </section>
  );
}

/** The month's breached targets per priority, stacked by metric. */
export function BreachesByPriority({ report }: { report: SlaReport }) {
  const count = (metric: string, priority: string) =>
    report.metrics.find((row) => row.metric === metric)?.byPriority.find((cell) => cell.priority === priority)
      ?.breached ?? 0;
  const bars = priorities.map((priority) => {
    const segments = metrics.map((metric) => ({
      series: metric,
      value: count(metric, priority),
      title: `${priority}, ${label(metric)}: ${count(metric, priority)} breached`,
    }));
    return {
      key: priority,
      label: priority,
      caption: String(segments.reduce((sum, s) => sum + s.value, 0)),
      segments,
    };
  });
  const most = Math.max(0, ...bars.map((bar) => Number(bar.caption)));
  return (
    <section className="chart-panel" aria-label="Breaches by priority" data-testid="sla-breaches-chart">
      <h2>Breaches by priority, {monthLabel(report.month)}</h2>
      <figure className="chart">
        <BarChart
          title={`Breached targets by priority, ${monthLabel(report.month)}`}
          testId="breaches-chart"
          max={niceMax(Math.max(1, most))}
          bars={bars}
        />
        <Legend series={metrics.map((metric) => ({ key: metric, label: label(metric) }))} />
      </figure>
    </section>
  );
}
