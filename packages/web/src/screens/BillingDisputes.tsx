import { type FormEvent, useCallback, useEffect, useState } from "react";
import { ApiError } from "../api";
import { billingStatementLink, type Dispute, listAllDisputes, money, openDispute, resolveDispute } from "../billing";
import { when } from "../format";
import { FieldIssue, type FormProblem, ProblemSummary, problemOf } from "../issues";
import { Link } from "../router";
import { monthLabel } from "../sla-report";
import { ErrorNote, Spinner } from "../ui";

/** A client admin's (or provider admin's) dispute of one line of a locked statement. */
export function DisputeForm({
  clientId,
  month,
  line,
  onOpened,
  onCancel,
}: {
  clientId: string;
  month: string;
  line: number;
  onOpened: (dispute: Dispute) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      onOpened(await openDispute(clientId, month, line, reason));
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form
      className="panel-form dispute-form"
      aria-label="Dispute this line"
      onSubmit={submit}
      data-testid="dispute-form"
    >
      <label>
        Why do you dispute this line?
        <textarea
          required
          maxLength={2000}
          rows={3}
          value={reason}
          data-testid="dispute-reason"
          onChange={(event) => setReason(event.target.value)}
        />
        <FieldIssue problem={problem} at={["reason"]} />
        <FieldIssue problem={problem} at={["line"]} />
      </label>
      {problem && problem.issues.length === 0 && <ProblemSummary problem={problem} />}
      <div className="actions gap">
        <button type="button" className="link-button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy || !reason.trim()} data-testid="dispute-submit">
          Send dispute
        </button>
      </div>
    </form>
  );
}

/** Provider admins: settle an open dispute with an outcome and a note the client admin reads. */
export function ResolveForm({ dispute, onResolved }: { dispute: Dispute; onResolved: (dispute: Dispute) => void }) {
  const [outcome, setOutcome] = useState<"upheld" | "rejected">("upheld");
  const [note, setNote] = useState("");
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      onResolved(await resolveDispute(dispute.clientId, dispute.month, dispute.disputeId, outcome, note));
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form
      className="inline-form resolve-form"
      aria-label="Resolve dispute"
      onSubmit={submit}
      data-testid="resolve-form"
    >
      <select
        aria-label="Outcome"
        value={outcome}
        data-testid="resolve-outcome"
        onChange={(event) => setOutcome(event.target.value as "upheld" | "rejected")}
      >
        <option value="upheld">Upheld (the client is right)</option>
        <option value="rejected">Rejected (the line stands)</option>
      </select>
      <input
        aria-label="Note to the client"
        placeholder="Note to the client"
        maxLength={2000}
        value={note}
        data-testid="resolve-note"
        onChange={(event) => setNote(event.target.value)}
      />
      <button type="submit" className="primary" disabled={busy || !note.trim()} data-testid="resolve-submit">
        Resolve
      </button>
      <FieldIssue problem={problem} at={["note"]} />
      {problem && problem.issues.length === 0 && (
        <span className="field-issue" role="alert">
          {problem.message}
        </span>
      )}
    </form>
  );
}

/** Disputes as a list: what was disputed, why, and how it was settled. */
export function DisputeList({
  disputes,
  canResolve,
  showClient = false,
  onResolved,
}: {
  disputes: Dispute[];
  canResolve: boolean;
  showClient?: boolean;
  onResolved: (dispute: Dispute) => void;
}) {
  if (disputes.length === 0) return <p className="muted small">No disputes.</p>;
  return (
    <ul className="dispute-list" data-testid="dispute-list">
      {disputes.map((d) => (
        <li key={d.disputeId} className="dispute" data-testid="dispute" data-status={d.status} data-line={d.line.index}>
          <div>
            {showClient && (
              <>
                <Link to={billingStatementLink(d.clientId, d.month)}>
                  <bdi>{d.clientName ?? d.clientId}</bdi>, {monthLabel(d.month)}
                </Link>
                {" · "}
              </>
            )}
            <strong>
              <bdi>{d.line.description}</bdi>
            </strong>{" "}
            ({money(d.line.amount, d.line.currency)}) <span className={`badge dispute-${d.status}`}>{d.status}</span>
          </div>
          <p className="dispute-reason" data-testid="dispute-text">
            {d.reason}
          </p>
          <p className="muted small">
            Opened by <bdi>{d.openedByName}</bdi>, {when(d.openedAt)}
          </p>
          {d.resolution && (
            <p data-testid="dispute-resolution" data-outcome={d.resolution.outcome}>
              <strong>{d.resolution.outcome === "upheld" ? "Upheld" : "Rejected"}</strong> by{" "}
              <bdi>{d.resolution.byName}</bdi>, {when(d.resolution.at)}: {d.resolution.note}
            </p>
          )}
          {canResolve && d.status === "open" && <ResolveForm dispute={d} onResolved={onResolved} />}
        </li>
      ))}
    </ul>
  );
}

/** /billing/disputes (provider admins): every client's disputes, open or resolved, newest first. */
export function BillingDisputesPage({ status }: { status: string | null }) {
  const shown = status === "resolved" ? "resolved" : "open";
  const [items, setItems] = useState<Dispute[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setItems((await listAllDisputes(shown)).items);
      setError(null);
    } catch (reason) {
      setError(reason instanceof ApiError ? reason.detail : "Could not load the disputes");
    }
  }, [shown]);
  useEffect(() => {
    setItems(null);
    void load();
  }, [load]);
  return (
    <section className="admin" aria-label="Billing disputes" data-testid="billing-disputes">
      <h1>Billing disputes</h1>
      <nav className="inline-form" aria-label="Dispute status">
        <Link
          to="/billing/disputes"
          className={`button${shown === "open" ? " primary" : ""}`}
          data-testid="disputes-open"
        >
          Open
        </Link>
        <Link
          to="/billing/disputes?status=resolved"
          className={`button${shown === "resolved" ? " primary" : ""}`}
          data-testid="disputes-resolved"
        >
          Resolved
        </Link>
      </nav>
      {error && <ErrorNote onRetry={() => void load()}>{error}</ErrorNote>}
      {!items ? (
        !error && <Spinner />
      ) : (
        <DisputeList disputes={items} canResolve showClient onResolved={() => void load()} />
      )}
    </section>
  );
}
