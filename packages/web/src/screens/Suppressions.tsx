import { type FormEvent, useCallback, useEffect, useState } from "react";
import {
  ApiError,
  addSuppression,
  listSuppressions,
  removeSuppression,
  type Suppression as SuppressionEntry,
} from "../api";
import { when } from "../format";
import { ticketLink } from "../paths";
import { Link } from "../router";
import { type ClientInfo, useSession } from "../session";
import { Empty, ErrorNote, Spinner } from "../ui";

const message = (reason: unknown) => (reason instanceof ApiError ? reason.detail : "Something went wrong");

const reasonLabel: Record<SuppressionEntry["reason"], string> = {
  bounce: "Bounced",
  complaint: "Complaint",
  manual: "Added by hand",
};

/**
 * Provider admins: the addresses mail no longer goes to. Permanent bounces and complaints add
 * them; agents see on the ticket which recipients a reply left out. Clearing an entry lets mail
 * through again; adding one stops it.
 */
export function Suppressions() {
  const session = useSession();
  const [prefix, setPrefix] = useState("");
  const [items, setItems] = useState<SuppressionEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (search: string) => {
    const page = await listSuppressions({ prefix: search.trim().toLowerCase() || undefined });
    setItems(page.items);
    setCursor(page.cursor);
  }, []);

  useEffect(() => {
    const timer = setTimeout(() => load(prefix).catch((reason) => setError(message(reason))), 200);
    return () => clearTimeout(timer);
  }, [load, prefix]);

  /** Runs an action and reloads; false (with the error shown) when it failed. */
  async function act(work: () => Promise<unknown>): Promise<boolean> {
    setError(null);
    try {
      await work();
      await load(prefix);
      return true;
    } catch (reason) {
      setError(message(reason));
      return false;
    }
  }

  async function more() {
    if (!cursor) return;
    try {
      const page = await listSuppressions({ prefix: prefix.trim().toLowerCase() || undefined, cursor });
      setItems((current) => [...(current ?? []), ...page.items]);
      setCursor(page.cursor);
    } catch (reason) {
      setError(message(reason));
    }
  }

  return (
    <section className="admin" aria-labelledby="suppressions-title" data-testid="suppressions">
      <h2 id="suppressions-title">Suppression list</h2>
      <p className="muted">
        Addresses your mail no longer goes to: permanent bounces and spam complaints put them here. Replies leave them
        out and the ticket says so.
      </p>
      {error && <ErrorNote>{error}</ErrorNote>}
      <AddSuppression onAdd={(address, detail) => act(() => addSuppression(address, detail))} />
      <input
        type="search"
        name="suppressionSearch"
        aria-label="Find an address"
        placeholder="Find an address (starts with…)"
        value={prefix}
        onChange={(e) => setPrefix(e.target.value)}
      />
      {!items ? (
        <Spinner />
      ) : items.length === 0 ? (
        <Empty title={prefix ? "No address starts with that" : "No suppressed addresses"}>
          {prefix ? undefined : "Bounced and complaining addresses will show up here."}
        </Empty>
      ) : (
        <table className="tickets" data-testid="suppressions-table">
          <thead>
            <tr>
              <th>Address</th>
              <th>Why</th>
              <th>From</th>
              <th>Since</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((entry) => (
              <tr key={entry.address}>
                <td>
                  <bdi>{entry.address}</bdi>
                </td>
                <td>
                  {reasonLabel[entry.reason]}
                  {entry.detail && (
                    <>
                      {" "}
                      <bdi className="muted">{entry.detail}</bdi>
                    </>
                  )}
                </td>
                <td>
                  <Source entry={entry} clients={session.clients} />
                </td>
                <td>{when(entry.createdAt)}</td>
                <td className="row-actions">
                  <button
                    type="button"
                    aria-label={`Remove ${entry.address}`}
                    onClick={() => {
                      if (window.confirm(`Send mail to ${entry.address} again?`))
                        void act(() => removeSuppression(entry.address));
                    }}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" onClick={() => void more()}>
          Show more
        </button>
      )}
    </section>
  );
}

/** The ticket whose mail bounced or drew the complaint, when there is one. */
function Source({ entry, clients }: { entry: SuppressionEntry; clients: ClientInfo[] }) {
  if (!entry.clientId || !entry.ticketId) return <span className="muted">—</span>;
  const client = clients.find((c) => c.id === entry.clientId);
  return <Link to={ticketLink(entry.clientId, entry.ticketId)}>{client ? <bdi>{client.name}</bdi> : "A ticket"}</Link>;
}

function AddSuppression({ onAdd }: { onAdd: (address: string, detail?: string) => Promise<boolean> }) {
  const [address, setAddress] = useState("");
  const [detail, setDetail] = useState("");
  async function submit(event: FormEvent) {
    event.preventDefault();
    // Kept when the API refuses it (already listed, not an address), with the reason shown above.
    if (!(await onAdd(address.trim(), detail.trim() || undefined))) return;
    setAddress("");
    setDetail("");
  }
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Suppress an address">
      <input
        name="suppressAddress"
        aria-label="Address to suppress"
        type="email"
        placeholder="address@example.com"
        required
        maxLength={254}
        value={address}
        onChange={(e) => setAddress(e.target.value)}
      />
      <input
        name="suppressDetail"
        aria-label="Why it is suppressed"
        placeholder="Why (optional)"
        maxLength={500}
        value={detail}
        onChange={(e) => setDetail(e.target.value)}
      />
      <button type="submit" className="primary">
        Suppress
      </button>
    </form>
  );
}
