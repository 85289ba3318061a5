import { useCallback, useEffect, useState } from "react";

/** What the queue keeps in its history entry, so Back returns to the same rows. */
interface Kept {
  selected: string[];
  focus: string | null;
}

function kept(): Kept {
  const state = (history.state as { queue?: Kept } | null)?.queue;
  return { selected: Array.isArray(state?.selected) ? state.selected : [], focus: state?.focus ?? null };
}

/**
 * The queue's selection (ticket ids) and focused row, kept in this history entry's state: a
 * ticket opened from the queue and left with Back finds both as they were. Click toggles a row,
 * shift-click selects the range from the last clicked row, `x` toggles the focused one.
 */
export function useQueueSelection(ids: string[]) {
  const [selected, setSelected] = useState<Set<string>>(() => new Set(kept().selected));
  const [focusId, setFocusId] = useState<string | null>(() => kept().focus);
  const [anchor, setAnchor] = useState<string | null>(null);

  useEffect(() => {
    const queue: Kept = { selected: [...selected], focus: focusId };
    history.replaceState({ ...(history.state as object | null), queue }, "");
  }, [selected, focusId]);

  // The focused row is the kept one while it is in view, else the first.
  const focusIndex = Math.max(0, focusId ? ids.indexOf(focusId) : 0);

  const toggle = useCallback((id: string) => {
    setSelected((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
    setAnchor(id);
  }, []);

  /** A click on a row's box: toggles it, or with shift selects every row from the anchor to it. */
  const click = useCallback(
    (id: string, shift: boolean) => {
      setFocusId(id);
      if (!shift || anchor === null || !ids.includes(anchor)) return toggle(id);
      const [from, to] = [ids.indexOf(anchor), ids.indexOf(id)].sort((a, b) => a - b) as [number, number];
      setSelected((current) => new Set([...current, ...ids.slice(from, to + 1)]));
    },
    [anchor, ids, toggle],
  );

  const allSelected = ids.length > 0 && ids.every((id) => selected.has(id));
  const selectAll = useCallback(
    (on: boolean) => setSelected((current) => (on ? new Set([...current, ...ids]) : new Set())),
    [ids],
  );

  const move = useCallback(
    (by: number) => {
      const next = ids[Math.min(Math.max(focusIndex + by, 0), ids.length - 1)];
      if (next) setFocusId(next);
    },
    [ids, focusIndex],
  );

  return {
    /** Only rows on the page count: a kept id whose ticket left the view is not acted on. */
    selected: ids.filter((id) => selected.has(id)),
    isSelected: (id: string) => selected.has(id),
    focusIndex,
    focus: setFocusId,
    move,
    click,
    toggleFocused: () => {
      const id = ids[focusIndex];
      if (id) toggle(id);
    },
    allSelected,
    selectAll,
    keepOnly: (keep: string[]) => setSelected(new Set(keep)),
  };
}
