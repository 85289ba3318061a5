import { type FormEvent, useEffect, useRef, useState } from "react";
import { ApiError } from "../api";
import { isolate } from "../bidi";
import { ago, statuses, statusLabel, when } from "../format";
import { ticketLink } from "../paths";
import { Link, navigate, useLocation } from "../router";
import {
  type SearchHighlight,
  type SearchParams,
  type SearchResult,
  searchLink,
  searchParamsOf,
  searchTickets,
} from "../search";
import { Marked } from "../search-highlight";
import { useSession } from "../session";
import { Empty, ErrorNote, Spinner, StatusBadge, useTitle } from "../ui";
import "../search.css";

/** The top bar's box: Enter opens the search page with what was typed (and keeps the page's filters). */
export function SearchBox() {
  const { path, query } = useLocation();
  const onPage = path === "/search";
  const [text, setText] = useState(onPage ? (query.get("q") ?? "") : "");
  useEffect(() => {
    if (onPage) setText(query.get("q") ?? "");
  }, [onPage, query]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    const filters = onPage ? Object.fromEntries(query) : {};
    navigate(searchLink({ ...filters, q: text.trim() }));
  };
  return (
    <search className="search-box">
      <form onSubmit={submit}>
        <input
          type="search"
          name="globalSearch"
          aria-label="Search tickets"
          placeholder="Search tickets (ACME-1042, words, people)"
          value={text}
          maxLength={200}
          onChange={(event) => setText(event.target.value)}
          data-testid="search-box"
        />
      </form>
    </search>
  );
}

const fieldLabel: Record<SearchHighlight["field"], string> = {
  number: "Number",
  subject: "Subject",
  requester: "Requester",
  tags: "Tags",
  fields: "Fields",
  message: "Message",
  note: "Internal note",
};

const paramLabel: Record<string, string> = {
  q: "The search words:",
  clientId: "Client:",
  status: "Status:",
  from: "Created from:",
  to: "Created to:",
};

type State =
  | { status: "idle" }
  | { status: "loading" }
  | { status: "done"; items: SearchResult[] }
  | { status: "error"; message: string };

/** Results for the URL's words and filters, debounced as the words change; a stale answer is dropped. */
function useResults(params: SearchParams) {
  const [state, setState] = useState<State>({ status: "idle" });
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(0);
  // A retry asks again for the same words: the attempt is part of what the effect follows.
  const key = JSON.stringify([params, attempt]);
  useEffect(() => {
    const [wanted] = JSON.parse(key) as [SearchParams];
    if (!wanted.q.trim()) {
      setState({ status: "idle" });
      return;
    }
    const id = ++latest.current;
    setState((previous) => (previous.status === "done" ? previous : { status: "loading" }));
    const timer = setTimeout(() => {
      searchTickets(wanted)
        .then(({ items }) => id === latest.current && setState({ status: "done", items }))
        .catch((reason: unknown) => {
          if (id !== latest.current) return;
          const message =
            reason instanceof ApiError
              ? (reason.body.issues
                  ?.map((issue) => `${paramLabel[String(issue.path[0])] ?? issue.path.join(".")} ${issue.message}`)
                  .join("; ") ?? reason.detail)
              : "The search did not answer. Check your connection.";
          setState({ status: "error", message });
        });
    }, 200);
    return () => clearTimeout(timer);
  }, [key]);
  return { state, retry: () => setAttempt((n) => n + 1) };
}

