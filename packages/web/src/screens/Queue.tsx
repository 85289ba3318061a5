import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiError, api } from "../api";
import { isolate } from "../bidi";
import { ago, priorities, statuses, statusLabel, tiers } from "../format";
import { ticketLink } from "../paths";
import { Link, navigate } from "../router";
import { useSession } from "../session";
import { type SlaRowClock, useNow } from "../sla";
import { Empty, ErrorNote, Options, PriorityBadge, Spinner, StatusBadge } from "../ui";
import { SlaBadges } from "./SlaClocks";

const escalatedTiers = tiers.filter((tier) => tier !== "L1");

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

type SortKey = "updatedAt" | "priority" | "key" | "subject";
const priorityRank: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

function title(query: URLSearchParams, clientName: (id: string) => string) {
  const view = query.get("view") ?? "all";
  const status = statusLabel[query.get("status") ?? ""] ?? "";
  if (view === "mine") return "My tickets";
  if (view === "unassigned") return "Unassigned";
  if (view === "client") return `${isolate(clientName(query.get("clientId") ?? ""))} · ${status || "Open"}`;
  return `All ${status.toLowerCase() || "open"}`;
}

/** A ticket view: one API page at a time, sortable, keyboard-driven (j/k to move, enter to open). */
export function Queue({ query }: { query: URLSearchParams }) {
  const session = useSession();
  const [items, setItems] = useState<TicketSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [selected, setSelected] = useState(0);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: "updatedAt", desc: false });
  // One clock for the whole table: every countdown moves every 30 s without a request.
  const now = useNow();

  const load = useCallback(
    async (after: string | null) => {
      const params = new URLSearchParams(query);
      params.set("limit", "50");
      if (after) params.set("cursor", after);
      const page = await api<{ items: TicketSummary[]; cursor: string | null }>("GET", `/v1/tickets?${params}`);
      setItems((current) => (after && current ? [...current, ...page.items] : page.items));
      setCursor(page.cursor);
    },
    [query],
  );

  useEffect(() => {
    load(null).catch((reason: Error) => setError(reason instanceof ApiError ? reason.detail : reason.message));
  }, [load]);

  const sorted = useMemo(() => {
    if (!items) return [];
    const value = (t: TicketSummary) =>
      sort.key === "priority"
        ? (priorityRank[t.priority] ?? 9)
        : sort.key === "key"
          ? t.key
          : sort.key === "subject"
            ? t.subject.toLowerCase()
            : t.updatedAt;
    const list = [...items].sort((a, b) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : 0));
    return sort.desc ? list.reverse() : list;
  }, [items, sort]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return;
      if (event.key === "j") setSelected((i) => Math.min(i + 1, sorted.length - 1));
      else if (event.key === "k") setSelected((i) => Math.max(i - 1, 0));
      else if (event.key === "Enter" && sorted[selected]) {
        const ticket = sorted[selected]!;
        navigate(ticketLink(ticket.clientId, ticket.id));
      } else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [sorted, selected]);

  useEffect(() => {
    document.querySelector(`[data-row="${selected}"]`)?.scrollIntoView({ block: "nearest" });
  }, [selected]);

  const header = (key: SortKey, label: string) => (
    <th>
      <button
        type="button"
        className="sort"
        onClick={() => setSort((current) => ({ key, desc: current.key === key ? !current.desc : false }))}
      >
        {label}
        {sort.key === key ? (sort.desc ? " ↓" : " ↑") : ""}
      </button>
    </th>
  );

  return (
    <section className="queue" aria-label="Tickets">
      <div className="queue-head">
        <h1 data-testid="queue-title">{title(query, session.clientName)}</h1>
        <span className="muted">j / k to move · enter to open</span>
      </div>
      <Filters query={query} />
      {error ? (
        <ErrorNote
          onRetry={() => {
            setError(null);
            void load(null).catch((e: Error) => setError(e.message));
          }}
        >
          {error}
        </ErrorNote>
      ) : !items ? (
        <Spinner label="Loading tickets…" />
      ) : items.length === 0 ? (
        <Empty title="Nothing here">No tickets in this view. Enjoy the quiet.</Empty>
      ) : (
        <table className="tickets">
          <thead>
            <tr>
              {header("key", "Ticket")}
              {header("subject", "Subject")}
              <th>Requester</th>
              <th>Status</th>
              {header("priority", "Priority")}
              <th>SLA</th>
              <th>Tier</th>
              <th>Assignee</th>
              {header("updatedAt", "Updated")}
            </tr>
          </thead>
          <tbody>
            {sorted.map((ticket, index) => (
              <tr
                key={ticket.id}
                data-row={index}
                data-testid="ticket-row"
                className={index === selected ? "selected" : undefined}
                onClick={() => setSelected(index)}
                onDoubleClick={() => navigate(ticketLink(ticket.clientId, ticket.id))}
              >
                <td className="mono">{ticket.key}</td>
                <td>
                  <Link to={ticketLink(ticket.clientId, ticket.id)}>
                    <bdi>{ticket.subject}</bdi>
                  </Link>
                  {ticket.tags.length > 0 && (
                    <span className="tags-inline">{ticket.tags.map((tag) => `#${isolate(tag)}`).join(" ")}</span>
                  )}
                </td>
                <td>
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
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button
          type="button"
          className="load-more"
          disabled={loadingMore}
          onClick={() => {
            setLoadingMore(true);
            load(cursor)
              .catch((reason: Error) => setError(reason.message))
              .finally(() => setLoadingMore(false));
          }}
        >
          {loadingMore ? "Loading…" : "Load more"}
        </button>
      )}
    </section>
  );
}

// Each narrows a view through its own index, so one applies at a time (the API refuses two).
const facets = ["priority", "tier", "tag", "assigneeId"];

/** Filters live in the URL, so a filtered view can be bookmarked and shared. */
function Filters({ query }: { query: URLSearchParams }) {
  const session = useSession();
  const [tag, setTag] = useState(query.get("tag") ?? "");
  const view = query.get("view") ?? "all";
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(query);
    if (facets.includes(key)) for (const facet of facets) next.delete(facet);
    if (value) next.set(key, value);
    else next.delete(key);
    navigate(`/tickets?${next}`);
  };
  const narrowable = view === "client" || view === "all";
  const select = (key: string, label: string, values: readonly string[], name?: (value: string) => string) => (
    <label className="inline">
      {label}
      <select data-testid={`filter-${key}`} value={query.get(key) ?? ""} onChange={(e) => set(key, e.target.value)}>
        <option value="">any</option>
        <Options values={values} label={name} />
      </select>
    </label>
  );
  return (
    <fieldset className="filters" aria-label="Filters">
      {view !== "client" && select("status", "Status", statuses, (s) => statusLabel[s] ?? s)}
      {narrowable && select("priority", "Priority", priorities)}
      {narrowable && session.staff && select("tier", "Tier", escalatedTiers)}
      {narrowable && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            set("tag", tag.trim().toLowerCase());
          }}
        >
          <input data-testid="filter-tag" placeholder="tag" value={tag} onChange={(e) => setTag(e.target.value)} />
        </form>
      )}
      <label className="inline">
        Order
        <select
          data-testid="filter-order"
          value={query.get("order") ?? "oldest"}
          onChange={(e) => set("order", e.target.value)}
        >
          <option value="oldest">oldest first</option>
          <option value="newest">newest first</option>
        </select>
      </label>
    </fieldset>
  );
}
