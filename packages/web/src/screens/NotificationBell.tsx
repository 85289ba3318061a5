import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../api";
import { ago, when } from "../format";
import { listNotifications, markNotificationsRead, type NotificationList } from "../notifications";
import { ticketLink } from "../paths";
import { Link, useLocation } from "../router";
import { Spinner } from "../ui";

/** One GET a minute while the tab is shown: the unread count stays current without a push channel. */
const POLL_MS = 60_000;

function BellIcon() {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false" className="bell-icon">
      <path d="M12 3a6 6 0 0 0-6 6v3.6L4.3 16a.8.8 0 0 0 .7 1.2h14a.8.8 0 0 0 .7-1.2L18 12.6V9a6 6 0 0 0-6-6Z" />
      <path d="M9.5 19a2.5 2.5 0 0 0 5 0" />
    </svg>
  );
}

/**
 * The header's bell: the signed-in user's SLA warnings, breaches and escalations, an unread
 * badge, and "Mark all read" up to the newest one shown. A 403 (no user to notify) hides it.
 */
export function NotificationBell() {
  const [list, setList] = useState<NotificationList | null>(null);
  const [refused, setRefused] = useState(false);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const live = useRef(true);
  const { path } = useLocation();

  const refresh = useCallback(() => {
    listNotifications()
      .then((next) => {
        if (live.current) setList(next);
      })
      .catch((reason) => {
        if (reason instanceof ApiError && reason.status === 403 && live.current) setRefused(true);
        // Anything else: keep what is shown; the next poll tries again.
      });
  }, []);

  useEffect(() => {
    live.current = true;
    if (refused) return;
    if (!document.hidden) refresh();
    const timer = setInterval(() => {
      if (!document.hidden) refresh();
    }, POLL_MS);
    const shown = () => {
      if (!document.hidden) refresh();
    };
    document.addEventListener("visibilitychange", shown);
    return () => {
      live.current = false;
      clearInterval(timer);
      document.removeEventListener("visibilitychange", shown);
    };
  }, [refresh, refused]);

  // Following a link (or any navigation) closes the menu.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the path is the trigger, not an input
  useEffect(() => setOpen(false), [path]);

  useEffect(() => {
    if (!open) return;
    const outside = (event: MouseEvent) => {
      if (box.current && !box.current.contains(event.target as Node)) setOpen(false);
    };
    const onEscape = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    document.addEventListener("mousedown", outside);
    document.addEventListener("keydown", onEscape);
    return () => {
      document.removeEventListener("mousedown", outside);
      document.removeEventListener("keydown", onEscape);
    };
  }, [open]);

  async function markAll() {
    if (!list) return;
    setBusy(true);
    try {
      setList(await markNotificationsRead(list.items[0]?.createdAt));
    } catch {
      // The badge stays as it was; the next poll shows the truth.
    } finally {
      setBusy(false);
    }
  }

  if (refused) return null;
  const unread = list?.unread ?? 0;
  return (
    <div className="bell" ref={box}>
      <button
        type="button"
        className="bell-button"
        data-testid="notifications-bell"
        data-unread={unread}
        aria-haspopup="true"
        aria-expanded={open}
        aria-label={unread ? `Notifications: ${unread} unread` : "Notifications"}
        onClick={() => {
          if (!open) refresh();
          setOpen(!open);
        }}
      >
        <BellIcon />
        {unread > 0 && (
          <span className="bell-count" data-testid="notifications-count">
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      {open && (
        <section className="bell-menu" aria-label="Notifications" data-testid="notifications-menu">
          <div className="bell-head">
            <strong>Notifications</strong>
            <span className="spacer" />
            <button
              type="button"
              className="link-button"
              data-testid="notifications-mark-read"
              disabled={busy || unread === 0}
              onClick={() => void markAll()}
            >
              Mark all read
            </button>
          </div>
          {!list ? (
            <Spinner />
          ) : list.items.length === 0 ? (
            <p className="muted bell-empty" data-testid="notifications-empty">
              No notifications.
            </p>
          ) : (
            <ul className="bell-list">
              {list.items.map((item) => (
                <li
                  key={item.id}
                  className={item.unread ? "unread" : undefined}
                  data-testid="notification"
                  data-kind={item.kind}
                  data-unread={item.unread ? "true" : "false"}
                >
                  <div className={item.kind === "sla_breach" ? "error-text" : undefined}>
                    <bdi>{item.text}</bdi>
                  </div>
                  <Link to={ticketLink(item.clientId, item.ticketId)} data-testid="notification-ticket">
                    <bdi className="mono">{item.ticketKey}</bdi> <bdi>{item.subject}</bdi>
                  </Link>
                  <time className="muted small" dateTime={item.createdAt} title={when(item.createdAt)}>
                    {ago(item.createdAt)}
                  </time>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
