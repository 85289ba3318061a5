import { useCallback, useEffect, useState } from "react";

/**
 * The ticket stopwatch, kept in localStorage per user and ticket: it survives a reload, another
 * ticket opened meanwhile and a second tab (which follows through the `storage` event). Only
 * instants are stored, so a closed laptop's hours count as the wall clock does.
 */
export interface Stopwatch {
  clientId: string;
  ticketId: string;
  ticketKey: string;
  /** When it was first started: the entry's start. */
  startedAt: string;
  /** Epoch ms of the running stretch's start; null while paused. */
  runningSince: number | null;
  /** Time of the stretches before this one. */
  elapsedMs: number;
}

const PREFIX = "outdesk.stopwatch.";
const keyOf = (userId: string, ticketId: string) => `${PREFIX}${userId}.${ticketId}`;

function parse(raw: string | null): Stopwatch | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Stopwatch;
    return typeof value.startedAt === "string" && typeof value.elapsedMs === "number" ? value : null;
  } catch {
    return null;
  }
}

export const readStopwatch = (userId: string, ticketId: string) => parse(localStorage.getItem(keyOf(userId, ticketId)));

export const elapsedMs = (watch: Stopwatch, now = Date.now()) =>
  watch.elapsedMs + (watch.runningSince === null ? 0 : Math.max(0, now - watch.runningSince));

/** Whole minutes for an entry: at least one, since the API takes no empty entry. */
export const elapsedMinutes = (watch: Stopwatch, now = Date.now()) =>
  Math.max(1, Math.round(elapsedMs(watch, now) / 60_000));

/** "0:04:07". */
export function clockText(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${Math.floor(seconds / 3600)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

/** The user's stopwatches on other tickets: a reminder that one is still running. */
export function otherStopwatches(userId: string, ticketId: string): Stopwatch[] {
  const found: Stopwatch[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (!key?.startsWith(`${PREFIX}${userId}.`) || key === keyOf(userId, ticketId)) continue;
    const watch = parse(localStorage.getItem(key));
    if (watch) found.push(watch);
  }
  return found;
}

export function useStopwatch(userId: string, ticket: { clientId: string; ticketId: string; ticketKey: string }) {
  const key = keyOf(userId, ticket.ticketId);
  const [watch, setWatch] = useState<Stopwatch | null>(() => parse(localStorage.getItem(key)));
  useEffect(() => {
    setWatch(parse(localStorage.getItem(key)));
    const follow = (event: StorageEvent) => {
      if (event.key === key) setWatch(parse(event.newValue));
    };
    window.addEventListener("storage", follow);
    return () => window.removeEventListener("storage", follow);
  }, [key]);

  const save = useCallback(
    (next: Stopwatch | null) => {
      if (next) localStorage.setItem(key, JSON.stringify(next));
      else localStorage.removeItem(key);
      setWatch(next);
    },
    [key],
  );
  const current = () => parse(localStorage.getItem(key));

  return {
    watch,
    start: () => {
      const now = Date.now();
      const was = current();
      if (was?.runningSince) return;
      save(
        was
          ? { ...was, runningSince: now }
          : { ...ticket, startedAt: new Date(now).toISOString(), runningSince: now, elapsedMs: 0 },
      );
    },
    /** Pauses and answers the state it stopped at (null if there was none). */
    pause: (): Stopwatch | null => {
      const was = current();
      if (!was) return null;
      const paused = { ...was, elapsedMs: elapsedMs(was), runningSince: null };
      save(paused);
      return paused;
    },
    clear: () => save(null),
  };
}
