import { useEffect, useRef, useState } from "react";
import {
  bandNames,
  type ContractTerms,
  channels,
  money,
  type Preview,
  previewContract,
  type UsageInput,
} from "../billing";
import { type FormProblem, problemOf } from "../issues";
import { monthLabel } from "../sla-report";
import { ErrorNote } from "../ui";
import { type FieldContext, NumberField } from "./ContractFields";

const DEBOUNCE_MS = 400;
const bandLabel = { business: "business", afterHours: "after hours", weekend: "weekend", holiday: "holiday" } as const;

/**
 * What the terms being edited would charge for a usage (the month's so far, editable): asked of
 * the API a moment after the last keystroke, the newest answer winning. A 400 goes up to the form,
 * which shows each issue at its field.
 */
export function ContractPreview({
  clientId,
  terms,
  usage,
  usageMonth,
  onUsage,
  onProblem,
  ctx,
}: {
  clientId: string;
  terms: ContractTerms;
  usage: UsageInput;
  usageMonth: string;
  onUsage: (usage: UsageInput) => void;
  onProblem: (problem: FormProblem | null) => void;
  ctx: FieldContext;
}) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const sequence = useRef(0);
  const body = JSON.stringify({ terms, usage });
  const report = useRef(onProblem);
  report.current = onProblem;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `body` stands for terms and usage
  useEffect(() => {
    const ticket = ++sequence.current;
    setBusy(true);
    const timer = setTimeout(() => {
      previewContract(clientId, terms, usage)
        .then((next) => {
          if (ticket !== sequence.current) return;
          setPreview(next);
          setFailed(null);
          report.current(null);
        })
        .catch((reason) => {
          if (ticket !== sequence.current) return;
          const problem = problemOf(reason);
          report.current(problem.issues.length ? problem : null);
          setFailed(problem.issues.length ? "Fix the fields marked in the form to see the price." : problem.message);
        })
        .finally(() => {
          if (ticket === sequence.current) setBusy(false);
        });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [clientId, body]);

  const currency = terms.currency;
  const count = (label: string, value: number, set: (n: number) => void, at: (string | number)[], testId?: string) => (
    <NumberField
      label={label}
      value={value}
      at={["usage", ...at]}
      ctx={ctx}
      testId={testId}
      onChange={(v) => set(v ?? Number.NaN)}
    />
  );

  return (
    <aside className="contract-preview" aria-label="Price preview" data-testid="contract-preview" aria-busy={busy}>
      <h2>Price preview</h2>
      <p className="muted small">
        Prefilled with {monthLabel(usageMonth)} so far; change any figure to try the terms. Nothing is saved.
      </p>
      <details className="preview-usage" data-testid="preview-usage">
        <summary>Usage priced</summary>
        <div className="contract-fields">
          {count(
            "Tickets created",
            usage.ticketsCreated,
            (n) => onUsage({ ...usage, ticketsCreated: n }),
            ["ticketsCreated"],
            "usage-created",
          )}
          {count(
            "Tickets solved",
            usage.ticketsSolved,
            (n) => onUsage({ ...usage, ticketsSolved: n }),
            ["ticketsSolved"],
            "usage-solved",
          )}
          {channels.map((channel) =>
            count(
              `Contacts: ${channel}`,
              usage.contacts[channel] ?? 0,
              (n) => onUsage({ ...usage, contacts: { ...usage.contacts, [channel]: n } }),
              ["contacts", channel],
            ),
          )}
          {(["billableMinutes", "handledMinutes"] as const).flatMap((kind) =>
            bandNames.map((band) =>
              count(
                `${kind === "billableMinutes" ? "Billable" : "Handled"} minutes, ${bandLabel[band]}`,
                usage[kind][band],
                (n) => onUsage({ ...usage, [kind]: { ...usage[kind], [band]: n } }),
                [kind, band],
                `usage-${kind}-${band}`,
              ),
            ),
          )}
        </div>
      </details>
      {failed && <ErrorNote>{failed}</ErrorNote>}
      {preview && (
        <div className={failed ? "stale" : undefined}>
          <table className="tickets compact preview-lines" data-testid="preview-lines">
            <thead>
              <tr>
                <th>Line</th>
                <th className="num">Qty</th>
                <th className="num">Unit price</th>
                <th className="num">Amount</th>
              </tr>
            </thead>
            <tbody>
              {preview.lines.map((line, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
                <tr key={i} data-testid="preview-line" data-amount={line.amount}>
                  <td>
                    <bdi>{line.description}</bdi>
                    <div className="muted small working">{line.working}</div>
                  </td>
                  <td className="num">
                    {line.quantity} {line.unit}
                  </td>
                  <td className="num">{money(line.unitPrice, currency, 2)}</td>
                  <td className="num">{money(line.amount, currency)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th colSpan={3}>Monthly fee (what SLA credits put at risk)</th>
                <td className="num" data-testid="preview-monthly-fee">
                  {money(preview.monthlyFee, currency)}
                </td>
              </tr>
              <tr>
                <th colSpan={3}>Charges before credits</th>
                <td className="num" data-testid="preview-charges" data-amount={preview.charges}>
                  <strong>{money(preview.charges, currency)}</strong>
                </td>
              </tr>
            </tfoot>
          </table>
          {Object.keys(preview.carryOut).length > 0 && (
            <p className="muted small">
              Rolls over:{" "}
              {Object.entries(preview.carryOut)
                .map(([index, units]) => `${terms.components[Number(index)]?.name ?? `component ${index}`}: ${units}`)
                .join(", ")}
            </p>
          )}
        </div>
      )}
    </aside>
  );
}
