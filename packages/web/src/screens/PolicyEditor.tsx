import { isolate } from "../bidi";
import { priorities, statusLabel, types } from "../format";
import { FieldIssue, type FormProblem } from "../issues";
import {
  actionLabel,
  channels,
  type EscalationAction,
  escalationActions,
  type Metric,
  metricLabel,
  metrics,
  type Policy,
  span,
  type WaitingStatus,
  waitingStatuses,
} from "../sla";
import { normalizeTagsText } from "../tags";

/**
 * One SLA policy as the form holds it (numbers as typed, empty meaning "not measured"), the
 * conversions to and from the API's shape, and its editor card. The card's issue paths are the
 * API's: `["policies", index, …]`, so the index is the policy's place in the saved list.
 */

type Priority = (typeof priorities)[number];

export interface TargetDraft {
  on: boolean;
  calendarId: string | null;
  minutes: Record<Priority, string>;
}

export interface PolicyDraft {
  /** A stable React key while the policy is moved around. */
  row: string;
  id?: string;
  name: string;
  priorities: string[];
  types: string[];
  channels: string[];
  tags: string;
  targets: Record<Metric, TargetDraft>;
  pauses: Record<WaitingStatus, Metric[]>;
  warnings: string;
  escalation: { row: string; atPercent: string; action: EscalationAction }[];
}

const noMinutes = (): Record<Priority, string> => ({ low: "", normal: "", high: "", urgent: "" });
const rowId = () => crypto.randomUUID();

export function toDraft(policy: Policy, defaultCalendar: string | null): PolicyDraft {
  const targets = Object.fromEntries(
    metrics.map((metric) => {
      const target = policy.targets[metric];
      const minutes = noMinutes();
      for (const priority of priorities) {
        const value = target?.minutes[priority];
        if (value !== undefined) minutes[priority] = String(value);
      }
      return [metric, { on: target !== undefined, calendarId: target ? target.calendarId : defaultCalendar, minutes }];
    }),
  ) as Record<Metric, TargetDraft>;
  return {
    row: rowId(),
    id: policy.id,
    name: policy.name,
    priorities: policy.match.priorities ?? [],
    types: policy.match.types ?? [],
    channels: policy.match.channels ?? [],
    tags: (policy.match.tags ?? []).join(", "),
    targets,
    pauses: {
      pending: policy.pauses.pending ?? [...metrics],
      on_hold: policy.pauses.on_hold ?? ["first_reply", "next_reply", "periodic_update"],
    },
    warnings: policy.warnings.join(", "),
    escalation: policy.escalation.map((step) => ({
      row: rowId(),
      atPercent: String(step.atPercent),
      action: step.action,
    })),
  };
}

/** A new policy: the API's defaults for pauses, warnings and escalation, business-day targets. */
export function newPolicy(defaultCalendar: string | null): PolicyDraft {
  return toDraft(
    {
      name: "New policy",
      match: {},
      targets: {
        first_reply: { calendarId: defaultCalendar, minutes: { low: 480, normal: 240, high: 120, urgent: 60 } },
        resolution: { calendarId: defaultCalendar, minutes: { low: 4800, normal: 2400, high: 960, urgent: 480 } },
      },
      pauses: {},
      warnings: [75, 90],
      escalation: [
        { atPercent: 90, action: "notify_assignee" },
        { atPercent: 100, action: "raise_tier" },
        { atPercent: 150, action: "notify_admins" },
      ],
    },
    defaultCalendar,
  );
}

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((part) => part.trim())
    .filter(Boolean);
// Whatever was typed goes to the API, which names the field if it is not a number.
const number = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));

export function toPolicy(draft: PolicyDraft): Policy {
  const targets: Policy["targets"] = {};
  for (const metric of metrics) {
    const target = draft.targets[metric];
    if (!target.on) continue;
    const minutes: Partial<Record<Priority, number>> = {};
    for (const priority of priorities)
      if (target.minutes[priority].trim()) minutes[priority] = number(target.minutes[priority]);
    targets[metric] = { calendarId: target.calendarId, minutes };
  }
  const tags = list(draft.tags.toLowerCase());
  return {
    ...(draft.id ? { id: draft.id } : {}),
    name: draft.name,
    match: {
      ...(draft.priorities.length ? { priorities: draft.priorities } : {}),
      ...(draft.types.length ? { types: draft.types } : {}),
      ...(draft.channels.length ? { channels: draft.channels } : {}),
      ...(tags.length ? { tags } : {}),
    },
    targets,
    pauses: draft.pauses,
    warnings: list(draft.warnings).map(number),
    escalation: draft.escalation.map((step) => ({ atPercent: number(step.atPercent), action: step.action })),
  };
}

