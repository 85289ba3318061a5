import { useState } from "react";
import { ApiError, api } from "../api";
import { priorities, statuses, statusLabel, tiers } from "../format";
import { useSession } from "../session";
import { tagsOf } from "../tags";
import { Options } from "../ui";
import type { TicketSummary } from "./Queue";

export interface BulkResult {
  ticketId: string;
  ok: boolean;
  version: number | null;
  error: { code: string; message: string } | null;
}

const fieldLabels: Record<string, string> = {
  status: "Status",
  priority: "Priority",
  assigneeId: "Assignee",
  tier: "Tier",
  reason: "Reason",
  addTags: "Tags to add",
  removeTags: "Tags to remove",
  mergeInto: "Merge target",
  tickets: "Selection",
};

/** The API's refusal in words, at the field it names ("Reason: say why"). */
function refusal(reason: unknown): string {
  if (!(reason instanceof ApiError)) return reason instanceof Error ? reason.message : String(reason);
  const issue = reason.body.issues?.[0];
  if (!issue) return reason.body.message;
  const field = String(issue.path[0] ?? "");
  return `${fieldLabels[field] ?? field}: ${issue.message}`;
}

/** A ticket's failure in words: "assigneeId: not …" names the field by its label. */
function failureText(message: string): string {
  const found = /^(\w+)(?:\.\w+)*: (.*)$/s.exec(message);
  const label = found ? fieldLabels[found[1]!] : undefined;
  return label ? `${label}: ${found![2]}` : message;
}

/** Tags as typed: commas or spaces between them, each as the API keeps it (tags.ts). */
const tagList = (text: string) => [...new Set(text.split(/[\s,]+/).flatMap((part) => tagsOf(part)))];

/**
 * Bulk work on the selected rows: one request (POST /v1/tickets/bulk) sets status, priority,
 * assignee, tier and tags, or merges them into one; each ticket succeeds or fails on its own.
 */
