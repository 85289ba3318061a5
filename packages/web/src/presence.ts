import { useEffect, useRef, useState } from "react";
import { api } from "./api";

/** Another person on the ticket, as PUT/GET …/presence answer. */
export interface Presence {
  userId: string;
  name: string;
  staff: boolean;
  state: "viewing" | "typing";
  internal: boolean;
  at: string;
  expiresAt: string;
}

interface PresenceList {
  items: Presence[];
  ticket: { version: number; updatedAt: string };
}

/** The API keeps a beat for 30 s; beating every 10 s survives a slow or lost request. */
const BEAT_MS = 10_000;

/**
 * Heartbeats while the ticket is open: what you are doing now (viewing, or typing a reply or a
 * note), sent at once when it changes and every 10 s otherwise. Each beat answers who else is
 * there and the ticket's version, so a write by someone else shows without reading the page.
 * A failed beat (offline) keeps the last answer; the next one tries again.
 */
export function usePresence(path: string, state: "viewing" | "typing", internal: boolean) {
  /** null until the first beat answers: the ticket page's own list stands in until then. */
  const [others, setOthers] = useState<Presence[] | null>(null);
  const [version, setVersion] = useState<number | null>(null);
  const latest = useRef({ state, internal });
  latest.current = { state, internal };

  // biome-ignore lint/correctness/useExhaustiveDependencies: a change of state beats at once (the effect restarts)
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const beat = async () => {
      clearTimeout(timer);
      try {
        const reply = await api<PresenceList>("PUT", `${path}/presence`, latest.current);
        if (stopped) return;
        setOthers(reply.items);
        setVersion(reply.ticket.version);
      } catch {
        // Offline or refused: try again on the next beat.
      }
      if (!stopped) timer = setTimeout(() => void beat(), BEAT_MS);
    };
    void beat();
    const wake = () => void beat();
    window.addEventListener("online", wake);
    return () => {
      stopped = true;
      clearTimeout(timer);
      window.removeEventListener("online", wake);
    };
  }, [path, state, internal]);

  return { others, version };
}
