import { useCallback, useEffect, useState } from "react";
import { ApiError } from "../api";
import { isolate } from "../bidi";
import { listCalendars } from "../calendars";
import { priorities, statusLabel, when } from "../format";
import { type FormProblem, ProblemSummary, problemOf } from "../issues";
import { Link } from "../router";
import { useSession } from "../session";
import {
  actionLabel,
  getPolicies,
  metricLabel,
  metrics,
  type Policy,
  type PolicySet,
  savePolicies,
  span,
  waitingStatuses,
} from "../sla";
import { reportLink } from "../sla-report";
import { ErrorNote, Spinner } from "../ui";
import { newPolicy, type PolicyDraft, PolicyEditor, toDraft, toPolicy } from "./PolicyEditor";

/** /clients/:clientId/sla: the client's policies, editable by provider admins, read by everyone serving it. */
export function ClientSlaPage({ clientId }: { clientId: string }) {
  const session = useSession();
  return (
    <section className="admin" aria-label="Client SLA">
      <h1>
        <bdi>{session.clientName(clientId)}</bdi> · SLA
      </h1>
      <p className="muted small">
        How the targets are doing: the <Link to={reportLink(clientId)}>SLA dashboard</Link>.
      </p>
      <SlaPolicies clientId={clientId} editable={session.me.actor.role === "provider_admin"} />
    </section>
  );
}

/**
 * A client's SLA policies, in the order they are tried: provider admins edit them (saved with
 * the version read; a 409 asks to reload), staff serving the client and its client admins read them.
 */
export function SlaPolicies({ clientId, editable }: { clientId: string; editable: boolean }) {
  const [set, setSet] = useState<PolicySet | null>(null);
  const [calendars, setCalendars] = useState<{ id: string; name: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [savedVersion, setSavedVersion] = useState<number | null>(null);

  const load = useCallback(async () => {
    try {
      const [loaded, all] = await Promise.all([
        getPolicies(clientId),
        // Only provider admins choose calendars (and only they may list them all).
        editable ? listCalendars().then((page) => page.items) : Promise.resolve([]),
      ]);
      setSet(loaded);
      // The calendars the policies count on, and every other one to choose from.
      const known = new Map(loaded.calendars.map((c) => [c.id, c.name]));
      for (const calendar of all) known.set(calendar.id, calendar.name);
      setCalendars([...known].map(([id, name]) => ({ id, name })));
      setError(null);
    } catch (reason) {
      setError(
        reason instanceof ApiError
          ? reason.status === 404
            ? "This client does not exist or is not yours to see."
            : reason.detail
          : "Could not load the SLA policies",
      );
    }
  }, [clientId, editable]);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="sla-policies" aria-label="SLA policies" data-testid="sla-policies">
      <h2>SLA policies</h2>
      {error && <ErrorNote onRetry={() => void load()}>{error}</ErrorNote>}
      {!set ? (
        !error && <Spinner />
      ) : editable ? (
        <PolicySetEditor
          key={set.version}
          set={set}
          calendars={calendars}
          justSaved={savedVersion === set.version}
          onSaved={(next) => {
            setSet(next);
            setSavedVersion(next.version);
          }}
          reload={load}
        />
      ) : (
        <PolicyList set={set} />
      )}
      {set && (
        <p className="muted" data-testid="sla-fallback">
          <bdi>{set.fallback}</bdi>
        </p>
      )}
    </section>
  );
}

