import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { ApiError, getConditional } from "../api";
import { isolate } from "../bidi";
import { ago, statusLabel } from "../format";
import { ticketLink } from "../paths";
import { POLL_MS } from "../queue-query";
import { useQueueSelection } from "../queue-selection";
import { type Sort, servedSorts, sortOf } from "../queue-sorts";
import { Link, navigate } from "../router";
import { useSession } from "../session";
import { type SlaRowClock, useNow } from "../sla";
import { Empty, ErrorNote, PriorityBadge, Spinner, StatusBadge } from "../ui";
import { type BulkResult, QueueBulk, QueueBulkResults } from "./QueueBulk";
import { QueueFilters } from "./QueueFilters";
import { SlaBadges } from "./SlaClocks";

export interface TicketSummary {
  id: string;
  clientId: string;
  key: string;
  subject: string;
  status: string;
  priority: string;
  /** Internal work: null for client admins. */
  tier: string | null;
  assigneeId: string | null;
  requester: { name: string | null; email: string };
  tags: string[];
  updatedAt: string;
  createdAt: string;
  dueAt: string | null;
  /** Each SLA clock, for the countdowns (absent from older answers). */
  sla?: SlaRowClock[];
}

interface TicketPage {
  items: TicketSummary[];
  cursor: string | null;
}

function title(query: URLSearchParams, clientName: (id: string) => string) {
  const view = query.get("view") ?? "all";
  const status = statusLabel[query.get("status") ?? ""] ?? "";
  if (view === "mine") return "My tickets";
  if (view === "unassigned") return "Unassigned";
  if (view === "client") return `${isolate(clientName(query.get("clientId") ?? ""))} · ${status || "Open"}`;
  return `All ${status.toLowerCase() || "open"}`;
}

/** The view's API query: the URL's filters and order, one page of 50 (the cursor is added per page). */
function apiQuery(query: URLSearchParams): string {
  const params = new URLSearchParams(query);
  params.delete("cursor");
  params.set("limit", "50");
  params.sort();
  return params.toString();
}

/**
 * A ticket view in the order the API serves, live: react-query polls it (and refetches on
 * focus) with conditional requests, so an unchanged queue costs a 304 and no re-render (the
 * kept body is the same object, and nothing here reads the fetching state).
 * Keyboard: j / k move, x selects, enter opens; selection and focus survive Back.
 */
