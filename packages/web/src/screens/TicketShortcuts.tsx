import { useEffect, useRef } from "react";

export interface Shortcut {
  key: string;
  label: string;
  run: () => void;
}

/** Keys typed into a field are text, never commands. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** The ticket screen's single-key shortcuts; `?` toggles the list of them. */
export function useShortcuts(shortcuts: Shortcut[], toggleHelp: () => void, closeHelp: () => void) {
  const current = useRef({ shortcuts, toggleHelp, closeHelp });
  current.current = { shortcuts, toggleHelp, closeHelp };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        current.current.closeHelp();
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey || event.repeat || typing(event.target)) return;
      if (event.key === "?") {
        event.preventDefault();
        current.current.toggleHelp();
        return;
      }
      const shortcut = current.current.shortcuts.find((s) => s.key === event.key);
      if (!shortcut) return;
      event.preventDefault();
      current.current.closeHelp();
      shortcut.run();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}

export function ShortcutsOverlay({ shortcuts, onClose }: { shortcuts: Shortcut[]; onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div className="shortcuts-backdrop">
      <div
        className="shortcuts"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        data-testid="shortcuts"
      >
        <h2>Keyboard shortcuts</h2>
        <dl>
          {[...shortcuts, { key: "?", label: "Show or hide this list" }, { key: "Esc", label: "Close it" }].map((s) => (
            <div key={s.key} className="shortcut-row">
              <dt>
                <kbd>{s.key}</kbd>
              </dt>
              <dd>{s.label}</dd>
            </div>
          ))}
        </dl>
        <p className="muted small">Shortcuts do nothing while you type in a field.</p>
        <button ref={close} type="button" onClick={onClose} data-testid="shortcuts-close">
          Close
        </button>
      </div>
    </div>
  );
}
