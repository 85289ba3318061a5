import { useCallback, useEffect, useRef, useState } from "react";

/**
 * A reply or note in progress, kept in the browser per provider, user and ticket: it survives
 * switching tickets, a reload and a lost connection, and only sending or discarding clears it.
 * localStorage, not the API: a draft is the agent's own, and writing it costs no request.
 */
export interface Draft {
  kind: "replies" | "notes";
  /** What is typed per tab: switching between reply and note keeps both. */
  text: { replies: string; notes: string };
  nextStatus: string;
  minutes: string;
  mail: { send: boolean; cc: string };
  /** The ticket's version and time when the draft started: "someone replied meanwhile" is measured from here. */
  baseVersion: number;
  startedAt: string;
  savedAt: string;
}

const PREFIX = "outdesk.draft";

export const draftKey = (providerId: string, userId: string, ticketId: string) =>
  `${PREFIX}.${providerId}.${userId}.${ticketId}`;

export const hasText = (draft: Draft | null) => !!draft && (!!draft.text.replies.trim() || !!draft.text.notes.trim());

function read(key: string): Draft | null {
  try {
    const raw = localStorage.getItem(key);
    if (!raw) return null;
    const draft = JSON.parse(raw) as Draft;
    return typeof draft?.text?.replies === "string" && typeof draft.text.notes === "string" ? draft : null;
  } catch {
    return null;
  }
}

function write(key: string, draft: Draft | null) {
  try {
    if (hasText(draft)) localStorage.setItem(key, JSON.stringify(draft));
    else localStorage.removeItem(key);
  } catch {
    // Storage full or denied: the draft lives in memory for this visit.
  }
}

/** Drafts untouched this long are dropped when the console loads: the browser's storage stays small. */
const KEEP_MS = 30 * 86_400_000;

function prune(now = Date.now()) {
  try {
    for (const key of Object.keys(localStorage)) {
      if (!key.startsWith(`${PREFIX}.`)) continue;
      const draft = read(key);
      if (!draft || now - Date.parse(draft.savedAt) > KEEP_MS) localStorage.removeItem(key);
    }
  } catch {
    // Storage denied: nothing to prune.
  }
}
prune();

/** Whether the user has an unsent draft on a ticket (a marker for lists and the leave warning). */
export function draftExists(key: string): boolean {
  return hasText(read(key));
}

/**
 * The ticket's draft, as state that writes through to storage. `fresh` is what a new draft
 * starts from (the ticket's CCs, its version now). Leaving the page with unsent text asks first.
 */
export function useDraft(key: string, fresh: () => Omit<Draft, "savedAt">) {
  const freshRef = useRef(fresh);
  freshRef.current = fresh;
  const [draft, setDraft] = useState<Draft>(() => read(key) ?? { ...fresh(), savedAt: new Date().toISOString() });
  const [restored] = useState(() => hasText(read(key)));

  const update = useCallback(
    (change: Partial<Draft> | ((draft: Draft) => Partial<Draft>)) =>
      setDraft((current) => {
        const next = {
          ...current,
          ...(typeof change === "function" ? change(current) : change),
          savedAt: new Date().toISOString(),
        };
        write(key, next);
        return next;
      }),
    [key],
  );

  /** Clears one tab's text (after sending it); the other tab's text stays. */
  const clear = useCallback(
    (kind: Draft["kind"], sent: string) =>
      setDraft((current) => {
        const text = { ...current.text, [kind]: current.text[kind] === sent ? "" : current.text[kind] };
        const next: Draft = hasText({ ...current, text })
          ? { ...current, text, savedAt: new Date().toISOString() }
          : { ...freshRef.current(), kind: current.kind, savedAt: new Date().toISOString() };
        write(key, next);
        return next;
      }),
    [key],
  );

  /** Drops the whole draft. */
  const discard = useCallback(() => {
    write(key, null);
    setDraft({ ...freshRef.current(), savedAt: new Date().toISOString() });
  }, [key]);

  // Another tab of the same user writing the same draft: take its text.
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key !== key) return;
      setDraft(read(key) ?? { ...freshRef.current(), savedAt: new Date().toISOString() });
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, [key]);

  const unsent = hasText(draft);
  useEffect(() => {
    if (!unsent) return;
    // The draft is saved either way; the browser's own prompt says there is unsent text.
    const onLeave = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", onLeave);
    return () => window.removeEventListener("beforeunload", onLeave);
  }, [unsent]);

  return { draft, update, clear, discard, restored, unsent };
}