export function Queue({ query }: { query: URLSearchParams }) {
  const session = useSession();
  const queryClient = useQueryClient();
  // The screen is interactive when its first rows (or its empty state) are on screen; it starts
  // with its first render, before the request its query makes.
  useState(() => performance.mark("queue-start"));
  const api = apiQuery(query);
  const tickets = useInfiniteQuery({
    queryKey: ["tickets", api],
    queryFn: ({ pageParam }) =>
      getConditional<TicketPage>(`/v1/tickets?${api}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.cursor,
    refetchInterval: POLL_MS,
  });
  const items = useMemo(() => tickets.data?.pages.flatMap((page) => page.items) ?? [], [tickets.data]);
  const ids = useMemo(() => items.map((t) => t.id), [items]);
  const selection = useQueueSelection(ids);
  const [results, setResults] = useState<{ results: BulkResult[]; keys: Map<string, string> } | null>(null);
  const now = useNow();
  const view = query.get("view") ?? "all";
  // Cross-client views name each row's client; a client's own queue need not.
  const showClient = session.staff && view !== "client" && view !== "requester";
  const { sort, desc } = sortOf(query);
  const served = servedSorts(query);

  const marked = useRef(false);
  useEffect(() => {
    if (tickets.data && !marked.current) {
      marked.current = true;
      performance.mark("queue-interactive");
    }
  }, [tickets.data]);

  const { focusIndex, move, toggleFocused } = selection;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) || event.metaKey || event.ctrlKey) return;
      if (event.key === "j") move(1);
      else if (event.key === "k") move(-1);
      else if (event.key === "x") toggleFocused();
      // Enter on a button or a row's own link does what they do; anywhere else it opens the focused row.
      else if (
        event.key === "Enter" &&
        items[focusIndex] &&
        target.tagName !== "BUTTON" &&
        !target.closest(".tickets a")
      ) {
        const ticket = items[focusIndex]!;
        navigate(ticketLink(ticket.clientId, ticket.id));
      } else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [items, focusIndex, move, toggleFocused]);

  useEffect(() => {
    document.querySelector(`[data-row="${focusIndex}"]`)?.scrollIntoView({ block: "nearest" });
  }, [focusIndex]);

  const selectedTickets = items.filter((t) => selection.isSelected(t.id));
  const onBulkDone = (done: BulkResult[]) => {
    setResults({ results: done, keys: new Map(selectedTickets.map((t) => [t.id, t.key])) });
    // What failed stays selected, to try again or look at.
    selection.keepOnly(done.filter((r) => !r.ok).map((r) => r.ticketId));
    void queryClient.invalidateQueries({ queryKey: ["tickets"] });
    session.reloadCounts();
  };

  const sortHeader = (key: Sort, label: string) =>
    served.includes(key) ? (
      <th aria-sort={sort === key ? (desc ? "descending" : "ascending") : undefined}>
        <button
          type="button"
          className="sort"
          data-testid={`sort-${key}`}
          onClick={() => {
            const next = new URLSearchParams(query);
            next.set("sort", key);
            if (sort === key && !desc) next.set("order", "newest");
            else next.delete("order");
            navigate(`/tickets?${next}`);
          }}
        >
          {label}
          {sort === key ? (desc ? " ↓" : " ↑") : ""}
        </button>
      </th>
    ) : (
      <th>{label}</th>
    );

  const error = tickets.error
    ? tickets.error instanceof ApiError
      ? tickets.error.detail
      : tickets.error.message
    : null;

  return (
    <section className="queue" aria-label="Tickets">
      <div className="queue-head">
        <h1 data-testid="queue-title">{title(query, session.clientName)}</h1>
        <span className="muted">j / k to move · x to select · enter to open</span>
      </div>
      <QueueFilters query={query} />
      {session.staff && selectedTickets.length > 0 && (
        <QueueBulk tickets={selectedTickets} onDone={onBulkDone} onClear={() => selection.selectAll(false)} />
      )}
      {results && (
        <QueueBulkResults
          results={results.results}
          keyOf={(id) => results.keys.get(id) ?? id}
          onDismiss={() => setResults(null)}
        />
      )}
      {error && !tickets.data ? (
        <ErrorNote onRetry={() => void tickets.refetch()}>{error}</ErrorNote>
      ) : !tickets.data ? (
        <Spinner label="Loading tickets…" />
      ) : items.length === 0 ? (
        <Empty title="Nothing here">No tickets in this view. Enjoy the quiet.</Empty>
      ) : (
        <table className="tickets">
          <thead>
            <tr>
              {session.staff && (
                <th className="select-cell">
                  <input
                    type="checkbox"
                    aria-label="Select all on this page"
                    data-testid="select-all"
                    checked={selection.allSelected}
                    onChange={(e) => selection.selectAll(e.target.checked)}
                  />
                </th>
              )}
              {sortHeader("number", "Ticket")}
              {showClient && <th>Client</th>}
              <th>Subject</th>
              <th>Requester</th>
              <th>Status</th>
              <th>Priority</th>
              {sortHeader("due", "SLA")}
              <th>Tier</th>
              <th>Assignee</th>
              {sortHeader("updated", "Updated")}
            </tr>
          </thead>
          <tbody>
            {items.map((ticket, index) => {
              const checked = selection.isSelected(ticket.id);
              return (
                <tr
                  key={ticket.id}
                  data-row={index}
                  data-testid="ticket-row"
                  data-ticket={ticket.id}
                  aria-current={index === focusIndex ? "true" : undefined}
                  className={[index === focusIndex ? "selected" : "", checked ? "checked" : ""].join(" ").trim()}
                  onClick={() => selection.focus(ticket.id)}
                  onDoubleClick={() => navigate(ticketLink(ticket.clientId, ticket.id))}
                >
                  {session.staff && (
                    <td className="select-cell">
                      <input
                        type="checkbox"
                        aria-label={`Select ${ticket.key}`}
                        data-testid="row-select"
                        checked={checked}
                        onChange={() => undefined}
                        onClick={(e) => {
                          e.stopPropagation();
                          selection.click(ticket.id, e.shiftKey);
                        }}
                      />
                    </td>
                  )}
                  <td className="mono">{ticket.key}</td>
                  {showClient && (
                    <td data-testid="client-cell">
                      <bdi>{session.clientName(ticket.clientId)}</bdi>
                    </td>
                  )}
                  <td data-testid="subject-cell">
                    <Link to={ticketLink(ticket.clientId, ticket.id)}>
                      <bdi>{ticket.subject}</bdi>
                    </Link>
                    {ticket.tags.length > 0 && (
                      <span className="tags-inline">{ticket.tags.map((tag) => `#${isolate(tag)}`).join(" ")}</span>
                    )}
                  </td>
                  <td data-testid="requester-cell">
                    <bdi>{ticket.requester.name ?? ticket.requester.email}</bdi>
                  </td>
                  <td>
                    <StatusBadge status={ticket.status} />
                  </td>
                  <td>
                    <PriorityBadge priority={ticket.priority} />
                  </td>
                  <td data-testid="sla-cell">
                    <SlaBadges clocks={ticket.sla} now={now} />
                  </td>
                  <td>{ticket.tier ?? ""}</td>
                  <td>
                    <bdi>{session.userName(ticket.assigneeId)}</bdi>
                  </td>
                  <td title={ticket.updatedAt}>{ago(ticket.updatedAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {error && tickets.data && <ErrorNote onRetry={() => void tickets.refetch()}>{error}</ErrorNote>}
      {tickets.hasNextPage && (
        <button
          type="button"
          className="load-more"
          disabled={tickets.isFetchingNextPage}
          onClick={() => void tickets.fetchNextPage()}
        >
          {tickets.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      )}
    </section>
  );
}