const toggle = <T,>(values: T[], value: T, on: boolean) =>
  on ? [...values.filter((v) => v !== value), value] : values.filter((v) => v !== value);

function Checks({
  label,
  values,
  selected,
  onChange,
  name,
}: {
  label: string;
  values: readonly string[];
  selected: string[];
  onChange: (next: string[]) => void;
  name?: (value: string) => string;
}) {
  return (
    <div className="check-group" data-testid={`match-${label.toLowerCase()}`}>
      <span className="label">{label}</span>
      <div className="checks">
        {values.map((value) => (
          <label key={value} className="inline">
            <input
              type="checkbox"
              value={value}
              checked={selected.includes(value)}
              onChange={(e) => onChange(toggle(selected, value, e.target.checked))}
            />
            {name ? name(value) : value}
          </label>
        ))}
      </div>
    </div>
  );
}

export function PolicyEditor({
  draft,
  index,
  count,
  calendars,
  problem,
  onChange,
  onMove,
  onRemove,
}: {
  draft: PolicyDraft;
  index: number;
  count: number;
  calendars: { id: string; name: string }[];
  problem: FormProblem | null;
  onChange: (next: PolicyDraft) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const at = (...rest: (string | number)[]) => ["policies", index, ...rest];
  const set = (patch: Partial<PolicyDraft>) => onChange({ ...draft, ...patch });
  const setTarget = (metric: Metric, patch: Partial<TargetDraft>) =>
    set({ targets: { ...draft.targets, [metric]: { ...draft.targets[metric], ...patch } } });
  const setStep = (row: string, patch: Partial<PolicyDraft["escalation"][number]>) =>
    set({ escalation: draft.escalation.map((step) => (step.row === row ? { ...step, ...patch } : step)) });

  return (
    <fieldset className="policy-card" data-testid="sla-policy" aria-label={`Policy ${index + 1}`}>
      <div className="inline-form">
        <span className="policy-rank">{index + 1}</span>
        <label className="grow">
          <span className="sr-only">Policy name</span>
          <input
            data-testid="policy-name"
            aria-label="Policy name"
            required
            maxLength={120}
            value={draft.name}
            onChange={(e) => set({ name: e.target.value })}
          />
        </label>
        <button
          type="button"
          data-testid="policy-up"
          aria-label="Move up"
          disabled={index === 0}
          onClick={() => onMove(-1)}
        >
          ↑
        </button>
        <button
          type="button"
          data-testid="policy-down"
          aria-label="Move down"
          disabled={index === count - 1}
          onClick={() => onMove(1)}
        >
          ↓
        </button>
        <button type="button" data-testid="policy-remove" onClick={onRemove}>
          Remove
        </button>
      </div>
      <FieldIssue problem={problem} at={at()} />
      <FieldIssue problem={problem} at={at("name")} />
      <FieldIssue problem={problem} at={at("id")} />

      <h3 className="flush">Applies to tickets with</h3>
      <p className="muted small">Every condition given must hold; leave a group empty to match any.</p>
      <div className="match-grid">
        <Checks
          label="Priority"
          values={priorities}
          selected={draft.priorities}
          onChange={(next) => set({ priorities: next })}
        />
        <Checks label="Type" values={types} selected={draft.types} onChange={(next) => set({ types: next })} />
        <Checks
          label="Channel"
          values={channels}
          selected={draft.channels}
          onChange={(next) => set({ channels: next })}
        />
        <label>
          Any of these tags
          <input
            data-testid="policy-tags"
            placeholder="e.g. vip, outage"
            value={draft.tags}
            onChange={(e) => set({ tags: normalizeTagsText(e.target.value) })}
          />
          <FieldIssue problem={problem} at={at("match", "tags")} deep />
        </label>
      </div>
      <FieldIssue problem={problem} at={at("match")} deep />

      <h3 className="flush">Targets</h3>
      <FieldIssue problem={problem} at={at("targets")} />
      <table className="tickets compact targets">
        <thead>
          <tr>
            <th>Metric</th>
            <th>Counts on</th>
            {priorities.map((priority) => (
              <th key={priority}>{priority} (min)</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {metrics.map((metric) => {
            const target = draft.targets[metric];
            return (
              <tr key={metric} data-testid={`target-${metric}`}>
                <td>
                  <label className="inline">
                    <input
                      type="checkbox"
                      data-testid="target-enabled"
                      checked={target.on}
                      onChange={(e) => setTarget(metric, { on: e.target.checked })}
                    />
                    {metricLabel[metric]}
                  </label>
                </td>
                <td>
                  <select
                    data-testid="target-calendar"
                    aria-label={`${metricLabel[metric]} calendar`}
                    disabled={!target.on}
                    value={target.calendarId ?? ""}
                    onChange={(e) => setTarget(metric, { calendarId: e.target.value || null })}
                  >
                    <option value="">calendar minutes (every minute counts)</option>
                    {calendars.map((calendar) => (
                      <option key={calendar.id} value={calendar.id}>
                        {isolate(calendar.name)}
                      </option>
                    ))}
                  </select>
                  <FieldIssue problem={problem} at={at("targets", metric, "calendarId")} />
                  <FieldIssue problem={problem} at={at("targets", metric, "minutes")} />
                  <FieldIssue problem={problem} at={at("targets", metric)} />
                </td>
                {priorities.map((priority) => {
                  const value = target.minutes[priority];
                  const minutes = Number(value);
                  return (
                    <td key={priority}>
                      <input
                        className="minutes"
                        inputMode="numeric"
                        data-testid={`target-minutes-${priority}`}
                        aria-label={`${metricLabel[metric]} ${priority} minutes`}
                        placeholder="—"
                        disabled={!target.on}
                        value={value}
                        onChange={(e) =>
                          setTarget(metric, { minutes: { ...target.minutes, [priority]: e.target.value } })
                        }
                      />
                      {target.on && value.trim() && Number.isInteger(minutes) && minutes > 0 && (
                        <span className="muted small"> {span(minutes)}</span>
                      )}
                      <FieldIssue problem={problem} at={at("targets", metric, "minutes", priority)} />
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted small">A priority left empty is not measured for that metric.</p>

      <h3 className="flush">Pauses</h3>
      {waitingStatuses.map((status) => (
        <Checks
          key={status}
          label={`While ${statusLabel[status]}, pause`}
          values={metrics}
          name={(metric) => metricLabel[metric] ?? metric}
          selected={draft.pauses[status]}
          onChange={(next) => set({ pauses: { ...draft.pauses, [status]: next as Metric[] } })}
        />
      ))}
      <FieldIssue problem={problem} at={at("pauses")} deep />

      <div className="grid-2">
        <label>
          Warnings at (% of a target)
          <input
            data-testid="policy-warnings"
            placeholder="75, 90"
            value={draft.warnings}
            onChange={(e) => set({ warnings: e.target.value })}
          />
          <FieldIssue problem={problem} at={at("warnings")} deep />
        </label>
        <div className="escalation" data-testid="policy-escalation">
          <span className="label">Escalation</span>
          {draft.escalation.map((step, stepIndex) => (
            <div key={step.row} className="inline-form" data-testid="escalation-step">
              at
              <input
                className="minutes"
                inputMode="numeric"
                aria-label="Escalate at percent"
                value={step.atPercent}
                onChange={(e) => setStep(step.row, { atPercent: e.target.value })}
              />
              % :
              <select
                aria-label="Escalation action"
                value={step.action}
                onChange={(e) => setStep(step.row, { action: e.target.value as EscalationAction })}
              >
                {escalationActions.map((action) => (
                  <option key={action} value={action}>
                    {actionLabel[action]}
                  </option>
                ))}
              </select>
              <button
                type="button"
                aria-label={`Remove escalation step ${stepIndex + 1}`}
                onClick={() => set({ escalation: draft.escalation.filter((s) => s.row !== step.row) })}
              >
                ×
              </button>
              <FieldIssue problem={problem} at={at("escalation", stepIndex)} deep />
            </div>
          ))}
          <FieldIssue problem={problem} at={at("escalation")} />
          <button
            type="button"
            className="link-button"
            onClick={() =>
              set({
                escalation: [...draft.escalation, { row: rowId(), atPercent: "", action: "notify_admins" }],
              })
            }
          >
            + step
          </button>
        </div>
      </div>
    </fieldset>
  );
}
