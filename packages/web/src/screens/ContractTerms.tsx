import type { ContractTerms, CreditAllocation, SlaCreditTerms } from "../billing";
import type { CalendarSummary } from "../calendars";
import { priorities } from "../format";
import { FieldIssue } from "../issues";
import { metricLabel, metrics } from "../sla";
import { type At, type FieldContext, NumberField, removeAt, replaceAt, SelectField, TextField } from "./ContractFields";

const newAllocation = (): CreditAllocation => ({
  name: "First reply",
  metric: "first_reply",
  targetPercent: 90,
  sharePercent: 100,
  tiers: [{ pointsBelow: 0, creditPercent: 50 }],
});
const newCredits = (): SlaCreditTerms => ({
  atRiskPercent: 10,
  capPercent: null,
  earnBack: false,
  volumeForecast: null,
  allocations: [newAllocation()],
});

const num = (n: number | null) => n ?? Number.NaN;

/** Rounding of time entries and after-hours multipliers on a business calendar. */
export function TimeTermsEditor({
  terms,
  calendars,
  onChange,
  ctx,
}: {
  terms: ContractTerms;
  calendars: CalendarSummary[];
  onChange: (terms: ContractTerms) => void;
  ctx: FieldContext;
}) {
  const m = terms.multipliers;
  const setM = (next: Partial<NonNullable<ContractTerms["multipliers"]>>) =>
    m && onChange({ ...terms, multipliers: { ...m, ...next } });
  return (
    <fieldset className="contract-section" data-testid="contract-time">
      <legend>Time: rounding and after-hours</legend>
      <div className="contract-fields">
        <NumberField
          label="Round each entry up to (minutes)"
          value={terms.rounding.incrementMinutes}
          at={["terms", "rounding", "incrementMinutes"]}
          ctx={ctx}
          testId="rounding-increment"
          onChange={(v) => onChange({ ...terms, rounding: { ...terms.rounding, incrementMinutes: num(v) } })}
        />
        <NumberField
          label="Each entry counts at least (minutes)"
          value={terms.rounding.minimumMinutes}
          at={["terms", "rounding", "minimumMinutes"]}
          ctx={ctx}
          onChange={(v) => onChange({ ...terms, rounding: { ...terms.rounding, minimumMinutes: num(v) } })}
        />
      </div>
      <label className="check">
        <input
          type="checkbox"
          data-testid="multipliers-on"
          checked={m !== null}
          disabled={m === null && calendars.length === 0}
          onChange={(event) =>
            onChange({
              ...terms,
              multipliers: event.target.checked
                ? { calendarId: calendars[0]?.id ?? "", afterHours: 1.5, weekend: 2, holiday: 2 }
                : null,
            })
          }
        />{" "}
        Time outside business hours costs more
        {calendars.length === 0 && <span className="muted small"> (add a calendar first)</span>}
      </label>
      {m && (
        <div className="contract-fields">
          <SelectField
            label="Business calendar"
            value={m.calendarId}
            options={[
              ...(calendars.some((c) => c.id === m.calendarId) ? [] : [{ value: m.calendarId, label: m.calendarId }]),
              ...calendars.map((c) => ({ value: c.id, label: c.name })),
            ]}
            at={["terms", "multipliers", "calendarId"]}
            ctx={ctx}
            testId="multipliers-calendar"
            onChange={(calendarId) => setM({ calendarId })}
          />
          {(["afterHours", "weekend", "holiday"] as const).map((band) => (
            <NumberField
              key={band}
              label={`× ${band === "afterHours" ? "after hours" : band}`}
              value={m[band]}
              at={["terms", "multipliers", band]}
              ctx={ctx}
              testId={`multiplier-${band}`}
              onChange={(v) => setM({ [band]: num(v) })}
            />
          ))}
        </div>
      )}
    </fieldset>
  );
}

