import { useEffect, useState } from "react";
import { ApiError } from "../api";
import { isolate } from "../bidi";
import { when } from "../format";
import { isId, ticketLink } from "../paths";
import { Link, navigate } from "../router";
import { useSession } from "../session";
import {
  addDays,
  approveEntry,
  billableOf,
  dayLabel,
  entryStatusLabel,
  getTimesheet,
  hoursMinutes,
  isDate,
  localDate,
  mondayOf,
  type TimeEntry,
  type Timesheet,
  timesheetLink,
  workTypeLabel,
} from "../time";
import { Empty, ErrorNote, Spinner } from "../ui";
import { inWords } from "./TimeEntries";

interface Row {
  key: string;
  clientId: string;
  /** null: the client's total row. */
  ticket: { id: string; key: string } | null;
  byDay: Record<string, number>;
  billableByDay: Record<string, number>;
}

const sum = (values: Iterable<number>) => [...values].reduce((total, value) => total + value, 0);

/** Rows per client (its total) and under it one per ticket, each with minutes per day. */
function rowsOf(sheet: Timesheet): Row[] {
  const rows: Row[] = [];
  const clients = [...new Set(sheet.items.map((e) => e.clientId))];
  for (const clientId of clients) {
    const entries = sheet.items.filter((e) => e.clientId === clientId);
    const add = (row: Row, entry: TimeEntry) => {
      row.byDay[entry.date] = (row.byDay[entry.date] ?? 0) + entry.minutes;
      row.billableByDay[entry.date] = (row.billableByDay[entry.date] ?? 0) + billableOf(entry);
    };
    const total: Row = { key: clientId, clientId, ticket: null, byDay: {}, billableByDay: {} };
    const tickets = new Map<string, Row>();
    for (const entry of entries) {
      add(total, entry);
      let row = tickets.get(entry.ticketId);
      if (!row) {
        row = {
          key: `${clientId}/${entry.ticketId}`,
          clientId,
          ticket: { id: entry.ticketId, key: entry.ticketKey },
          byDay: {},
          billableByDay: {},
        };
        tickets.set(entry.ticketId, row);
      }
      add(row, entry);
    }
    rows.push(total, ...[...tickets.values()].sort((a, b) => (a.ticket?.key ?? "").localeCompare(b.ticket?.key ?? "")));
  }
  return rows;
}

/**
 * /timesheet?week=<Monday>&agent=: an agent's week across every client they serve, by client and
 * ticket and day. Agents read their own; provider admins pick anyone and approve drafts here.
 * Days are each client's own (an entry's date in the client's time zone), as billing counts them.
 */
