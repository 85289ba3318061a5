import { type FormEvent, useState } from "react";
import { type BillingStatement, type Cause, causeLabel, causes, type Exclusion, saveExclusions } from "../billing";
import { when } from "../format";
import { FieldIssue, type FormProblem, ProblemSummary, problemOf } from "../issues";
import { useSession } from "../session";

interface Row {
  allocation: string;
  keys: string;
  cause: Cause;
  reason: string;
}

const rowOf = (e: Exclusion): Row => ({
  allocation: e.allocation,
  keys: e.ticketKeys.join(", "),
  cause: e.cause,
  reason: e.reason,
});
const keysOf = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((k) => k.trim())
    .filter(Boolean);

/** The month's exclusions: breaches that do not count against an allocation, and why. */
export function Exclusions({
  statement,
  canEdit,
  onSaved,
}: {
  statement: BillingStatement;
  canEdit: boolean;
  onSaved: (statement: BillingStatement) => void;
}) {
  const session = useSession();
  const exclusions = statement.exclusions ?? [];
  const allocations = statement.credits?.allocations.map((a) => a.name) ?? [];
  const [rows, setRows] = useState<Row[] | null>(null);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!rows) return;
    setBusy(true);
    try {
      const saved = await saveExclusions(
        statement.clientId,
        statement.month,
        rows.map((r) => ({ allocation: r.allocation, ticketKeys: keysOf(r.keys), cause: r.cause, reason: r.reason })),
      );
      setRows(null);
      setProblem(null);
      onSaved(saved);
    } catch (reason) {
      setProblem(problemOf(reason));
    } finally {
      setBusy(false);
    }
  }

  const set = (i: number, next: Partial<Row>) => rows && setRows(rows.map((r, j) => (j === i ? { ...r, ...next } : r)));

  return (
    <section aria-label="Exclusions" data-testid="exclusions">
      <h2>Excluded breaches</h2>
      {exclusions.length === 0 ? (
        <p className="muted small">No breach is excluded.</p>
      ) : (
        <table className="tickets compact" data-testid="exclusion-list">
          <thead>
            <tr>
              <th>Allocation</th>
              <th>Tickets</th>
              <th>Cause</th>
              <th>Reason</th>
              <th>By</th>
            </tr>
          </thead>
          <tbody>
            {exclusions.map((e) => (
              <tr key={`${e.allocation}:${e.ticketKeys.join()}`} data-testid="exclusion">
                <td>
                  <bdi>{e.allocation}</bdi>
                </td>
                <td className="mono">{e.ticketKeys.join(", ")}</td>
                <td>{causeLabel[e.cause] ?? e.cause}</td>
                <td>{e.reason}</td>
                <td className="muted small">
                  <bdi>{session.users.find((u) => u.id === e.by)?.name ?? ""}</bdi> {e.at && when(e.at)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && !rows && (
        <button type="button" data-testid="exclusions-edit" onClick={() => setRows(exclusions.map(rowOf))}>
          Edit exclusions
        </button>
      )}
      {canEdit && rows && (
        <form className="panel-form" aria-label="Edit exclusions" onSubmit={submit} data-testid="exclusions-form">
          <ProblemSummary problem={problem} strip={0} />
          {rows.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are named by their index in the API's issues
            <div key={i} className="contract-fields" data-testid="exclusion-row">
              <label className="contract-field">
                <span>Allocation</span>
                <select value={row.allocation} onChange={(event) => set(i, { allocation: event.target.value })}>
                  {[...new Set([row.allocation, ...allocations])].filter(Boolean).map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </select>
                <FieldIssue problem={problem} at={["items", i, "allocation"]} />
              </label>
              <label className="contract-field">
                <span>Ticket keys</span>
                <input
                  value={row.keys}
                  placeholder="ACME-1042, ACME-1043"
                  data-testid="exclusion-keys"
                  onChange={(event) => set(i, { keys: event.target.value })}
                />
                <FieldIssue problem={problem} at={["items", i, "ticketKeys"]} deep />
              </label>
              <label className="contract-field">
                <span>Cause</span>
                <select value={row.cause} onChange={(event) => set(i, { cause: event.target.value as Cause })}>
                  {causes.map((c) => (
                    <option key={c} value={c}>
                      {causeLabel[c]}
                    </option>
                  ))}
                </select>
              </label>
              <label className="contract-field">
                <span>Reason</span>
                <input
                  value={row.reason}
                  maxLength={2000}
                  data-testid="exclusion-reason"
                  onChange={(event) => set(i, { reason: event.target.value })}
                />
                <FieldIssue problem={problem} at={["items", i, "reason"]} />
              </label>
              <button type="button" className="link-button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                Remove
              </button>
            </div>
          ))}
          <div className="actions gap">
            <button
              type="button"
              className="link-button"
              data-testid="exclusion-add"
              onClick={() =>
                setRows([...rows, { allocation: allocations[0] ?? "", keys: "", cause: "client_waiting", reason: "" }])
              }
            >
              Add exclusion
            </button>
            <span className="spacer" />
            <button type="button" className="link-button" onClick={() => setRows(null)}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy} data-testid="exclusions-save">
              Save exclusions
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
