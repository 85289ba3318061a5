import { when } from "../format";
import { path } from "../paths";
import { Link } from "../router";
import { countdown, metricLabel, type SlaCycle, type SlaEvent, type SlaInfo, type SlaRowClock, span } from "../sla";

/**
 * The SLA clocks in daily work: a compact badge per running or paused clock in the queue, and
 * the ticket page's panel of every cycle. Countdowns are computed from the due time against
 * `now`, which the screen refreshes every 30 seconds.
 */

const label = (metric: string) => metricLabel[metric] ?? metric;

/** Queue row: "First reply 42m" (red once breached or overdue), grey "paused". Stopped clocks are not shown. */
export function SlaBadges({ clocks, now }: { clocks: SlaRowClock[] | undefined; now: number }) {
  const shown = (clocks ?? []).filter((clock) => clock.state !== "stopped");
  if (shown.length === 0) return null;
  return (
    <span className="sla-badges">
      {shown.map((clock) => {
        const left = clock.state === "running" && clock.dueAt ? countdown(clock.dueAt, now) : null;
        const late = clock.breached || (left?.overdue ?? false);
        const tone = clock.state === "paused" ? "paused" : late ? "late" : "running";
        return (
          <span
            key={clock.metric}
            className={`badge sla-badge sla-${tone}`}
            data-testid="sla-badge"
            data-metric={clock.metric}
            data-state={clock.state}
            data-late={late ? "true" : "false"}
            title={clock.dueAt ? `due ${when(clock.dueAt)}` : undefined}
          >
            {label(clock.metric)} {clock.state === "paused" ? "paused" : (left?.text ?? "")}
          </span>
        );
      })}
    </span>
  );
}

function CycleState({ cycle, now }: { cycle: SlaCycle; now: number }) {
  if (cycle.state === "running" && cycle.dueAt) {
    const left = countdown(cycle.dueAt, now);
    return (
      <span className={left.overdue ? "error-text" : undefined} data-testid="sla-cycle-left">
        {left.overdue ? left.text : `${left.text} left`} · due {when(cycle.dueAt)}
      </span>
    );
  }
  if (cycle.state === "paused") {
    return (
      <span className="muted">
        paused · {span(cycle.usedMinutes)} of {span(cycle.targetMinutes)} used
      </span>
    );
  }
  return (
    <span className={cycle.outcome === "breached" ? "error-text" : undefined}>
      {cycle.outcome ?? "stopped"}
      {cycle.stoppedAt && ` ${when(cycle.stoppedAt)}`}
    </span>
  );
}

/** The ticket page's SLA: the policy it got (or none) and each cycle's target, state and breach. */
export function SlaPanel({ sla, clientId, now }: { sla: SlaInfo | null | undefined; clientId: string; now: number }) {
  const cycles = sla?.cycles ?? [];
  return (
    <section className="sla-panel" aria-label="SLA" data-testid="sla-panel">
      <h2>SLA</h2>
      <div data-testid="sla-policy">
        {sla?.policy ? (
          <>
            Policy{" "}
            <strong>
              <bdi>{sla.policy.name}</bdi>
            </strong>
          </>
        ) : (
          <span className="muted">No SLA policy</span>
        )}{" "}
        <Link to={path`/clients/${clientId}/sla`} className="small">
          policies
        </Link>
      </div>
      {cycles.length > 0 && (
        <ul className="sla-cycles">
          {cycles.map((cycle) => (
            <li key={cycle.metric} data-testid={`sla-cycle-${cycle.metric}`} data-state={cycle.state}>
              <div>
                <strong>{label(cycle.metric)}</strong>{" "}
                <span className="muted small">
                  target {span(cycle.targetMinutes)}
                  {cycle.calendarId ? " of working time" : ""}
                </span>
              </div>
              <CycleState cycle={cycle} now={now} />
              {cycle.breachedAt && (
                <div className="error-text small" data-testid="sla-breach">
                  breached {when(cycle.breachedAt)}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** An audit event of the SLA clocks: the API's readable reason, with breaches marked. */
export function SlaEventText({ events, reason }: { events: unknown; reason: string | null }) {
  const list = Array.isArray(events) ? (events as SlaEvent[]) : [];
  const breach = list.some((event) => event.kind === "breach");
  return (
    <span className={breach ? "error-text" : undefined} data-testid="sla-event">
      <span className="badge sla-event-badge">SLA</span>{" "}
      <bdi>{reason ?? list.map((event) => event.kind).join(", ")}</bdi>
    </span>
  );
}
