export const statusLabel: Record<string, string> = {
  new: "New",
  open: "Open",
  pending: "Pending",
  on_hold: "On hold",
  solved: "Solved",
  closed: "Closed",
};

export const statuses = ["new", "open", "pending", "on_hold", "solved", "closed"] as const;
export const priorities = ["low", "normal", "high", "urgent"] as const;
export const types = ["question", "incident", "problem", "task"] as const;
export const tiers = ["L1", "L2", "L3"] as const;

/** "3 min ago", "2 h ago", "5 Nov". */
export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString(undefined, { day: "numeric", month: "short" });
}

export const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
