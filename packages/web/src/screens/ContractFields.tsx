import { type ReactNode, useEffect, useState } from "react";
import { digitsOf } from "../billing";
import { FieldIssue, type FormProblem } from "../issues";

export type At = readonly (string | number)[];

/** What every field of the contract form is given: where it sits in the request, and what the API said. */
export interface FieldContext {
  problem: FormProblem | null;
  currency: string;
}

const parse = (text: string, nullable: boolean): number | null => {
  if (text.trim() === "") return nullable ? null : Number.NaN;
  return Number(text.replace(",", "."));
};
const same = (a: number | null, b: number | null) =>
  a === b || (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b));

/**
 * A number input that keeps what was typed: the text stays as entered (even "12." or "abc"), the
 * form gets its number (NaN when it is none, so the API names the field), and a value changed
 * from outside (another version copied in) replaces the text.
 */
export function NumberField({
  label,
  value,
  onChange,
  at,
  ctx,
  scale = 1,
  integer = false,
  nullable = false,
  placeholder,
  testId,
  hint,
}: {
  label: string;
  value: number | null;
  onChange: (value: number | null) => void;
  at: At;
  ctx: FieldContext;
  /** Minor units per shown unit (100 for dollars entered as 12.50). */
  scale?: number;
  /** Round to whole minor units. */
  integer?: boolean;
  nullable?: boolean;
  placeholder?: string;
  testId?: string;
  hint?: ReactNode;
}) {
  const shown = (v: number | null) =>
    v === null || Number.isNaN(v) ? "" : String(Math.round((v / scale) * 1e6) / 1e6);
  const [text, setText] = useState(() => shown(value));
  const toValue = (t: string) => {
    const n = parse(t, nullable);
    if (n === null || Number.isNaN(n)) return n;
    const scaled = n * scale;
    return integer ? Math.round(scaled) : Math.round(scaled * 1e6) / 1e6;
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a change from outside resets the text
  useEffect(() => {
    if (!same(toValue(text), value)) setText(shown(value));
  }, [value]);
  return (
    <label className="contract-field">
      <span>{label}</span>
      <input
        inputMode="decimal"
        value={text}
        placeholder={placeholder}
        data-testid={testId}
        data-path={at.join(".")}
        aria-invalid={ctx.problem?.issues.some((i) => i.path.join(".") === at.join(".")) || undefined}
        onChange={(event) => {
          setText(event.target.value);
          onChange(toValue(event.target.value));
        }}
      />
      {hint && <span className="muted small">{hint}</span>}
      <FieldIssue problem={ctx.problem} at={at} />
    </label>
  );
}

/** Money typed in the currency's units ("48000.00"), kept in minor units. */
export function MoneyField(props: Omit<Parameters<typeof NumberField>[0], "scale" | "integer"> & { rate?: boolean }) {
  const { rate, ...rest } = props;
  return (
    <NumberField
      {...rest}
      label={`${props.label} (${props.ctx.currency})`}
      scale={10 ** digitsOf(props.ctx.currency)}
      integer={!rate}
    />
  );
}

export function TextField({
  label,
  value,
  onChange,
  at,
  ctx,
  testId,
  maxLength = 120,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  at: At;
  ctx: FieldContext;
  testId?: string;
  maxLength?: number;
}) {
  return (
    <label className="contract-field">
      <span>{label}</span>
      <input
        value={value}
        maxLength={maxLength}
        data-testid={testId}
        data-path={at.join(".")}
        onChange={(event) => onChange(event.target.value)}
      />
      <FieldIssue problem={ctx.problem} at={at} />
    </label>
  );
}

export function SelectField<T extends string>({
  label,
  value,
  options,
  onChange,
  at,
  ctx,
  testId,
}: {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  at: At;
  ctx: FieldContext;
  testId?: string;
}) {
  return (
    <label className="contract-field">
      <span>{label}</span>
      <select
        value={value}
        data-testid={testId}
        data-path={at.join(".")}
        onChange={(event) => onChange(event.target.value as T)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldIssue problem={ctx.problem} at={at} />
    </label>
  );
}

/** Replaces item `index` of a list. */
export const replaceAt = <T,>(list: readonly T[], index: number, item: T): T[] =>
  list.map((old, i) => (i === index ? item : old));
export const removeAt = <T,>(list: readonly T[], index: number): T[] => list.filter((_, i) => i !== index);
