import { type ReactNode, useEffect, useState } from "react";
import { ApiError } from "./api";
import { statusLabel } from "./format";
import { Link } from "./router";

/** Names the screen in the window title (what a screen reader announces and a tab shows). */
export function useTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · Outdesk`;
  }, [title]);
}

/** Whether the browser believes it is online, kept current. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);
  return online;
}

/** Said while the browser is offline: nothing typed is lost, and a retry works once it is back. */
export function OfflineNote() {
  if (useOnline()) return null;
  return (
    <div className="notice offline-note" role="status" data-testid="offline-note">
      You are offline. What you type stays here; save or retry once the connection is back.
    </div>
  );
}

/** A failure to load in words, with Retry when the same request may work again (offline, 5xx). */
export function LoadError({ reason, onRetry }: { reason: unknown; onRetry: () => void }) {
  const text = reason instanceof ApiError ? reason.detail : "Something went wrong";
  return <ErrorNote onRetry={onRetry}>{text}</ErrorNote>;
}

export function Spinner({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="spinner" role="status" aria-live="polite">
      <span className="spinner-dot" /> {label}
    </div>
  );
}

export function ErrorNote({ children, onRetry }: { children: ReactNode; onRetry?: () => void }) {
  return (
    <div className="error-note" role="alert">
      {children}
      {onRetry && (
        <button type="button" className="link-button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <strong>{title}</strong>
      {children && <p>{children}</p>}
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`}>{statusLabel[status] ?? status}</span>;
}

export function PriorityBadge({ priority }: { priority: string }) {
  return <span className={`badge priority-${priority}`}>{priority}</span>;
}

/** `<option>`s for a list of values, labelled by `label` (default: the value). */
export function Options({ values, label }: { values: readonly string[]; label?: (value: string) => string }) {
  return (
    <>
      {values.map((value) => (
        <option key={value} value={value}>
          {label ? label(value) : value}
        </option>
      ))}
    </>
  );
}

/** Unknown routes and ids that cannot exist: said at once, with a way back. */
export function NotFound() {
  return (
    <div className="center-note" role="alert" data-testid="not-found">
      <h1>Page not found</h1>
      <p className="muted">There is nothing at this address.</p>
      <Link to="/" className="button">
        Back to your tickets
      </Link>
    </div>
  );
}