/** SLA service credits: at risk, cap, earn-back, volume forecast and allocations with tiers. */
export function CreditTermsEditor({
  terms,
  onChange,
  ctx,
}: {
  terms: ContractTerms;
  onChange: (terms: ContractTerms) => void;
  ctx: FieldContext;
}) {
  const s = terms.slaCredits;
  const at = ["terms", "slaCredits"] as const;
  const set = (next: Partial<SlaCreditTerms>) => s && onChange({ ...terms, slaCredits: { ...s, ...next } });
  return (
    <fieldset className="contract-section" data-testid="contract-credits">
      <legend>SLA credits</legend>
      <label className="check">
        <input
          type="checkbox"
          data-testid="credits-on"
          checked={s !== null}
          onChange={(event) => onChange({ ...terms, slaCredits: event.target.checked ? newCredits() : null })}
        />{" "}
        Part of the monthly fee is at risk on SLA compliance
      </label>
      <FieldIssue problem={ctx.problem} at={at} />
      {s && (
        <>
          <div className="contract-fields">
            <NumberField
              label="At risk (% of the monthly fee)"
              value={s.atRiskPercent}
              at={[...at, "atRiskPercent"]}
              ctx={ctx}
              testId="credits-at-risk"
              onChange={(v) => set({ atRiskPercent: num(v) })}
            />
            <NumberField
              nullable
              label="Cap (% of the monthly fee)"
              placeholder="the at-risk amount"
              value={s.capPercent}
              at={[...at, "capPercent"]}
              ctx={ctx}
              onChange={(capPercent) => set({ capPercent })}
            />
            <label className="check">
              <input
                type="checkbox"
                checked={s.earnBack}
                data-testid="credits-earn-back"
                onChange={(event) => set({ earnBack: event.target.checked })}
              />{" "}
              Earn back a credit after three months on target
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={s.volumeForecast !== null}
                data-testid="credits-forecast-on"
                onChange={(event) =>
                  set({ volumeForecast: event.target.checked ? { ticketsCreated: 1000, tolerancePercent: 10 } : null })
                }
              />{" "}
              No credits above a volume forecast
            </label>
          </div>
          {s.volumeForecast && (
            <div className="contract-fields">
              <NumberField
                label="Forecast tickets created"
                value={s.volumeForecast.ticketsCreated}
                at={[...at, "volumeForecast", "ticketsCreated"]}
                ctx={ctx}
                onChange={(v) =>
                  s.volumeForecast && set({ volumeForecast: { ...s.volumeForecast, ticketsCreated: num(v) } })
                }
              />
              <NumberField
                label="Tolerance (%)"
                value={s.volumeForecast.tolerancePercent}
                at={[...at, "volumeForecast", "tolerancePercent"]}
                ctx={ctx}
                onChange={(v) =>
                  s.volumeForecast && set({ volumeForecast: { ...s.volumeForecast, tolerancePercent: num(v) } })
                }
              />
            </div>
          )}
          <FieldIssue problem={ctx.problem} at={[...at, "allocations"]} />
          {s.allocations.map((allocation, i) => (
            <AllocationEditor
              // biome-ignore lint/suspicious/noArrayIndexKey: allocations are named by their index in the API's issues
              key={i}
              allocation={allocation}
              at={[...at, "allocations", i]}
              ctx={ctx}
              onChange={(next) => set({ allocations: replaceAt(s.allocations, i, next) })}
              onRemove={s.allocations.length > 1 ? () => set({ allocations: removeAt(s.allocations, i) }) : undefined}
            />
          ))}
          <button
            type="button"
            className="link-button"
            data-testid="allocation-add"
            onClick={() => set({ allocations: [...s.allocations, { ...newAllocation(), sharePercent: 0 }] })}
          >
            Add allocation
          </button>
        </>
      )}
    </fieldset>
  );
}

function AllocationEditor({
  allocation: a,
  at,
  ctx,
  onChange,
  onRemove,
}: {
  allocation: CreditAllocation;
  at: At;
  ctx: FieldContext;
  onChange: (allocation: CreditAllocation) => void;
  onRemove?: () => void;
}) {
  return (
    <div className="contract-card" data-testid="allocation">
      <div className="contract-fields">
        <TextField
          label="Allocation"
          value={a.name}
          at={[...at, "name"]}
          ctx={ctx}
          onChange={(name) => onChange({ ...a, name })}
        />
        <SelectField
          label="Metric"
          value={a.metric}
          options={metrics.map((m) => ({ value: m, label: metricLabel[m] ?? m }))}
          at={[...at, "metric"]}
          ctx={ctx}
          onChange={(metric) => onChange({ ...a, metric })}
        />
        <SelectField<string>
          label="Priority"
          value={a.priority ?? ""}
          options={[{ value: "", label: "Every priority" }, ...priorities.map((p) => ({ value: p, label: p }))]}
          at={[...at, "priority"]}
          ctx={ctx}
          onChange={(priority) => onChange({ ...a, priority: priority || undefined })}
        />
        <NumberField
          label="Target (%)"
          value={a.targetPercent}
          at={[...at, "targetPercent"]}
          ctx={ctx}
          onChange={(v) => onChange({ ...a, targetPercent: num(v) })}
        />
        <NumberField
          label="Share of at risk (%)"
          value={a.sharePercent}
          at={[...at, "sharePercent"]}
          ctx={ctx}
          testId="allocation-share"
          onChange={(v) => onChange({ ...a, sharePercent: num(v) })}
        />
        {onRemove && (
          <button type="button" className="link-button" onClick={onRemove}>
            Remove allocation
          </button>
        )}
      </div>
      <FieldIssue problem={ctx.problem} at={[...at, "tiers"]} />
      {a.tiers.map((tier, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: tiers are named by their index
        <div key={i} className="contract-fields" data-testid="credit-tier">
          <NumberField
            label={`Tier ${i + 1}: points below target`}
            value={tier.pointsBelow}
            at={[...at, "tiers", i, "pointsBelow"]}
            ctx={ctx}
            hint={tier.pointsBelow === 0 ? "0: any miss" : undefined}
            onChange={(v) => onChange({ ...a, tiers: replaceAt(a.tiers, i, { ...tier, pointsBelow: num(v) }) })}
          />
          <NumberField
            label="Credits (% of the allocation)"
            value={tier.creditPercent}
            at={[...at, "tiers", i, "creditPercent"]}
            ctx={ctx}
            onChange={(v) => onChange({ ...a, tiers: replaceAt(a.tiers, i, { ...tier, creditPercent: num(v) }) })}
          />
          {a.tiers.length > 1 && (
            <button
              type="button"
              className="link-button"
              onClick={() => onChange({ ...a, tiers: removeAt(a.tiers, i) })}
            >
              Remove tier
            </button>
          )}
        </div>
      ))}
      <button
        type="button"
        className="link-button"
        onClick={() => {
          const last = a.tiers[a.tiers.length - 1];
          onChange({
            ...a,
            tiers: [
              ...a.tiers,
              {
                pointsBelow: (last?.pointsBelow ?? 0) + 5,
                creditPercent: Math.min(100, (last?.creditPercent ?? 0) + 25),
              },
            ],
          });
        }}
      >
        Add tier
      </button>
    </div>
  );
}
