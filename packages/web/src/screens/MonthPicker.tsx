import { addMonths, isMonth, monthLabel } from "../sla-report";

/** A month field with previous/next steps; months after `latest` cannot be chosen. */
export function MonthPicker({
  month,
  latest,
  onChange,
}: {
  month: string;
  latest: string;
  onChange: (month: string) => void;
}) {
  const next = addMonths(month, 1);
  return (
    <div className="month-picker">
      <button
        type="button"
        data-testid="sla-month-prev"
        aria-label={`Previous month: ${monthLabel(addMonths(month, -1))}`}
        onClick={() => onChange(addMonths(month, -1))}
      >
        ‹
      </button>
      <input
        type="month"
        aria-label="Month"
        data-testid="sla-month"
        value={month}
        max={latest}
        onChange={(event) => {
          const value = event.target.value;
          if (isMonth(value) && value <= latest) onChange(value);
        }}
      />
      <button
        type="button"
        data-testid="sla-month-next"
        aria-label={`Next month: ${monthLabel(next)}`}
        disabled={next > latest}
        onClick={() => onChange(next)}
      >
        ›
      </button>
    </div>
  );
}
