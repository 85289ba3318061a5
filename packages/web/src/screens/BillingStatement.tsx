import { Fragment, useCallback, useEffect, useState } from "react";
import { ApiError, issuesAt } from "../api";
import {
  type BillingStatement,
  billingLink,
  type Dispute,
  downloadBillingCsv,
  downloadInvoice,
  getBillingStatement,
  listDisputes,
  lockMonth,
  money,
  statusLabel,
} from "../billing";
import { when } from "../format";
import { Link } from "../router";
import { useSession } from "../session";
import { monthLabel } from "../sla-report";
import { ErrorNote, NotFound, Spinner } from "../ui";
import { DisputeForm, DisputeList } from "./BillingDisputes";
import { DrillDown } from "./BillingDrill";
import { Exclusions } from "./BillingExclusions";

const message = (reason: unknown, fallback: string) => (reason instanceof ApiError ? reason.detail : fallback);

/**
 * /clients/:clientId/billing/statements/:month (provider admins and the client's admins, the same
 * numbers): status, contract version, every line with its working, credits, earn-backs, totals;
 * the drill-down behind each line, exclusions, disputes, downloads and (provider admins) the lock.
 */
export function BillingStatementPage({ clientId, month }: { clientId: string; month: string }) {
  const session = useSession();
  const providerAdmin = session.me.actor.role === "provider_admin";
  const [statement, setStatement] = useState<BillingStatement | null>(null);
  const [disputes, setDisputes] = useState<Dispute[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const [drill, setDrill] = useState<number | null>(null);
  const [disputing, setDisputing] = useState<number | null>(null);
  const [download, setDownload] = useState<{ saved?: string; error?: string } | null>(null);

  const loadDisputes = useCallback(async () => {
    try {
      setDisputes((await listDisputes(clientId, month)).items);
    } catch {
      setDisputes([]);
    }
  }, [clientId, month]);
  const load = useCallback(async () => {
    try {
      const read = await getBillingStatement(clientId, month);
      setStatement(read);
      setError(null);
      if (read.status === "locked") void loadDisputes();
    } catch (reason) {
      if (reason instanceof ApiError && reason.status === 404) setMissing(true);
      else setError(message(reason, "Could not load the statement"));
    }
  }, [clientId, month, loadDisputes]);
  useEffect(() => {
    void load();
  }, [load]);

  async function save(run: () => Promise<string>) {
    setDownload(null);
    try {
      setDownload({ saved: await run() });
    } catch (reason) {
      setDownload({ error: message(reason, "The download could not start") });
    }
  }

  if (missing) return <NotFound />;
  if (error)
    return (
      <section className="admin" data-testid="billing-statement-error">
        <Link to={billingLink(clientId)} className="small">
          ← Billing
        </Link>
        <ErrorNote onRetry={() => void load()}>{error}</ErrorNote>
      </section>
    );
  if (!statement) return <Spinner label="Loading statement…" />;
  const s = statement;
  const c = s.currency;
  const locked = s.status === "locked";
  // Client admins' sessions list their own team only: a provider's user goes unnamed.
  const lockedBy = session.users.find((u) => u.id === s.lockedBy)?.name;
  const openOn = new Set(disputes.filter((d) => d.status === "open").map((d) => d.line.index));

  return (
    <section
      className="admin billing-statement"
      aria-label="Billing statement"
      data-testid="billing-statement"
      data-status={s.status}
    >
      <Link to={billingLink(clientId)} className="small">
        ← Billing
      </Link>
      <div className="inline-form">
        <h1 data-testid="billing-statement-title">
          <bdi>{s.clientName}</bdi> · Billing, {monthLabel(s.month)}
        </h1>
        <span className={`badge billing-${s.status}`} data-testid="billing-status">
          {statusLabel[s.status]}
        </span>
        <span className="spacer" />
        <button
          type="button"
          data-testid="billing-csv"
          onClick={() => void save(() => downloadBillingCsv(clientId, month))}
        >
          Download CSV
        </button>
        {providerAdmin && locked && (
          <>
            <button
              type="button"
              data-testid="invoice-xero"
              onClick={() => void save(() => downloadInvoice(clientId, month, "xero"))}
            >
              Xero invoice
            </button>
            <button
              type="button"
              data-testid="invoice-quickbooks"
              onClick={() => void save(() => downloadInvoice(clientId, month, "quickbooks"))}
            >
              QuickBooks invoice
            </button>
          </>
        )}
      </div>
      {download?.error && <ErrorNote>{download.error}</ErrorNote>}
      {download?.saved && (
        <p className="muted small" role="status" data-testid="billing-saved">
          Saved as {download.saved}.
        </p>
      )}
      <p className="muted" data-testid="billing-meta">
        Contract version {s.contract.number} (<bdi>{s.contract.name}</bdi>, from {monthLabel(s.contract.effectiveFrom)}
        ), in {c}; days in <bdi>{s.timeZone}</bdi>.{" "}
        {locked && s.lockedAt ? (
          <>
            Locked {when(s.lockedAt)}
            {lockedBy && (
              <>
                {" "}
                by <bdi>{lockedBy}</bdi>
              </>
            )}
            ; it never changes.
          </>
        ) : s.status === "open" ? (
          "The month is not over: figures so far."
        ) : (
          "Re-rated on every read until it is locked."
        )}
      </p>
      {providerAdmin && !locked && <LockMonth clientId={clientId} month={month} onLocked={setStatement} />}

      <h2>Lines</h2>
      <table className="tickets compact billing-lines" data-testid="billing-lines">
        <thead>
          <tr>
            <th>Line</th>
            <th className="num">Quantity</th>
            <th>Unit</th>
            <th className="num">Unit price</th>
            <th className="num">Amount</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {s.lines.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a line is named by its index (disputes use it)
            <Fragment key={i}>
              <tr data-testid="billing-line" data-index={i} data-kind={line.kind} data-amount={line.amount}>
                <td>
                  <bdi>{line.description}</bdi>
                  <div className="muted small working" data-testid="line-working">
                    {line.working}
                  </div>
                </td>
                <td className="num">{line.quantity}</td>
                <td>{line.unit}</td>
                <td className="num">{money(line.unitPrice, c, 2)}</td>
                <td className="num">{money(line.amount, c)}</td>
                <td className="line-actions">
                  {line.drill && (
                    <button
                      type="button"
                      className="link-button"
                      aria-expanded={drill === i}
                      data-testid="line-drill"
                      onClick={() => setDrill(drill === i ? null : i)}
                    >
                      {drill === i ? "Hide" : "What's behind it"}
                    </button>
                  )}
                  {locked && !providerAdmin && !openOn.has(i) && (
                    <button
                      type="button"
                      className="link-button"
                      data-testid="line-dispute"
                      onClick={() => setDisputing(i)}
                    >
                      Dispute
                    </button>
                  )}
                  {openOn.has(i) && <span className="badge dispute-open">disputed</span>}
                </td>
              </tr>
              {drill === i && line.drill && (
                <tr>
                  <td colSpan={6}>
                    <DrillDown clientId={clientId} month={month} of={line.drill} />
                  </td>
                </tr>
              )}
              {disputing === i && (
                <tr>
                  <td colSpan={6}>
                    <DisputeForm
                      clientId={clientId}
                      month={month}
                      line={i}
                      onCancel={() => setDisputing(null)}
                      onOpened={(d) => {
                        setDisputing(null);
                        setDisputes([d, ...disputes]);
                      }}
                    />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>

      <Credits statement={s} />
      {(s.credits || (s.exclusions ?? []).length > 0) && (
        <Exclusions statement={s} canEdit={providerAdmin && !locked} onSaved={setStatement} />
      )}

      <h2>Totals</h2>
      <table className="tickets compact billing-totals" data-testid="billing-totals">
        <tbody>
          <tr>
            <th>Charges</th>
            <td className="num" data-testid="total-charges" data-amount={s.totals.charges}>
              {money(s.totals.charges, c)}
            </td>
          </tr>
          <tr>
            <th>SLA credits</th>
            <td className="num" data-testid="total-credits" data-amount={s.totals.credits}>
              {money(s.totals.credits, c)}
            </td>
          </tr>
          <tr>
            <th>Credits earned back</th>
            <td className="num" data-testid="total-earn-back" data-amount={s.totals.earnBack}>
              {money(s.totals.earnBack, c)}
            </td>
          </tr>
          <tr>
            <th>Total</th>
            <td className="num" data-testid="total" data-amount={s.totals.total}>
              <strong>{money(s.totals.total, c)}</strong>
            </td>
          </tr>
        </tbody>
      </table>

      {locked && (
        <section aria-label="Disputes" data-testid="statement-disputes">
          <h2>Disputes</h2>
          {!providerAdmin && (
            <p className="muted small">Dispute a line you disagree with; your provider answers here.</p>
          )}
          <DisputeList
            disputes={disputes}
            canResolve={providerAdmin}
            onResolved={(d) => setDisputes(disputes.map((old) => (old.disputeId === d.disputeId ? d : old)))}
          />
        </section>
      )}
    </section>
  );
}

function Credits({ statement: s }: { statement: BillingStatement }) {
  const c = s.currency;
  if (!s.credits)
    return s.creditNote ? (
      <p className="notice" data-testid="credit-note">
        {s.creditNote}
      </p>
    ) : null;
  const k = s.credits;
  return (
    <section aria-label="SLA credits" data-testid="billing-credits">
      <h2>SLA credits</h2>
      <p className="muted small">
        At risk: {k.atRiskPercent}% of the monthly fee {money(k.monthlyFee, c)} = {money(k.atRisk, c)}; at most{" "}
        {money(k.cap, c)} a month{k.capped ? " (the cap applied)" : ""}.
      </p>
      {k.waived && (
        <p className="notice" data-testid="credits-waived">
          {k.waived}
        </p>
      )}
      <table className="tickets compact" data-testid="credit-allocations">
        <thead>
          <tr>
            <th>Allocation</th>
            <th className="num">Target</th>
            <th className="num">Compliance</th>
            <th className="num">Excluded</th>
            <th className="num">Credit</th>
          </tr>
        </thead>
        <tbody>
          {k.allocations.map((a) => (
            <tr key={a.name} data-testid="credit-allocation" data-credit={a.credit} data-excluded={a.excluded}>
              <td>
                <bdi>{a.name}</bdi>
                <div className="muted small working">{a.working}</div>
              </td>
              <td className="num">{a.targetPercent}%</td>
              <td className="num">{a.compliance === null ? "—" : `${a.compliance}%`}</td>
              <td className="num">{a.excluded}</td>
              <td className="num">{money(a.credit ? -a.credit : 0, c)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {s.earnBacks.length > 0 && (
        <>
          <h3>Earned back</h3>
          <ul className="plain-list" data-testid="earn-backs">
            {s.earnBacks.map((b) => (
              <li key={`${b.name}:${b.month}`}>
                <bdi>{b.name}</bdi> ({monthLabel(b.month)}): {money(b.amount, c)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** Provider admins: lock the month once, after saying what that means. */
function LockMonth({
  clientId,
  month,
  onLocked,
}: {
  clientId: string;
  month: string;
  onLocked: (statement: BillingStatement) => void;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ status: number; text: string } | null>(null);
  async function lock() {
    setBusy(true);
    setProblem(null);
    try {
      onLocked(await lockMonth(clientId, month));
      setAsking(false);
    } catch (reason) {
      const atMonth = issuesAt(reason, "month");
      setProblem({
        status: reason instanceof ApiError ? reason.status : 0,
        text: atMonth || message(reason, "Could not lock the month"),
      });
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="inline-form lock-form" data-testid="lock-form">
      {!asking ? (
        <button type="button" className="primary" data-testid="lock-month" onClick={() => setAsking(true)}>
          Lock month
        </button>
      ) : (
        <>
          <span role="alert" data-testid="lock-confirm-text">
            Lock {monthLabel(month)}? The statement is stored as it is now and never changes: no time or contract
            version can go into the month after.
          </span>
          <button
            type="button"
            className="primary"
            disabled={busy}
            data-testid="lock-confirm"
            onClick={() => void lock()}
          >
            Lock {monthLabel(month)}
          </button>
          <button type="button" className="link-button" onClick={() => setAsking(false)}>
            Cancel
          </button>
        </>
      )}
      {problem && (
        <span className="field-issue" role="alert" data-testid="lock-problem" data-status={problem.status}>
          {problem.text}
        </span>
      )}
    </div>
  );
}
