import { useEffect, useState } from "react";
import { ApiError } from "../api";
import {
  billingStatementLink,
  channels,
  contractLink,
  disputesLink,
  getBillingStatement,
  getUsage,
  hourAllowance,
  hours,
  listLocked,
  type Usage,
} from "../billing";
import { when } from "../format";
import { Link } from "../router";
import { useSession } from "../session";
import { addMonths, monthIn, monthLabel } from "../sla-report";
import { ErrorNote, NotFound, Spinner } from "../ui";
import { AllowanceBurnDown, UsageTrend } from "./BillingCharts";

const TREND_MONTHS = 6;

/** Today in a time zone, "2026-11-14". */
function dayIn(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

/**
 * /clients/:clientId/billing (provider admins and the client's admins): the month so far, usage
 * over the last months, the retainer's burn-down, and the months' statements.
 */
export function BillingPage({ clientId }: { clientId: string }) {
  const session = useSession();
  const client = session.clients.find((c) => c.id === clientId);
  const timeZone = client?.timeZone ?? "UTC";
  const now = monthIn(timeZone);
  const providerAdmin = session.me.actor.role === "provider_admin";
  const [months, setMonths] = useState<Usage[] | null>(null);
  const [allowance, setAllowance] = useState<{ name: string; available: number } | null>(null);
  const [locked, setLocked] = useState<{ month: string; lockedAt: string }[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the Retry button's way to run it again
  useEffect(() => {
    let live = true;
    const wanted = Array.from({ length: TREND_MONTHS }, (_, i) => addMonths(now, i - TREND_MONTHS + 1));
    setError(null);
    // One usage request per month: each is a bounded number of rollup reads on the server.
    Promise.all([Promise.all(wanted.map((m) => getUsage(clientId, m))), listLocked(clientId)])
      .then(([usage, periods]) => {
        if (!live) return;
        setMonths(usage);
        setLocked(periods.items);
      })
      .catch((reason) => {
        if (!live) return;
        if (reason instanceof ApiError && reason.status === 404) setMissing(true);
        else setError(reason instanceof ApiError ? reason.detail : "Could not load the billing");
      });
    // The month's statement says whether its contract has an hours retainer (and how many hours it makes available).
    getBillingStatement(clientId, now)
      .then((s) => live && setAllowance(hourAllowance(s)))
      .catch(() => live && setAllowance(null));
    return () => {
      live = false;
    };
  }, [clientId, now, attempt]);

  if (missing) return <NotFound />;
  const current = months?.[months.length - 1];
  const statementMonths = [
    ...new Set([
      ...Array.from({ length: TREND_MONTHS }, (_, i) => addMonths(now, -i)),
      ...(locked ?? []).map((l) => l.month),
    ]),
  ].sort((a, b) => b.localeCompare(a));

  return (
    <section className="admin billing-page" aria-label="Billing" data-testid="billing-page">
      <div className="inline-form">
        <h1 data-testid="billing-title">
          <bdi>{client?.name ?? clientId}</bdi> · Billing
        </h1>
        <span className="spacer" />
        {providerAdmin && (
          <>
            <Link to={contractLink(clientId)} className="button" data-testid="contract-link">
              Contract
            </Link>
            <Link to={disputesLink} className="button">
              Disputes
            </Link>
          </>
        )}
      </div>
      {error && <ErrorNote onRetry={() => setAttempt((n) => n + 1)}>{error}</ErrorNote>}
      {!months || !current ? (
        !error && <Spinner label="Loading usage…" />
      ) : (
        <>
          <MonthToDate usage={current} />
          <UsageTrend months={months} />
          {allowance && (
            <section aria-label="Retainer burn-down">
              <h2>Retainer, {monthLabel(now)}</h2>
              <AllowanceBurnDown
                usage={current}
                available={allowance.available}
                name={allowance.name}
                today={dayIn(timeZone)}
              />
            </section>
          )}
        </>
      )}
      <section aria-label="Statements" data-testid="billing-statements">
        <h2>Statements</h2>
        <p className="muted small">
          A month is open while it runs, provisional once it is over (re-rated on every read), and locked once a
          provider admin locks it: a locked statement never changes.
        </p>
        {!locked ? (
          !error && <Spinner />
        ) : (
          <ul className="statement-list" data-testid="billing-statement-list">
            {statementMonths.map((month) => {
              const lock = locked.find((l) => l.month === month);
              const status = lock ? "locked" : month === now ? "open" : "provisional";
              return (
                <li key={month} data-testid="billing-statement-item" data-month={month} data-status={status}>
                  <Link to={billingStatementLink(clientId, month)} data-testid="billing-statement-link">
                    {monthLabel(month)}
                  </Link>{" "}
                  <span className={`badge billing-${status}`}>{status}</span>{" "}
                  {lock && <span className="muted small">locked {when(lock.lockedAt)}</span>}
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </section>
  );
}

function MonthToDate({ usage }: { usage: Usage }) {
  const t = usage.totals;
  const contacts = channels.filter((c) => (t.contacts[c] ?? 0) > 0);
  return (
    <section aria-label="Month to date" data-testid="usage-month">
      <h2>
        {monthLabel(usage.month)} {usage.monthToDate ? "so far" : ""}
      </h2>
      <dl className="usage-figures">
        <div>
          <dt>Tickets created</dt>
          <dd data-testid="usage-created">{t.ticketsCreated}</dd>
        </div>
        <div>
          <dt>Tickets solved</dt>
          <dd data-testid="usage-solved">{t.ticketsSolved}</dd>
        </div>
        <div>
          <dt>Reopened</dt>
          <dd>{t.ticketsReopened}</dd>
        </div>
        <div>
          <dt>Contacts</dt>
          <dd data-testid="usage-contacts">
            {contacts.reduce((sum, c) => sum + (t.contacts[c] ?? 0), 0)}
            {contacts.length > 0 && (
              <span className="muted small"> ({contacts.map((c) => `${c} ${t.contacts[c]}`).join(", ")})</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Billable hours</dt>
          <dd data-testid="usage-billable">{hours(t.billableMinutes)}</dd>
        </div>
        <div>
          <dt>Handled hours</dt>
          <dd>{hours(t.handledMinutes)}</dd>
        </div>
      </dl>
      <p className="muted small">
        Days in <bdi>{usage.timeZone}</bdi>; hours are approved time entries after the contract's rounding.
      </p>
    </section>
  );
}
