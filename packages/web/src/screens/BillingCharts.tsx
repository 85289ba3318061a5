import { hours, type Usage } from "../billing";
import { BarChart, niceMax } from "../charts";
import { monthLabel } from "../sla-report";

const contactsOf = (u: Usage) => Object.values(u.totals.contacts).reduce((sum, n) => sum + (n ?? 0), 0);

const series = [
  { key: "usage-created", label: "Tickets created", value: (u: Usage) => u.totals.ticketsCreated },
  { key: "usage-solved", label: "Tickets solved", value: (u: Usage) => u.totals.ticketsSolved },
  { key: "usage-contacts", label: "Contacts", value: contactsOf },
  { key: "usage-hours", label: "Billable hours", value: (u: Usage) => hours(u.totals.billableMinutes) },
] as const;

/** Usage per month (oldest first), one small chart per meter. */
export function UsageTrend({ months }: { months: Usage[] }) {
  const first = months[0];
  const last = months[months.length - 1];
  if (!first || !last) return null;
  const range = `${monthLabel(first.month)} – ${monthLabel(last.month)}`;
  return (
    <section className="chart-panel" aria-label="Usage by month" data-testid="usage-trend">
      <h2>Usage, last {months.length} months</h2>
      <div className="chart-row">
        {series.map((s) => {
          const values = months.map(s.value);
          return (
            <figure key={s.key} className="chart">
              <figcaption>{s.label}</figcaption>
              <BarChart
                title={`${s.label}, ${range}`}
                testId={`usage-chart-${s.key}`}
                max={niceMax(Math.max(1, ...values))}
                bars={months.map((u, i) => ({
                  key: u.month,
                  label: monthLabel(u.month, "short"),
                  caption: String(values[i]),
                  segments: [
                    {
                      series: s.key,
                      value: values[i] ?? 0,
                      title: `${monthLabel(u.month)}: ${values[i]} ${s.label.toLowerCase()}`,
                    },
                  ],
                }))}
              />
            </figure>
          );
        })}
      </div>
    </section>
  );
}

const W = 560;
const H = 170;
const LEFT = 40;
const TOP = 14;
const PLOT_H = 120;

/**
 * A retainer's month: billable hours used, cumulative per day, against the hours it makes
 * available (a dashed line). Days after today are left empty while the month runs.
 */
export function AllowanceBurnDown({
  usage,
  available,
  name,
  today,
}: {
  usage: Usage;
  available: number;
  name: string;
  /** The last day to draw ("2026-11-14"); null: the whole month. */
  today: string | null;
}) {
  const [year, month] = usage.month.split("-").map(Number) as [number, number];
  const daysIn = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const byDay = new Map(usage.days.map((d) => [d.day, d.billableMinutes]));
  let running = 0;
  const points: { day: string; used: number | null }[] = [];
  for (let d = 1; d <= daysIn; d++) {
    const day = `${usage.month}-${String(d).padStart(2, "0")}`;
    running += byDay.get(day) ?? 0;
    points.push({ day, used: today !== null && day > today ? null : hours(running) });
  }
  const usedNow = hours(running);
  const max = niceMax(Math.max(1, available, usedNow));
  const slot = (W - LEFT - 6) / daysIn;
  const y = (v: number) => TOP + PLOT_H - (Math.min(v, max) / max) * PLOT_H;
  const title = `${name}: ${usedNow} of ${available} hours used in ${monthLabel(usage.month)}`;
  return (
    <figure
      className="chart burn-down"
      data-testid="allowance-burn-down"
      data-available={available}
      data-used={usedNow}
    >
      <figcaption>
        <bdi>{name}</bdi>: hours used of {available} available
      </figcaption>
      <svg className="bar-chart" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={title}>
        <title>{title}</title>
        {[0, max / 2, max].map((tick) => (
          <g key={tick} className="chart-grid">
            <line x1={LEFT - 4} x2={W - 4} y1={y(tick)} y2={y(tick)} />
            <text x={LEFT - 7} y={y(tick) + 3.5} textAnchor="end">
              {tick}h
            </text>
          </g>
        ))}
        {points.map((p, i) =>
          p.used === null ? null : (
            <rect
              key={p.day}
              className={p.used > available ? "series-over" : "series-usage-hours"}
              x={LEFT + i * slot + 1}
              width={Math.max(1, slot - 2)}
              y={y(p.used)}
              height={Math.max(0, TOP + PLOT_H - y(p.used))}
              data-testid="burn-day"
              data-day={p.day}
              data-value={p.used}
            >
              <title>{`${p.day}: ${p.used} hours used so far`}</title>
            </rect>
          ),
        )}
        <line className="included-line" x1={LEFT} x2={W - 4} y1={y(available)} y2={y(available)}>
          <title>{`${available} hours available`}</title>
        </line>
        {points
          .filter((_, i) => i === 0 || (i + 1) % 5 === 0)
          .map((p) => (
            <text
              key={p.day}
              className="chart-label"
              x={LEFT + (Number(p.day.slice(8)) - 0.5) * slot}
              y={H - 8}
              textAnchor="middle"
            >
              {Number(p.day.slice(8))}
            </text>
          ))}
      </svg>
    </figure>
  );
}