export function TimesheetPage({ week, agent }: { week: string | null; agent: string | null }) {
  const session = useSession();
  const providerAdmin = session.me.actor.role === "provider_admin";
  const me = session.me.user?.id ?? session.me.actor.id;
  const agentId = providerAdmin && isId("user", agent ?? undefined) ? (agent as string) : me;
  const monday = mondayOf(isDate(week) ? week : localDate());
  const days = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
  const [sheet, setSheet] = useState<Timesheet | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` reloads (Retry, after approving)
  useEffect(() => {
    let live = true;
    setError(null);
    getTimesheet(agentId, monday)
      .then((next) => {
        if (live) setSheet(next);
      })
      .catch((reason) => {
        if (live)
          setError(reason instanceof ApiError ? inWords(reason, reason.detail) : "Could not load the timesheet");
      });
    return () => {
      live = false;
    };
  }, [agentId, monday, attempt]);

  const go = (next: { week?: string; agent?: string }) =>
    navigate(timesheetLink({ week: next.week ?? monday, agent: providerAdmin ? (next.agent ?? agentId) : undefined }));
  const people = session.users.filter(
    (user) => user.status === "active" && (user.role === "agent" || user.role === "provider_admin"),
  );
  const current = sheet && sheet.week === monday && sheet.agentId === agentId ? sheet : null;
  const rows = current ? rowsOf(current) : [];
  const drafts = current?.items.filter((e) => e.status === "draft") ?? [];
  const clientRows = rows.filter((row) => row.ticket === null);

  async function approve(entries: TimeEntry[]) {
    setBusy(true);
    setProblem(null);
    const failed: string[] = [];
    for (const entry of entries) {
      try {
        await approveEntry(entry);
      } catch (reason) {
        failed.push(`${entry.ticketKey} (${entry.date}): ${inWords(reason, "could not be approved")}`);
      }
    }
    if (failed.length) setProblem(failed.join("\n"));
    setBusy(false);
    setAttempt((n) => n + 1);
  }

  return (
    <section className="admin timesheet" aria-label="Timesheet" data-testid="timesheet">
      <div className="inline-form">
        <h1>Timesheet</h1>
        {providerAdmin && (
          <select
            aria-label="Agent"
            data-testid="timesheet-agent"
            value={agentId}
            onChange={(e) => go({ agent: e.target.value })}
          >
            {people.map((user) => (
              <option key={user.id} value={user.id}>
                {isolate(user.name)}
              </option>
            ))}
          </select>
        )}
        <span className="spacer" />
        <div className="month-picker">
          <Link
            to={timesheetLink({ week: addDays(monday, -7), agent: providerAdmin ? agentId : undefined })}
            className="button"
            data-testid="timesheet-prev"
            aria-label="Previous week"
          >
            ‹
          </Link>
          <input
            type="date"
            aria-label="Week of"
            data-testid="timesheet-week"
            value={monday}
            onChange={(e) => {
              if (isDate(e.target.value)) go({ week: mondayOf(e.target.value) });
            }}
          />
          <Link
            to={timesheetLink({ week: addDays(monday, 7), agent: providerAdmin ? agentId : undefined })}
            className="button"
            data-testid="timesheet-next"
            aria-label="Next week"
          >
            ›
          </Link>
        </div>
      </div>
      <p className="muted small">
        Week of {dayLabel(monday)} for <bdi>{session.userName(agentId)}</bdi>. Days are each client's own; billable
        minutes of drafts are shown unrounded until approval.
      </p>
      {error && <ErrorNote onRetry={() => setAttempt((n) => n + 1)}>{error}</ErrorNote>}
      {!current ? (
        !error && <Spinner label="Loading the timesheet…" />
      ) : current.items.length === 0 ? (
        <Empty title="No time this week">Time logged on tickets shows here.</Empty>
      ) : (
        <>
          <table className="tickets compact timesheet-grid" data-testid="timesheet-grid" data-week={current.week}>
            <thead>
              <tr>
                <th>Client / ticket</th>
                {days.map((day) => (
                  <th key={day} className="num timesheet-day" data-date={day}>
                    {dayLabel(day)}
                  </th>
                ))}
                <th className="num">Worked</th>
                <th className="num">Billable</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr
                  key={row.key}
                  className={row.ticket ? "priority-row" : "metric-row"}
                  data-testid={row.ticket ? "timesheet-ticket-row" : "timesheet-client-row"}
                  data-client-id={row.clientId}
                  data-ticket-key={row.ticket?.key ?? ""}
                >
                  <th scope="row">
                    {row.ticket ? (
                      <Link to={ticketLink(row.clientId, row.ticket.id)} className="mono">
                        {row.ticket.key}
                      </Link>
                    ) : (
                      <bdi>{session.clientName(row.clientId)}</bdi>
                    )}
                  </th>
                  {days.map((day) => (
                    <td
                      key={day}
                      className="num"
                      data-testid="timesheet-cell"
                      data-date={day}
                      data-minutes={row.byDay[day] ?? 0}
                      data-billable={row.billableByDay[day] ?? 0}
                    >
                      {row.byDay[day] ? hoursMinutes(row.byDay[day]) : ""}
                    </td>
                  ))}
                  <td className="num" data-testid="timesheet-row-worked" data-minutes={sum(Object.values(row.byDay))}>
                    {hoursMinutes(sum(Object.values(row.byDay)))}
                  </td>
                  <td
                    className="num"
                    data-testid="timesheet-row-billable"
                    data-minutes={sum(Object.values(row.billableByDay))}
                  >
                    {hoursMinutes(sum(Object.values(row.billableByDay)))}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              {(["worked", "billable"] as const).map((kind) => {
                const of = (day: string) =>
                  sum(clientRows.map((row) => (kind === "worked" ? row.byDay : row.billableByDay)[day] ?? 0));
                return (
                  <tr key={kind} data-testid={`timesheet-total-${kind}`}>
                    <th scope="row" className="total-cell">
                      {kind === "worked" ? "Worked" : "Billable"}
                    </th>
                    {days.map((day) => (
                      <td key={day} className="num total-cell" data-date={day} data-minutes={of(day)}>
                        {hoursMinutes(of(day))}
                      </td>
                    ))}
                    <td className="num total-cell" colSpan={2} data-minutes={sum(days.map(of))}>
                      {hoursMinutes(sum(days.map(of)))}
                    </td>
                  </tr>
                );
              })}
            </tfoot>
          </table>
          <h2>Entries</h2>
          {problem && (
            <div className="error-note pre-line" role="alert" data-testid="timesheet-problem">
              {problem}
            </div>
          )}
          {providerAdmin && drafts.length > 1 && (
            <button
              type="button"
              disabled={busy}
              data-testid="timesheet-approve-all"
              onClick={() => void approve(drafts)}
            >
              Approve all {drafts.length} drafts
            </button>
          )}
          <table className="tickets compact" data-testid="timesheet-entries">
            <thead>
              <tr>
                <th>Started</th>
                <th>Ticket</th>
                <th>Work</th>
                <th className="num">Worked</th>
                <th className="num">Billable</th>
                <th>Status</th>
                <th>Note</th>
                {providerAdmin && <th />}
              </tr>
            </thead>
            <tbody>
              {[...current.items]
                .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
                .map((entry) => (
                  <tr key={entry.id} data-testid="timesheet-entry" data-entry-id={entry.id} data-status={entry.status}>
                    <td>
                      <time dateTime={entry.startedAt}>{when(entry.startedAt)}</time>
                    </td>
                    <td>
                      <Link to={ticketLink(entry.clientId, entry.ticketId)} className="mono">
                        {entry.ticketKey}
                      </Link>{" "}
                      <span className="muted small">
                        <bdi>{session.clientName(entry.clientId)}</bdi>
                      </span>
                    </td>
                    <td>{workTypeLabel[entry.workType] ?? entry.workType}</td>
                    <td className="num">{entry.minutes}</td>
                    <td className="num">{billableOf(entry)}</td>
                    <td>
                      <span className={`badge entry-${entry.status}`}>
                        {entryStatusLabel[entry.status] ?? entry.status}
                      </span>
                    </td>
                    <td>
                      <bdi>{entry.note ?? ""}</bdi>
                    </td>
                    {providerAdmin && (
                      <td>
                        {entry.status === "draft" && (
                          <button
                            type="button"
                            disabled={busy}
                            data-testid="timesheet-approve"
                            onClick={() => void approve([entry])}
                          >
                            Approve
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
