/**
 * Small bar charts drawn as inline SVG: no chart library, nothing fetched. Every mark carries a
 * <title> (its tooltip and accessible text); labels are SVG text, so names stay text.
 */

export interface BarSegment {
  /** Series key: its colour is the CSS class `series-<key>`. */
  series: string;
  value: number;
  /** The tooltip: what the segment is, in words. */
  title: string;
}

export interface Bar {
  key: string;
  label: string;
  /** Stacked from the bottom; none: no data (the caption says so). */
  segments: BarSegment[];
  /** Written above the bar: its value, or "—". */
  caption: string;
}

const SLOT = 46;
const BAR = 26;
const LEFT = 34;
const TOP = 16;
const PLOT = 100;
const BOTTOM = 20;

/** A round maximum for counts: 1, 2, 5, 10, 20, 50… at least the largest total. */
export function niceMax(value: number): number {
  let step = 1;
  for (;;) {
    for (const m of [1, 2, 5]) if (step * m >= value) return step * m;
    step *= 10;
  }
}

export function BarChart({
  title,
  bars,
  max,
  unit = "",
  testId,
}: {
  title: string;
  bars: Bar[];
  max: number;
  /** After the axis' top figure ("%"). */
  unit?: string;
  testId: string;
}) {
  const width = LEFT + bars.length * SLOT + 6;
  const height = TOP + PLOT + BOTTOM;
  const y = (value: number) => TOP + PLOT - (Math.min(value, max) / max) * PLOT;
  return (
    <svg
      className="bar-chart"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-label={title}
      data-testid={testId}
    >
      <title>{title}</title>
      {[0, max / 2, max].filter(Number.isInteger).map((tick) => (
        <g key={tick} className="chart-grid">
          <line x1={LEFT - 4} x2={width - 4} y1={y(tick)} y2={y(tick)} />
          <text x={LEFT - 7} y={y(tick) + 3.5} textAnchor="end">
            {tick}
            {tick === max ? unit : ""}
          </text>
        </g>
      ))}
      {bars.map((bar, index) => {
        const x = LEFT + index * SLOT + (SLOT - BAR) / 2;
        let base = 0;
        const total = bar.segments.reduce((sum, s) => sum + s.value, 0);
        return (
          <g key={bar.key} data-testid="chart-bar" data-key={bar.key} data-value={bar.segments.length ? total : ""}>
            {bar.segments.map((segment) => {
              const top = y(base + segment.value);
              const bottom = y(base);
              base += segment.value;
              if (segment.value <= 0) return null;
              return (
                <rect
                  key={segment.series}
                  className={`series-${segment.series}`}
                  x={x}
                  y={top}
                  width={BAR}
                  height={Math.max(1, bottom - top)}
                  rx={2}
                >
                  <title>{segment.title}</title>
                </rect>
              );
            })}
            <text className="chart-caption" x={x + BAR / 2} y={y(total) - 4} textAnchor="middle">
              {bar.caption}
            </text>
            <text className="chart-label" x={x + BAR / 2} y={height - 6} textAnchor="middle">
              {bar.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** The series' colours, in words, under a stacked chart. */
export function Legend({ series }: { series: { key: string; label: string }[] }) {
  return (
    <ul className="chart-legend">
      {series.map((s) => (
        <li key={s.key}>
          <span className={`swatch series-${s.key}`} aria-hidden="true" /> {s.label}
        </li>
      ))}
    </ul>
  );
}
