import { useState } from "react";
import { priorities, statuses, statusLabel, tiers } from "../format";
import { type Sort, servedSorts, sortLabel, sortOf } from "../queue-sorts";
import { navigate } from "../router";
import { useSession } from "../session";
import { Options } from "../ui";

const escalatedTiers = tiers.filter((tier) => tier !== "L1");
// Each narrows a view through its own index, so one applies at a time (the API refuses two).
const facets = ["priority", "tier", "tag", "assigneeId"];
/** What "clear filters" takes away: everything but the view and its client (All open stays open). */
function cleared(query: URLSearchParams): URLSearchParams {
  const view = query.get("view") ?? "all";
  const next = new URLSearchParams(query);
  for (const key of [...facets, "sort", "order"]) next.delete(key);
  if (view === "all") next.set("status", "open");
  else if (view !== "client") next.delete("status");
  return next;
}

const orderLabels: Record<Sort, [string, string]> = {
  updated: ["oldest first", "newest first"],
  due: ["soonest due first", "latest due first"],
  number: ["lowest number first", "highest number first"],
  created: ["oldest first", "newest first"],
};

/** Filters and the order live in the URL, so a view can be bookmarked, shared and gone back to. */
export function QueueFilters({ query }: { query: URLSearchParams }) {
  const session = useSession();
  const [tag, setTag] = useState(query.get("tag") ?? "");
  const view = query.get("view") ?? "all";
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(query);
    if (facets.includes(key)) for (const facet of facets) next.delete(facet);
    if (value) next.set(key, value);
    else next.delete(key);
    // An order the narrowed view's index does not hold goes back to the view's own.
    const asked = next.get("sort") as Sort | null;
    if (asked && !servedSorts(next).includes(asked)) next.delete("sort");
    navigate(`/tickets?${next}`);
  };
  const narrowable = view === "client" || view === "all";
  const served = servedSorts(query);
  const { sort, desc } = sortOf(query);
  const clear = cleared(query);
  const filtered = clear.toString() !== query.toString();
  const select = (key: string, label: string, values: readonly string[], name?: (value: string) => string) => (
    <label className="inline">
      {label}
      <select data-testid={`filter-${key}`} value={query.get(key) ?? ""} onChange={(e) => set(key, e.target.value)}>
        <option value="">any</option>
        <Options values={values} label={name} />
      </select>
    </label>
  );
  return (
    <fieldset className="filters" aria-label="Filters">
      {view !== "client" && select("status", "Status", statuses, (s) => statusLabel[s] ?? s)}
      {narrowable && select("priority", "Priority", priorities)}
      {narrowable && session.staff && select("tier", "Tier", escalatedTiers)}
      {narrowable && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            set("tag", tag.trim().toLowerCase());
          }}
        >
          <input
            data-testid="filter-tag"
            aria-label="Tag"
            placeholder="tag"
            value={tag}
            onChange={(e) => setTag(e.target.value)}
          />
        </form>
      )}
      {served.length > 1 && (
        <label className="inline">
          Sort by
          <select data-testid="filter-sort" value={sort} onChange={(e) => set("sort", e.target.value)}>
            {served.map((s) => (
              <option key={s} value={s}>
                {sortLabel[s]}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="inline">
        Order
        <select
          data-testid="filter-order"
          value={desc ? "newest" : "oldest"}
          onChange={(e) => set("order", e.target.value)}
        >
          <option value="oldest">{orderLabels[sort][0]}</option>
          <option value="newest">{orderLabels[sort][1]}</option>
        </select>
      </label>
      {filtered && (
        <button
          type="button"
          className="link-button"
          data-testid="clear-filters"
          onClick={() => {
            setTag("");
            navigate(`/tickets?${clear}`);
          }}
        >
          Clear filters
        </button>
      )}
    </fieldset>
  );
}
