import { useEffect, useState } from "react";
import { ticketLink } from "../paths";
import { Link } from "../router";
import { clockText, elapsedMs, otherStopwatches, type useStopwatch, type Stopwatch as Watch } from "../time-stopwatch";

/**
 * Start, pause and stop on the ticket page. Stopping pauses it and hands its time to the entry
 * form; the stopwatch is cleared only once that entry is saved (or discarded), so no time is lost.
 */
export function Stopwatch({
  userId,
  ticketId,
  control,
  onStop,
}: {
  userId: string;
  ticketId: string;
  /** The panel holds it: it clears the stopwatch once the entry it fed is saved. */
  control: ReturnType<typeof useStopwatch>;
  onStop: (watch: Watch) => void;
}) {
  const { watch, start, pause, clear } = control;
  const [now, setNow] = useState(() => Date.now());
  const running = watch?.runningSince != null;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  const others = otherStopwatches(userId, ticketId).filter((other) => other.runningSince !== null);
  const state = !watch ? "idle" : running ? "running" : "paused";

  return (
    <div className="stopwatch" data-testid="stopwatch" data-state={state}>
      <span className="stopwatch-clock mono" data-testid="stopwatch-clock" aria-live="off">
        {clockText(watch ? elapsedMs(watch, Math.max(now, Date.now())) : 0)}
      </span>
      {running ? (
        <button type="button" data-testid="stopwatch-pause" onClick={() => pause()}>
          Pause
        </button>
      ) : (
        <button type="button" className="primary" data-testid="stopwatch-start" onClick={start}>
          {watch ? "Resume" : "Start"}
        </button>
      )}
      {watch && (
        <>
          <button
            type="button"
            data-testid="stopwatch-stop"
            onClick={() => {
              const stopped = pause();
              if (stopped) onStop(stopped);
            }}
          >
            Stop
          </button>
          {!running && (
            <button type="button" className="link-button" data-testid="stopwatch-discard" onClick={clear}>
              Discard
            </button>
          )}
        </>
      )}
      {others.length > 0 && (
        <div className="muted small" data-testid="stopwatch-others">
          Also running:{" "}
          {others.map((other, index) => (
            <span key={other.ticketId}>
              {index > 0 && ", "}
              <Link to={ticketLink(other.clientId, other.ticketId)} className="mono">
                {other.ticketKey}
              </Link>
            </span>
          ))}
        </div>
      )}
    </div>
  );
}
