import { type FormEvent, useCallback, useEffect, useState } from "react";
import { ApiError } from "../api";
import { when } from "../format";
import { FieldIssue, type FormProblem, problemOf } from "../issues";
import { useSession } from "../session";
import {
  approveEntry,
  type Billing,
  billableOf,
  billingLabel,
  billings,
  createEntry,
  deleteEntry,
  type EntryInput,
  entryStatusLabel,
  fromLocalInput,
  hoursMinutes,
  listEntries,
  reopenEntry,
  type TimeEntry,
  toLocalInput,
  updateEntry,
  type WorkType,
  workTypeLabel,
  workTypes,
} from "../time";
import { elapsedMinutes, useStopwatch, type Stopwatch as Watch } from "../time-stopwatch";
import { Options } from "../ui";
import { Stopwatch } from "./Stopwatch";

/** The entry form's fields, as the API's issues name them and as the form labels them. */
const fieldLabel: Record<string, string> = {
  workType: "Work type",
  startedAt: "Started at",
  minutes: "Minutes worked",
  billing: "Billing",
  note: "Note",
  version: "Version",
};

/** An API refusal in words: "Started at: 2026-04 is locked for billing…", never a field path. */
export function inWords(reason: unknown, fallback: string): string {
  if (!(reason instanceof ApiError)) return fallback;
  const issues = reason.body.issues ?? [];
  if (issues.length === 0) return reason.body.message || fallback;
  return issues
    .map((issue) => {
      const field = String(issue.path[0] ?? "");
      return field ? `${fieldLabel[field] ?? field}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

interface Draft {
  workType: WorkType;
  startedAt: string;
  minutes: string;
  /** "": all the minutes worked. */
  billable: string;
  billing: Billing;
  note: string;
}

const draftOf = (entry: TimeEntry): Draft => ({
  workType: entry.workType,
  startedAt: toLocalInput(entry.startedAt),
  minutes: String(entry.minutes),
  billable:
    entry.billableMinutes !== undefined && entry.billableMinutes !== entry.minutes ? String(entry.billableMinutes) : "",
  billing: entry.billing,
  note: entry.note ?? "",
});

/** What the form sends: every field for a new entry, the changed ones for an edit. */
function inputOf(draft: Draft, before: Draft | null): Partial<EntryInput> {
  // A time the browser cannot read goes as typed: the API names the field.
  const startedAt = fromLocalInput(draft.startedAt) ?? draft.startedAt;
  const minutes = draft.minutes.trim() === "" ? undefined : Number(draft.minutes);
  const billable = draft.billable.trim() === "" ? null : Number(draft.billable);
  const all: Partial<EntryInput> = {
    workType: draft.workType,
    startedAt,
    ...(minutes === undefined ? {} : { minutes }),
    ...(billable === null ? {} : { billableMinutes: billable }),
    billing: draft.billing,
    note: draft.note.trim() || (before ? null : undefined),
  };
  if (!before) return all;
  const changed: Partial<EntryInput> = {};
  if (draft.workType !== before.workType) changed.workType = draft.workType;
  if (draft.startedAt !== before.startedAt) changed.startedAt = startedAt;
  if (draft.minutes !== before.minutes) changed.minutes = minutes as number;
  if (draft.billable !== before.billable) changed.billableMinutes = billable;
  if (draft.billing !== before.billing) changed.billing = draft.billing;
  if (draft.note !== before.note) changed.note = all.note ?? null;
  return changed;
}

function EntryForm({
  initial,
  editing,
  onSave,
  onCancel,
}: {
  initial: Draft;
  editing: boolean;
  onSave: (draft: Draft) => Promise<void>;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState(initial);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const worked = Number(draft.minutes) || 0;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await onSave(draft);
    } catch (reason) {
      // What was typed stays; the API's words go next to the fields they name.
      const next = problemOf(reason);
      setProblem({ ...next, message: inWords(reason, next.message) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="time-form" onSubmit={submit} noValidate aria-label="Time entry" data-testid="time-form">
      <div className="time-fields">
        <label>
          Work type
          <select
            className="time-input"
            data-testid="time-work-type"
            value={draft.workType}
            onChange={(e) => set("workType", e.target.value as WorkType)}
          >
            <Options values={workTypes} label={(w) => workTypeLabel[w] ?? w} />
          </select>
          <FieldIssue problem={problem} at={["workType"]} />
        </label>
        <label>
          Started at
          <input
            type="datetime-local"
            className="time-input"
            data-testid="time-started-at"
            value={draft.startedAt}
            onChange={(e) => set("startedAt", e.target.value)}
          />
          <FieldIssue problem={problem} at={["startedAt"]} />
        </label>
        <label>
          Minutes worked
          <input
            type="number"
            inputMode="numeric"
            min={1}
            className="time-input"
            data-testid="time-minutes"
            value={draft.minutes}
            onChange={(e) => set("minutes", e.target.value)}
          />
          <FieldIssue problem={problem} at={["minutes"]} />
        </label>
        <label>
          Billing
          <select
            className="time-input"
            data-testid="time-billing"
            value={draft.billing}
            onChange={(e) => set("billing", e.target.value as Billing)}
          >
            <Options values={billings} label={(b) => billingLabel[b] ?? b} />
          </select>
          <FieldIssue problem={problem} at={["billing"]} />
        </label>
        {draft.billing === "billable" && (
          <label>
            Minutes billable
            <input
              type="number"
              inputMode="numeric"
              min={0}
              className="time-input"
              data-testid="time-billable-input"
              placeholder={worked ? String(worked) : "all worked"}
              value={draft.billable}
              onChange={(e) => set("billable", e.target.value)}
            />
            <span className="muted small" data-testid="time-billable">
              {draft.billable.trim() === "" ? worked : Number(draft.billable) || 0} billable, rounded by the client's
              contract when approved
            </span>
            <FieldIssue problem={problem} at={["billableMinutes"]} />
          </label>
        )}
      </div>
      <label>
        Note
        <textarea data-testid="time-note" rows={2} value={draft.note} onChange={(e) => set("note", e.target.value)} />
        <FieldIssue problem={problem} at={["note"]} />
      </label>
      {problem && (
        <div className="error-note" role="alert" data-testid="time-problem">
          {problem.message}
        </div>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy} data-testid="time-save">
          {busy ? "Saving…" : editing ? "Save changes" : "Log time"}
        </button>
        <button type="button" onClick={onCancel} data-testid="time-cancel">
          Cancel
        </button>
      </div>
    </form>
  );
}

type Editing = { kind: "new"; draft: Draft; fromStopwatch: boolean } | { kind: "edit"; entry: TimeEntry };

/** The ticket page's time: the stopwatch, manual entry and the ticket's entries (staff only). */
export function TimeEntries({
  clientId,
  ticketId,
  ticketKey,
  initial,
}: {
  clientId: string;
  ticketId: string;
  ticketKey: string;
  initial: TimeEntry[] | undefined;
}) {
  const session = useSession();
  const me = session.me.user;
  const userId = me?.id ?? session.me.actor.id;
  const providerAdmin = session.me.actor.role === "provider_admin";
  const stopwatch = useStopwatch(userId, { clientId, ticketId, ticketKey });
  const [entries, setEntries] = useState<TimeEntry[]>(initial ?? []);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [rowProblem, setRowProblem] = useState<{ id: string; message: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  const reload = useCallback(async () => {
    const { items } = await listEntries(clientId, ticketId);
    setEntries(items);
    return items;
  }, [clientId, ticketId]);

  // The ticket page reloaded (a reply may have logged time): its list is the fresh one. The page
  // does not say which approved entries are invoiced (their month locked); the list route does.
  useEffect(() => {
    if (initial) setEntries(initial);
    if (initial?.some((e) => e.status === "approved")) void reload().catch(() => undefined);
  }, [initial, reload]);

  const blank = (watch?: Watch): Draft => ({
    workType: "other",
    startedAt: toLocalInput(watch?.startedAt ?? new Date().toISOString()),
    minutes: watch ? String(elapsedMinutes(watch)) : "",
    billable: "",
    billing: "billable",
    note: "",
  });

  async function save(draft: Draft) {
    if (!editing) return;
    if (editing.kind === "new") {
      await createEntry(clientId, ticketId, inputOf(draft, null) as EntryInput);
      if (editing.fromStopwatch) stopwatch.clear();
    } else {
      try {
        await updateEntry(editing.entry, inputOf(draft, draftOf(editing.entry)));
      } catch (reason) {
        // Someone changed it meanwhile: the form keeps what was typed and saves over the fresh version.
        if (reason instanceof ApiError && reason.status === 409) {
          const fresh = (await reload()).find((e) => e.id === editing.entry.id);
          if (fresh) setEditing({ kind: "edit", entry: fresh });
        }
        throw reason;
      }
    }
    setEditing(null);
    await reload();
  }

  async function act(entry: TimeEntry, action: (entry: TimeEntry) => Promise<unknown>, what: string) {
    setRowProblem(null);
    try {
      await action(entry);
    } catch (reason) {
      setRowProblem({ id: entry.id, message: inWords(reason, `Could not ${what} the entry`) });
    }
    setConfirming(null);
    await reload().catch(() => undefined);
  }

  const mine = (entry: TimeEntry) => providerAdmin || entry.agent.id === userId;
  const worked = entries.reduce((sum, e) => sum + e.minutes, 0);
  const billable = entries.reduce((sum, e) => sum + billableOf(e), 0);

  return (
    <section className="time-panel" aria-label="Time" data-testid="time-panel">
      <h2>Time</h2>
      <Stopwatch
        userId={userId}
        ticketId={ticketId}
        control={stopwatch}
        onStop={(watch) => setEditing({ kind: "new", draft: blank(watch), fromStopwatch: true })}
      />
      {editing ? (
        <EntryForm
          key={editing.kind === "edit" ? editing.entry.id : `new:${editing.draft.minutes}:${editing.draft.startedAt}`}
          initial={editing.kind === "edit" ? draftOf(editing.entry) : editing.draft}
          editing={editing.kind === "edit"}
          onSave={save}
          onCancel={() => setEditing(null)}
        />
      ) : (
        <button
          type="button"
          className="link-button"
          data-testid="time-add"
          onClick={() => setEditing({ kind: "new", draft: blank(), fromStopwatch: false })}
        >
          Log time manually
        </button>
      )}
      {entries.length > 0 && (
        <>
          <ul className="time-entries" data-testid="time-entries">
            {entries.map((entry) => (
              <li
                key={entry.id}
                data-testid="time-entry"
                data-entry-id={entry.id}
                data-status={entry.status}
                data-minutes={entry.minutes}
              >
                <div className="time-entry-head">
                  <strong>{hoursMinutes(entry.minutes)}</strong>
                  <span className={`badge entry-${entry.status}`} data-testid="time-entry-status">
                    {entryStatusLabel[entry.status] ?? entry.status}
                  </span>
                  <span className="muted small">
                    {workTypeLabel[entry.workType] ?? entry.workType} · {billingLabel[entry.billing] ?? entry.billing}
                    {entry.billing === "billable" && entry.status !== "draft" && ` · ${entry.billedMinutes} min billed`}
                  </span>
                </div>
                <div className="muted small">
                  <bdi>{entry.agent.name}</bdi> · <time dateTime={entry.startedAt}>{when(entry.startedAt)}</time>
                </div>
                {entry.note && (
                  <div className="time-note" data-testid="time-entry-note">
                    <bdi>{entry.note}</bdi>
                  </div>
                )}
                <div className="row-actions">
                  {entry.status === "draft" && mine(entry) && confirming !== entry.id && (
                    <>
                      <button type="button" data-testid="time-edit" onClick={() => setEditing({ kind: "edit", entry })}>
                        Edit
                      </button>
                      <button type="button" data-testid="time-delete" onClick={() => setConfirming(entry.id)}>
                        Delete
                      </button>
                    </>
                  )}
                  {confirming === entry.id && (
                    <span role="alert">
                      Delete this entry?{" "}
                      <button
                        type="button"
                        className="danger"
                        data-testid="time-delete-confirm"
                        onClick={() => void act(entry, deleteEntry, "delete")}
                      >
                        Delete
                      </button>
                      <button type="button" onClick={() => setConfirming(null)}>
                        Keep
                      </button>
                    </span>
                  )}
                  {providerAdmin && entry.status === "draft" && (
                    <button
                      type="button"
                      data-testid="time-approve"
                      onClick={() => void act(entry, approveEntry, "approve")}
                    >
                      Approve
                    </button>
                  )}
                  {providerAdmin && entry.status === "approved" && (
                    <button
                      type="button"
                      data-testid="time-reopen"
                      onClick={() => void act(entry, reopenEntry, "reopen")}
                    >
                      Reopen
                    </button>
                  )}
                </div>
                {rowProblem?.id === entry.id && (
                  <div className="error-note" role="alert" data-testid="time-entry-problem">
                    {rowProblem.message}
                  </div>
                )}
              </li>
            ))}
          </ul>
          <div className="muted small" data-testid="time-totals" data-worked={worked} data-billable={billable}>
            {hoursMinutes(worked)} worked · {hoursMinutes(billable)} billable
          </div>
        </>
      )}
    </section>
  );
}
