import { QueryClient } from "@tanstack/react-query";
import { getConditional, isLoggedIn, onAuthChange } from "./api";

/** How often a view and the counts are asked again; each ask is a 304 when nothing changed. */
export const POLL_MS = 12_000;

/**
 * The console's query cache (react-query): views and counts poll and refetch on window focus,
 * with conditional requests (getConditional), and a view seen a moment ago shows at once on Back.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { staleTime: 5_000, retry: 1, refetchOnWindowFocus: true },
  },
});

export const countsKey = ["counts"] as const;

export interface Counts {
  clients: ({ clientId: string; unassigned: number } & Record<string, number>)[];
  mine: number;
}

/** The counts query: session.tsx shows them in the sidebar, bulk work refreshes them. */
export const countsQuery = {
  queryKey: countsKey,
  queryFn: () => getConditional<Counts>("/v1/tickets/counts"),
  refetchInterval: POLL_MS,
} as const;

// Another session starts with an empty cache.
onAuthChange(() => {
  if (!isLoggedIn()) queryClient.clear();
});
