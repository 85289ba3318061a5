/** The orders a view's index holds (packages/core/src/ticket/queue.ts servedSorts), its default first. */
export type Sort = "updated" | "due" | "number" | "created";

export const sortLabel: Record<Sort, string> = {
  updated: "Last update",
  due: "SLA due time",
  number: "Ticket number",
  created: "Created",
};

const facets = ["priority", "tier", "tag", "assigneeId"];

export function servedSorts(query: URLSearchParams): Sort[] {
  const view = query.get("view") ?? "all";
  if (view === "requester") return ["created"];
  if (view === "mine" || view === "unassigned" || query.get("assigneeId")) return ["updated"];
  if (facets.some((facet) => query.get(facet))) return ["number"];
  return view === "client" ? ["updated", "due"] : ["due", "updated"];
}

/** The view's order as the URL says it, or its default. */
export function sortOf(query: URLSearchParams): { sort: Sort; desc: boolean } {
  const served = servedSorts(query);
  const asked = query.get("sort") as Sort | null;
  return { sort: asked && served.includes(asked) ? asked : served[0]!, desc: query.get("order") === "newest" };
}
