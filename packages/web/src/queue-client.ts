import { navigate } from "./router";

const crossClientViews = ["mine", "unassigned", "all"];

/**
 * The client switcher narrows the view on screen too: a cross-client queue (My tickets,
 * Unassigned, All open) gets the client in its URL, or loses it for all clients. A sort the
 * view keeps stays; the page starts again from the top.
 */
export function narrowQueue(clientId: string | undefined) {
  if (window.location.pathname !== "/tickets") return;
  const query = new URLSearchParams(window.location.search);
  if (!crossClientViews.includes(query.get("view") ?? "all")) return;
  if (clientId) query.set("clientId", clientId);
  else query.delete("clientId");
  query.delete("cursor");
  navigate(`/tickets?${query}`);
}

/** The switcher's client, if this session may see it (the browser may remember another user's). */
export function servedFilter(clients: { id: string }[], clientFilter: string): string | undefined {
  return clients.some((client) => client.id === clientFilter) ? clientFilter : undefined;
}
