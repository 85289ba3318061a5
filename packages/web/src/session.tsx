import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from "react";
import { api } from "./api";
import { countsKey, countsQuery } from "./queue-query";

export type Role = "provider_admin" | "agent" | "client_admin";

export interface TicketField {
  key: string;
  label: string;
  type: "text" | "number" | "boolean" | "date" | "select";
  options?: string[];
  required?: boolean;
}

export interface ClientInfo {
  id: string;
  name: string;
  ticketPrefix: string;
  /** IANA zone: the client's days and months (SLA reports) are counted in it. */
  timeZone: string;
  status: string;
  ticketFields: TicketField[];
}

export interface UserInfo {
  id: string;
  name: string;
  email: string;
  role: Role;
  clientIds: string[];
  status: string;
}

export interface Me {
  actor: { id: string; role: Role; clientIds: "all" | string[] };
  provider: { id: string; name: string; slug: string };
  user: UserInfo | null;
}

export interface Counts {
  clients: ({ clientId: string; unassigned: number } & Record<string, number>)[];
  mine: number;
}

interface Session {
  me: Me;
  clients: ClientInfo[];
  users: UserInfo[];
  counts: Counts | null;
  staff: boolean;
  reloadCounts: () => void;
  /** Reads the clients again: one just added or archived shows in the sidebar at once. */
  reloadClients: () => Promise<void>;
  clientName: (id: string) => string;
  userName: (id: string | null) => string;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}

/** Loads who you are, the clients and people you can see, and the queue counts. */
export function SessionProvider({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  const [state, setState] = useState<Omit<
    Session,
    "reloadCounts" | "reloadClients" | "clientName" | "userName" | "staff"
  > | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const reloadClients = useCallback(async () => {
    const clients = await api<{ items: ClientInfo[] }>("GET", "/v1/clients?limit=100&status=active");
    setState((current) => (current ? { ...current, clients: clients.items } : current));
  }, []);

  // The counts poll on their own (queue-query.ts), answered 304 while nothing changed.
  const queryClient = useQueryClient();
  const live = useQuery({ ...countsQuery, enabled: state !== null });
  const reloadCounts = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: countsKey });
  }, [queryClient]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a retry (attempt) loads again
  useEffect(() => {
    Promise.all([
      api<Me>("GET", "/v1/me"),
      api<{ items: ClientInfo[] }>("GET", "/v1/clients?limit=100&status=active"),
      api<{ items: UserInfo[] }>("GET", "/v1/users?limit=100"),
      queryClient.fetchQuery(countsQuery),
    ])
      .then(([me, clients, users, counts]) => setState({ me, clients: clients.items, users: users.items, counts }))
      .catch((reason: Error) => setError(reason.message));
  }, [queryClient, attempt]);

  if (error) {
    return (
      <div className="center-note error" role="alert">
        Could not load your workspace: {error}{" "}
        <button
          type="button"
          onClick={() => {
            setError(null);
            setAttempt((n) => n + 1);
          }}
        >
          Retry
        </button>
      </div>
    );
  }
  if (!state) return <>{fallback}</>;
  const staff = state.me.actor.role !== "client_admin";
  const session: Session = {
    ...state,
    counts: live.data ?? state.counts,
    staff,
    reloadCounts,
    reloadClients,
    clientName: (id) => state.clients.find((client) => client.id === id)?.name ?? "Unknown client",
    userName: (id) => (id ? (state.users.find((user) => user.id === id)?.name ?? "Agent") : "Unassigned"),
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