export function QueueBulk({
  tickets,
  onDone,
  onClear,
}: {
  tickets: TicketSummary[];
  onDone: (results: BulkResult[]) => void;
  onClear: () => void;
}) {
  const session = useSession();
  const [status, setStatus] = useState("");
  const [priority, setPriority] = useState("");
  const [assignee, setAssignee] = useState("");
  const [tier, setTier] = useState("");
  const [reason, setReason] = useState("");
  const [addTags, setAddTags] = useState("");
  const [removeTags, setRemoveTags] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [mergeTarget, setMergeTarget] = useState("");
  const [confirming, setConfirming] = useState(false);
  const staffUsers = session.users.filter((u) => u.status === "active" && u.role !== "client_admin");
  const oneClient = new Set(tickets.map((t) => t.clientId)).size === 1;
  // The merge target defaults to the oldest selected ticket: the one the conversation began in.
  const target =
    tickets.find((t) => t.id === mergeTarget) ?? [...tickets].sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];

  const send = async (body: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      const reply = await api<{ results: BulkResult[] }>("POST", "/v1/tickets/bulk", {
        tickets: tickets.map((t) => ({ clientId: t.clientId, ticketId: t.id })),
        ...body,
      });
      onDone(reply.results);
      setConfirming(false);
    } catch (reason) {
      setError(refusal(reason));
    } finally {
      setBusy(false);
    }
  };

  const apply = () => {
    const body: Record<string, unknown> = {};
    if (status) body.status = status;
    if (priority) body.priority = priority;
    if (assignee) body.assigneeId = assignee === "-" ? null : assignee;
    if (tier) Object.assign(body, { tier, reason });
    if (addTags.trim()) body.addTags = tagList(addTags);
    if (removeTags.trim()) body.removeTags = tagList(removeTags);
    void send(body);
  };

  return (
    <section className="bulk-bar" aria-label="Bulk actions" data-testid="bulk-bar">
      <div className="bulk-row">
        <strong data-testid="bulk-count">{tickets.length} selected</strong>
        <label className="inline">
          Status
          <select data-testid="bulk-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">keep</option>
            <Options values={statuses} label={(s) => statusLabel[s] ?? s} />
          </select>
        </label>
        <label className="inline">
          Priority
          <select data-testid="bulk-priority" value={priority} onChange={(e) => setPriority(e.target.value)}>
            <option value="">keep</option>
            <Options values={priorities} />
          </select>
        </label>
        <label className="inline">
          Assignee
          <select data-testid="bulk-assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
            <option value="">keep</option>
            <option value="-">Unassigned</option>
            {staffUsers.map((user) => (
              <option key={user.id} value={user.id}>
                {user.name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          Tier
          <select data-testid="bulk-tier" value={tier} onChange={(e) => setTier(e.target.value)}>
            <option value="">keep</option>
            <Options values={tiers} />
          </select>
        </label>
        {tier && (
          <label className="inline">
            Reason
            <input
              className="bulk-text"
              data-testid="bulk-reason"
              value={reason}
              placeholder="why the tier changes"
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
        )}
        <label className="inline">
          Add tags
          <input
            className="bulk-text"
            data-testid="bulk-add-tags"
            value={addTags}
            placeholder="tag, tag"
            onChange={(e) => setAddTags(e.target.value)}
          />
        </label>
        <label className="inline">
          Remove tags
          <input
            className="bulk-text"
            data-testid="bulk-remove-tags"
            value={removeTags}
            placeholder="tag, tag"
            onChange={(e) => setRemoveTags(e.target.value)}
          />
        </label>
        <button type="button" className="primary" data-testid="bulk-apply" disabled={busy} onClick={apply}>
          Apply to {tickets.length}
        </button>
        <button type="button" className="link-button" data-testid="bulk-clear" onClick={onClear}>
          Clear selection
        </button>
      </div>
      {session.staff && tickets.length > 1 && (
        <div className="bulk-row">
          {oneClient && target ? (
            <>
              <label className="inline">
                Merge into
                <select
                  data-testid="bulk-merge-target"
                  value={target.id}
                  onChange={(e) => {
                    setMergeTarget(e.target.value);
                    setConfirming(false);
                  }}
                >
                  {tickets.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.key}
                    </option>
                  ))}
                </select>
              </label>
              {confirming ? (
                <span className="bulk-confirm" role="alert">
                  Merge {tickets.length - 1} into {target.key}? Their messages move there and they close.
                  <button
                    type="button"
                    className="danger"
                    data-testid="bulk-merge-confirm"
                    disabled={busy}
                    onClick={() => void send({ mergeInto: target.id })}
                  >
                    Merge
                  </button>
                  <button type="button" className="link-button" onClick={() => setConfirming(false)}>
                    Cancel
                  </button>
                </span>
              ) : (
                <button type="button" data-testid="bulk-merge" onClick={() => setConfirming(true)}>
                  Merge…
                </button>
              )}
            </>
          ) : (
            <span className="muted">Merging takes tickets of one client.</span>
          )}
        </div>
      )}
      {error && (
        <p className="error" role="alert" data-testid="bulk-error">
          {error}
        </p>
      )}
    </section>
  );
}

/** What the last bulk request did, ticket by ticket. */
export function QueueBulkResults({
  results,
  keyOf,
  onDismiss,
}: {
  results: BulkResult[];
  keyOf: (ticketId: string) => string;
  onDismiss: () => void;
}) {
  const failed = results.filter((r) => !r.ok);
  return (
    <section className="bulk-results" aria-live="polite" data-testid="bulk-results">
      <div className="bulk-row">
        <strong data-testid="bulk-summary">
          {results.length - failed.length} done{failed.length ? `, ${failed.length} failed` : ""}
        </strong>
        <button type="button" className="link-button" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
      <ul>
        {results.map((r) => (
          <li key={r.ticketId} data-testid="bulk-result" data-ok={r.ok} className={r.ok ? "ok" : "failed"}>
            <span className="mono">{keyOf(r.ticketId)}</span>{" "}
            {r.ok ? "done" : `failed: ${failureText(r.error?.message ?? "unknown")}`}
          </li>
        ))}
      </ul>
    </section>
  );
}
