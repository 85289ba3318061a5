import { useCallback, useEffect, useState } from "react";
import { ApiError } from "../api";
import { type DrillItem, getDrill } from "../billing";
import { when } from "../format";
import { ticketLink } from "../paths";
import { Link } from "../router";
import { useSession } from "../session";
import { ErrorNote, Spinner } from "../ui";

/** The tickets or time entries behind a statement line, a page at a time. */
export function DrillDown({ clientId, month, of }: { clientId: string; month: string; of: string }) {
  const session = useSession();
  const [items, setItems] = useState<DrillItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const more = useCallback(
    async (from: string | null) => {
      setBusy(true);
      try {
        const page = await getDrill(clientId, month, of, from);
        setItems((old) => (from ? [...old, ...page.items] : page.items));
        setCursor(page.cursor);
        setDone(page.cursor === null);
        setError(null);
      } catch (reason) {
        setError(reason instanceof ApiError ? reason.detail : "Could not load what is behind the line");
      } finally {
        setBusy(false);
      }
    },
    [clientId, month, of],
  );
  useEffect(() => {
    void more(null);
  }, [more]);

  const time = items.some((i) => i.kind === "time");
  return (
    <div className="drill" data-testid="drill" data-of={of}>
      {error && <ErrorNote onRetry={() => void more(cursor)}>{error}</ErrorNote>}
      {items.length === 0 && busy ? (
        <Spinner />
      ) : items.length === 0 && !error ? (
        <p className="muted small">Nothing behind this line.</p>
      ) : (
        <table className="tickets compact" data-testid="drill-items">
          <thead>
            {time ? (
              <tr>
                <th>Ticket</th>
                <th>Date</th>
                <th>Agent</th>
                <th>Work</th>
                <th>Billing</th>
                <th className="num">Worked</th>
                <th className="num">Billable</th>
              </tr>
            ) : (
              <tr>
                <th>Ticket</th>
                <th>When</th>
                <th>Meter</th>
                <th>Channel</th>
              </tr>
            )}
          </thead>
          <tbody>
            {items.map((item) =>
              item.kind === "time" ? (
                <tr key={item.entryId} data-testid="drill-item">
                  <td>
                    <Link to={ticketLink(clientId, item.ticketId)}>{item.ticketKey}</Link>
                  </td>
                  <td>{item.date}</td>
                  <td>
                    <bdi>{item.agentName ?? session.userName(item.agentId)}</bdi>
                  </td>
                  <td>{item.workType}</td>
                  <td>{item.billing.replaceAll("_", " ")}</td>
                  <td className="num">{item.workedMinutes} min</td>
                  <td className="num">{item.billableMinutes} min</td>
                </tr>
              ) : (
                <tr key={`${item.ticketId}:${item.meter}:${item.at}`} data-testid="drill-item">
                  <td>
                    <Link to={ticketLink(clientId, item.ticketId)}>{item.ticketKey}</Link>
                  </td>
                  <td>{when(item.at)}</td>
                  <td>{item.meter}</td>
                  <td>{item.channel ?? ""}</td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
      {!done && items.length > 0 && (
        <button
          type="button"
          className="link-button"
          disabled={busy}
          data-testid="drill-more"
          onClick={() => void more(cursor)}
        >
          Show more
        </button>
      )}
    </div>
  );
}