/** The search page: words and filters kept in the URL (shareable, Back restores them), ranked results. */
export function SearchPage({ query }: { query: URLSearchParams }) {
  const session = useSession();
  const params = searchParamsOf(query);
  useTitle("Search");
  const { state, retry } = useResults(params);
  const set = (change: Partial<SearchParams>) => navigate(searchLink({ ...params, ...change }), { replace: true });
  const clientName = (id: string) => session.clients.find((client) => client.id === id)?.name ?? "";

  return (
    <section className="search-page" aria-label="Search">
      <h1>Search</h1>
      <fieldset className="filters" aria-label="Search filters">
        <input
          type="search"
          name="q"
          aria-label="Words, number or person"
          value={params.q}
          maxLength={200}
          onChange={(event) => set({ q: event.target.value })}
        />
        {session.clients.length > 1 && (
          <select
            name="clientId"
            aria-label="Client"
            value={params.clientId ?? ""}
            onChange={(event) => set({ clientId: event.target.value || undefined })}
          >
            <option value="">All clients</option>
            {session.clients.map((client) => (
              <option key={client.id} value={client.id}>
                {isolate(client.name)}
              </option>
            ))}
          </select>
        )}
        <select
          name="status"
          aria-label="Status"
          value={params.status ?? ""}
          onChange={(event) => set({ status: event.target.value || undefined })}
        >
          <option value="">Any status</option>
          {statuses.map((status) => (
            <option key={status} value={status}>
              {statusLabel[status]}
            </option>
          ))}
        </select>
        <label>
          Created from{" "}
          <input
            type="date"
            name="from"
            value={params.from ?? ""}
            onChange={(event) => set({ from: event.target.value || undefined })}
          />
        </label>
        <label>
          to{" "}
          <input
            type="date"
            name="to"
            value={params.to ?? ""}
            onChange={(event) => set({ to: event.target.value || undefined })}
          />
        </label>
        {(params.clientId || params.status || params.from || params.to) && (
          <button
            type="button"
            className="link-button"
            onClick={() => set({ clientId: undefined, status: undefined, from: undefined, to: undefined })}
          >
            Clear filters
          </button>
        )}
      </fieldset>
      {state.status === "idle" ? (
        <Empty title="Find any ticket">
          Type a ticket number (ACME-1042), words from the subject or the conversation, a requester's name or address, a
          tag or a field value.
        </Empty>
      ) : state.status === "loading" ? (
        <Spinner label="Searching…" />
      ) : state.status === "error" ? (
        <ErrorNote onRetry={retry}>{state.message}</ErrorNote>
      ) : state.items.length === 0 ? (
        <Empty title="No tickets match">Try fewer words, or clear the filters.</Empty>
      ) : (
        <ol className="search-results" data-testid="search-results" aria-label="Results">
          {state.items.map((item) => (
            <ResultRow
              key={item.id}
              item={item}
              clientName={session.clients.length > 1 ? clientName(item.clientId) : ""}
            />
          ))}
        </ol>
      )}
    </section>
  );
}

function ResultRow({ item, clientName }: { item: SearchResult; clientName: string }) {
  const subject = item.highlights.find((h) => h.field === "subject");
  const number = item.highlights.find((h) => h.field === "number");
  const details = item.highlights.filter((h) => h.field !== "subject" && h.field !== "number");
  return (
    <li className="search-result" data-testid="search-result" data-ticket={item.id}>
      <div className="search-result-head">
        <Link to={ticketLink(item.clientId, item.id)} className="search-result-link">
          <span className="search-key">{number ? <Marked text={number.text} ranges={number.ranges} /> : item.key}</span>{" "}
          <bdi className="search-subject">
            {subject ? <Marked text={subject.text} ranges={subject.ranges} /> : item.subject}
          </bdi>
        </Link>
        <StatusBadge status={item.status} />
      </div>
      <div className="muted search-meta">
        {clientName && (
          <>
            <bdi>{clientName}</bdi> ·{" "}
          </>
        )}
        <bdi>{item.requester.name ?? item.requester.email}</bdi> · updated{" "}
        <time dateTime={item.updatedAt} title={when(item.updatedAt)}>
          {ago(item.updatedAt)}
        </time>
      </div>
      {details.map((highlight) => (
        <p key={highlight.field} className={`search-snippet search-snippet-${highlight.field}`}>
          <span className="search-snippet-label">{fieldLabel[highlight.field]}</span>{" "}
          <bdi>
            <Marked text={highlight.text} ranges={highlight.ranges} />
          </bdi>
        </p>
      ))}
    </li>
  );
}
