import { type FormEvent, useEffect, useState } from "react";
import { ApiError, api } from "../api";
import { path as segments, withQuery } from "../paths";
import type { Ticket } from "./ticket-page";

interface Candidate {
  id: string;
  clientId: string;
  key: string;
  subject: string;
  status: string;
}

const NUMBER = /^(?:([A-Za-z][A-Za-z0-9]*)-)?(\d{1,8})$/;

/**
 * Tickets of this client that `query` names: a ticket number (ACME-1042 or 1042) through the
 * number lookup, anything else through search. Search answering 404 means this API has none.
 */
async function findTargets(clientId: string, prefix: string, query: string, current: string): Promise<Candidate[]> {
  const number = NUMBER.exec(query.trim());
  if (number) {
    if (number[1] && number[1].toUpperCase() !== prefix) {
      throw new Error(`${number[1].toUpperCase()}-… is another client's ticket: merge stays within ${prefix}`);
    }
    try {
      const found = await api<Candidate>("GET", segments`/v1/clients/${clientId}/ticket-numbers/${number[2]!}`);
      return found.id === current ? [] : [found];
    } catch (reason) {
      if (reason instanceof ApiError && reason.status === 404) return [];
      throw reason;
    }
  }
  try {
    const found = await api<{ items: Candidate[] }>("GET", withQuery("/v1/search", { q: query.trim(), clientId }));
    return found.items.filter((t) => t.clientId === clientId && t.id !== current).slice(0, 8);
  } catch (reason) {
    if (reason instanceof ApiError && reason.status === 404) {
      throw new Error(`Type the ticket's number to find it (${prefix}-1042).`);
    }
    throw reason;
  }
}

/** Merge this ticket into another of the client's: find the target, confirm, then it continues there. */
export function MergePanel({
  ticket,
  prefix,
  path,
  onMerged,
  open,
  setOpen,
}: {
  ticket: Ticket;
  prefix: string;
  path: string;
  onMerged: () => Promise<void>;
  open: boolean;
  setOpen: (open: boolean) => void;
}) {
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<Candidate[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [target, setTarget] = useState<Candidate | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open) {
      setQuery("");
      setFound(null);
      setTarget(null);
      setError(null);
    }
  }, [open]);

  // Search as the agent types, a moment after the last key.
  useEffect(() => {
    if (!open || query.trim().length < 2) return;
    const timer = setTimeout(() => {
      findTargets(ticket.clientId, prefix, query, ticket.id)
        .then((items) => {
          setFound(items);
          setError(null);
        })
        .catch((reason: Error) => {
          setFound(null);
          setError(reason instanceof ApiError ? reason.detail : reason.message);
        });
    }, 250);
    return () => clearTimeout(timer);
  }, [open, query, ticket.clientId, ticket.id, prefix]);

  async function merge(event: FormEvent) {
    event.preventDefault();
    if (!target) return;
    setBusy(true);
    try {
      await api("POST", `${path}/merge`, { targetTicketId: target.id }, { "if-match": `"${ticket.version}"` });
      setOpen(false);
      await onMerged();
    } catch (reason) {
      setError(reason instanceof ApiError ? reason.detail : String(reason));
    } finally {
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <button type="button" className="link-button" data-testid="merge-open" onClick={() => setOpen(true)}>
        Merge into another ticket…
      </button>
    );
  }
  return (
    <section className="merge" role="dialog" aria-label="Merge this ticket" data-testid="merge-panel">
      <h2>Merge {ticket.key} into…</h2>
      {target ? (
        <form onSubmit={merge} className="props-form">
          <p data-testid="merge-confirm">
            Merge <strong>{ticket.key}</strong> into <strong>{target.key}</strong> <bdi>{target.subject}</bdi>?{" "}
            {ticket.key} closes, and its messages and time move to {target.key}. This cannot be undone.
          </p>
          <div className="actions">
            <button type="button" onClick={() => setTarget(null)}>
              Back
            </button>
            <button type="submit" className="primary danger" disabled={busy} data-testid="merge-submit">
              Merge into {target.key}
            </button>
          </div>
        </form>
      ) : (
        <>
          <label>
            Find the ticket it duplicates
            <input
              data-testid="merge-search"
              value={query}
              placeholder={`${prefix}-1042, or words from its subject`}
              // biome-ignore lint/a11y/noAutofocus: the agent just opened the merge
              autoFocus
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={(e) => e.key === "Escape" && setOpen(false)}
            />
          </label>
          {found && found.length === 0 && <p className="muted small">No other open ticket of this client matches.</p>}
          <ul className="merge-results" data-testid="merge-results">
            {found?.map((candidate) => (
              <li key={candidate.id}>
                <button
                  type="button"
                  className="link-button merge-result"
                  disabled={candidate.status === "closed"}
                  onClick={() => setTarget(candidate)}
                >
                  <span className="mono">{candidate.key}</span> <bdi>{candidate.subject}</bdi>
                  {candidate.status === "closed" && " (closed)"}
                </button>
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </>
      )}
      {error && (
        <div className="error small" role="alert" data-testid="merge-error">
          {error}
        </div>
      )}
    </section>
  );
}