function PolicySetEditor({
  set,
  calendars,
  justSaved,
  onSaved,
  reload,
}: {
  set: PolicySet;
  calendars: { id: string; name: string }[];
  justSaved: boolean;
  onSaved: (next: PolicySet) => void;
  reload: () => Promise<void>;
}) {
  const defaultCalendar = calendars[0]?.id ?? null;
  const [drafts, setDrafts] = useState<PolicyDraft[]>(() => set.policies.map((p) => toDraft(p, defaultCalendar)));
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(justSaved);

  const edit = (next: PolicyDraft[]) => {
    setDrafts(next);
    setSaved(false);
  };
  const move = (index: number, by: -1 | 1) => {
    const next = [...drafts];
    const [moved] = next.splice(index, 1);
    next.splice(index + by, 0, moved!);
    edit(next);
  };

  async function save() {
    setBusy(true);
    setProblem(null);
    try {
      onSaved(await savePolicies(set.clientId, drafts.map(toPolicy), set.version));
      // The editor is keyed by the set's version: a successful save remounts it with the saved policies.
    } catch (reason) {
      setProblem(problemOf(reason));
      setBusy(false);
    }
  }

  return (
    <form
      className="policy-set"
      aria-label="Edit SLA policies"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <p className="muted small">
        The first policy whose conditions hold applies to a new ticket (and again when its priority, type or tags
        change). Tickets already measured keep the policy they got.
        {set.version > 0 && set.updatedAt && ` Version ${set.version}, saved ${when(set.updatedAt)}.`}
      </p>
      {problem?.conflict ? (
        <div className="notice" role="alert" data-testid="sla-conflict">
          Someone changed these policies since you opened them. Reload to see their version (your edits here are
          discarded), then make your change again.{" "}
          <button type="button" className="link-button" onClick={() => void reload()}>
            Reload
          </button>
        </div>
      ) : (
        <ProblemSummary problem={problem} />
      )}
      {saved && !problem && (
        <div className="notice" role="status" data-testid="sla-saved">
          Saved: version {set.version}.
        </div>
      )}
      {drafts.length === 0 && <p className="muted">No policies: no ticket of this client is measured.</p>}
      {drafts.map((draft, index) => (
        <PolicyEditor
          key={draft.row}
          draft={draft}
          index={index}
          count={drafts.length}
          calendars={calendars}
          problem={problem}
          onChange={(next) => edit(drafts.map((d) => (d.row === draft.row ? next : d)))}
          onMove={(by) => move(index, by)}
          onRemove={() => edit(drafts.filter((d) => d.row !== draft.row))}
        />
      ))}
      <div className="actions gap">
        <button type="button" data-testid="add-policy" onClick={() => edit([...drafts, newPolicy(defaultCalendar)])}>
          Add policy
        </button>
        <button type="submit" className="primary" disabled={busy} data-testid="save-policies">
          Save policies
        </button>
      </div>
    </form>
  );
}

function conditions(policy: Policy): string {
  const { match } = policy;
  const parts = [
    match.priorities && `priority ${match.priorities.join(" or ")}`,
    match.types && `type ${match.types.join(" or ")}`,
    match.channels && `channel ${match.channels.join(" or ")}`,
    match.tags && `any tag of ${match.tags.map((tag) => isolate(tag)).join(", ")}`,
  ].filter(Boolean);
  return parts.length ? parts.join("; ") : "every ticket";
}

/** Read-only: what each policy measures, for agents and client admins. */
function PolicyList({ set }: { set: PolicySet }) {
  const session = useSession();
  const calendarName = (id: string | null) =>
    id === null ? "calendar minutes" : (set.calendars.find((c) => c.id === id)?.name ?? "a calendar");
  if (set.policies.length === 0) return <p className="muted">No policies.</p>;
  return (
    <ol className="policy-list">
      {set.policies.map((policy) => (
        <li key={policy.id ?? policy.name} data-testid="sla-policy">
          <strong>
            <bdi>{policy.name}</bdi>
          </strong>{" "}
          <span className="muted">— applies to {conditions(policy)}</span>
          <table className="tickets compact">
            <thead>
              <tr>
                <th>Metric</th>
                <th>Counts on</th>
                {priorities.map((priority) => (
                  <th key={priority}>{priority}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {metrics.map((metric) => {
                const target = policy.targets[metric];
                if (!target) return null;
                return (
                  <tr key={metric} data-testid={`target-${metric}`}>
                    <td>{metricLabel[metric]}</td>
                    <td>
                      <bdi>{calendarName(target.calendarId)}</bdi>
                    </td>
                    {priorities.map((priority) => {
                      const minutes = target.minutes[priority];
                      return <td key={priority}>{minutes === undefined ? "—" : span(minutes)}</td>;
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="muted small">
            {waitingStatuses
              .map((status) => {
                const paused = policy.pauses[status] ?? [];
                return `${statusLabel[status]} pauses ${paused.length ? paused.map((m) => metricLabel[m]).join(", ") : "nothing"}`;
              })
              .join(" · ")}
            {" · "}warnings at {policy.warnings.length ? policy.warnings.map((w) => `${w}%`).join(", ") : "none"}
            {session.staff && policy.escalation.length > 0 && (
              <>
                {" · "}escalation:{" "}
                {policy.escalation.map((step) => `${step.atPercent}% ${actionLabel[step.action]}`).join(" → ")}
              </>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}
