import { type FormEvent, type ReactNode, useEffect, useState } from "react";
import { ApiError, api } from "../api";
import { isolate } from "../bidi";
import { priorities, statuses, statusLabel, tiers, types } from "../format";
import { ticketLink, withQuery } from "../paths";
import { Link } from "../router";
import { useSession } from "../session";
import { normalizeTag, tagsOf } from "../tags";
import { Options, StatusBadge } from "../ui";
import { ZonedTime } from "../zoned-time";
import type { TicketSummary } from "./Queue";
import type { Change, Ticket } from "./ticket-page";

/** Status, priority, type, tier, assignee and tags, for the provider's staff. */
export function StaffPanel({
  ticket,
  clientId,
  disabled,
  change,
  path,
  reload,
  setNotice,
  children,
}: {
  ticket: Ticket;
  clientId: string;
  disabled: boolean;
  change: Change;
  path: string;
  reload: () => Promise<void>;
  setNotice: (notice: string | null) => void;
  children?: ReactNode;
}) {
  const session = useSession();
  const [tag, setTag] = useState("");
  const [tier, setTier] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const assignees = session.users.filter(
    (user) =>
      user.status === "active" &&
      (user.role === "provider_admin" || (user.role === "agent" && user.clientIds.includes(clientId))),
  );
  const me = session.me.user;
  const clientZone = session.clients.find((c) => c.id === clientId)?.timeZone;

  async function escalate(event: FormEvent) {
    event.preventDefault();
    try {
      await api("POST", `${path}/escalate`, { tier, reason }, { "if-match": `"${ticket.version}"` });
      setTier(null);
      setReason("");
      await reload();
    } catch (error) {
      setNotice(error instanceof ApiError ? error.detail : "Could not change the tier");
      await reload();
    }
  }

  return (
    <div className="props-form">
      <label>
        Assignee
        <select
          data-testid="assignee"
          disabled={disabled}
          value={ticket.assigneeId ?? ""}
          onChange={(e) =>
            void change(
              { assigneeId: e.target.value || null },
              { assigneeId: e.target.value || null },
              { label: "the assignee" },
            )
          }
        >
          <option value="">Unassigned</option>
          {assignees.map((user) => (
            <option key={user.id} value={user.id}>
              {isolate(user.name)}
            </option>
          ))}
        </select>
      </label>
      {me && ticket.assigneeId !== me.id && !disabled && (
        <button
          type="button"
          className="link-button"
          data-testid="take"
          onClick={() => void change({ assigneeId: me.id }, { assigneeId: me.id }, { label: "assigning it to you" })}
        >
          Take it
        </button>
      )}
      <label>
        Status
        <select
          id="ticket-status"
          data-testid="status"
          disabled={disabled}
          value={ticket.status}
          onChange={(e) =>
            void change(
              { status: e.target.value },
              { status: e.target.value },
              { label: `status → ${statusLabel[e.target.value]}` },
            )
          }
        >
          <Options values={statuses} label={(s) => statusLabel[s] ?? s} />
        </select>
      </label>
      <label>
        Priority
        <select
          data-testid="priority"
          disabled={disabled}
          value={ticket.priority}
          onChange={(e) =>
            void change(
              { priority: e.target.value },
              { priority: e.target.value },
              { label: `priority → ${e.target.value}` },
            )
          }
        >
          <Options values={priorities} />
        </select>
      </label>
      <label>
        Type
        <select
          disabled={disabled}
          value={ticket.type}
          onChange={(e) =>
            void change({ type: e.target.value }, { type: e.target.value }, { label: `type → ${e.target.value}` })
          }
        >
          <Options values={types} />
        </select>
      </label>
      <label>
        Tier
        <select
          data-testid="tier"
          disabled={disabled}
          value={tier ?? ticket.tier ?? "L1"}
          onChange={(e) => setTier(e.target.value === ticket.tier ? null : e.target.value)}
        >
          <Options values={tiers} />
        </select>
      </label>
      {tier && (
        <form onSubmit={escalate} className="escalate">
          <input
            data-testid="escalate-reason"
            aria-label={`Why move to ${tier}?`}
            required
            minLength={3}
            placeholder={`Why move to ${tier}?`}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <button type="submit" className="primary" data-testid="escalate-submit">
            {tiers.indexOf(tier as "L1") > tiers.indexOf(ticket.tier as "L1") ? "Escalate" : "De-escalate"}
          </button>
        </form>
      )}
      <div className="tags">
        <span className="label">Tags</span>
        <div className="chips">
          {ticket.tags.map((t) => (
            <span key={t} className="chip">
              <bdi>{t}</bdi>
              {!disabled && (
                <button
                  type="button"
                  aria-label={`Remove ${isolate(t)}`}
                  onClick={() =>
                    void change(
                      { removeTags: [t] },
                      { tags: ticket.tags.filter((x) => x !== t) },
                      { label: `removing ${t}` },
                    )
                  }
                >
                  ×
                </button>
              )}
            </span>
          ))}
        </div>
        {!disabled && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const value = tagsOf(tag)[0];
              if (!value) return;
              setTag("");
              void change({ addTags: [value] }, { tags: [...ticket.tags, value] }, { label: `adding ${value}` });
            }}
          >
            <input
              data-testid="add-tag"
              aria-label="Add tag"
              placeholder="Add tag, press enter"
              value={tag}
              onChange={(e) => setTag(normalizeTag(e.target.value))}
            />
          </form>
        )}
      </div>
      {children}
      <div className="muted small">
        {ticket.timeSpentMinutes !== null && `${ticket.timeSpentMinutes} min logged · `}created{" "}
        <ZonedTime at={ticket.createdAt} clientZone={clientZone} />
      </div>
    </div>
  );
}

/** What a client admin sees of the ticket's handling: no tier, no internal work. */
export function ClientPanel({ ticket, name }: { ticket: Ticket; name: (id: string | null) => string }) {
  return (
    <dl className="props" data-testid="client-props">
      <dt>Status</dt>
      <dd>{statusLabel[ticket.status]}</dd>
      <dt>Priority</dt>
      <dd>{ticket.priority}</dd>
      <dt>Assignee</dt>
      <dd data-testid="client-assignee">
        {ticket.assigneeId ? <bdi>{name(ticket.assigneeId)}</bdi> : "Waiting for an agent"}
      </dd>
    </dl>
  );
}

export function Fields({
  ticket,
  fields,
  editable,
  change,
}: {
  ticket: Ticket;
  fields: ReturnType<typeof useSession>["clients"][number]["ticketFields"];
  editable: boolean;
  change: Change;
}) {
  const save = (key: string, value: string | number | boolean | null) =>
    void change(
      { fields: { [key]: value } },
      { fields: { ...ticket.fields, [key]: value } },
      { label: `the field ${key}` },
    );
  return (
    <section className="fields" aria-label="Fields">
      <h2>Fields</h2>
      {fields.map((field) => {
        const value = ticket.fields[field.key];
        const label = `${field.label}${field.required ? " *" : ""}`;
        if (!editable) {
          return (
            <div key={field.key} className="field-row">
              <span className="label">
                <bdi>{label}</bdi>
              </span>{" "}
              <bdi>{value === undefined || value === null ? "—" : String(value)}</bdi>
            </div>
          );
        }
        if (field.type === "select") {
          return (
            <label key={field.key}>
              <bdi>{label}</bdi>
              <select
                value={value === undefined || value === null ? "" : String(value)}
                onChange={(e) => save(field.key, e.target.value || null)}
              >
                <option value="">—</option>
                {(field.options ?? []).map((option) => (
                  <option key={option} value={option}>
                    {isolate(option)}
                  </option>
                ))}
              </select>
            </label>
          );
        }
        if (field.type === "boolean") {
          return (
            <label key={field.key} className="inline">
              <input type="checkbox" checked={value === true} onChange={(e) => save(field.key, e.target.checked)} />{" "}
              <bdi>{label}</bdi>
            </label>
          );
        }
        return (
          <label key={field.key}>
            <bdi>{label}</bdi>
            <input
              key={`${field.key}:${String(value ?? "")}`}
              type={field.type === "number" ? "number" : field.type === "date" ? "date" : "text"}
              defaultValue={value === undefined || value === null ? "" : String(value)}
              onBlur={(e) => {
                const raw = e.target.value;
                const next = raw === "" ? null : field.type === "number" ? Number(raw) : raw;
                if (next !== (value ?? null)) save(field.key, next);
              }}
            />
          </label>
        );
      })}
    </section>
  );
}

/** The requester's other tickets at this client: context for the agent, one index query. */
export function RequesterTickets({ clientId, email, current }: { clientId: string; email: string; current: string }) {
  const [items, setItems] = useState<TicketSummary[] | null>(null);
  useEffect(() => {
    const url = withQuery("/v1/tickets", { view: "requester", clientId, requester: email, limit: "6" });
    api<{ items: TicketSummary[] }>("GET", url)
      .then((page) => setItems(page.items.filter((t) => t.id !== current).slice(0, 5)))
      .catch(() => setItems([]));
  }, [clientId, email, current]);
  if (!items || items.length === 0) return null;
  return (
    <section className="requester-tickets" aria-label="More from this requester">
      <h2>More from this requester</h2>
      <ul data-testid="requester-tickets">
        {items.map((t) => (
          <li key={t.id}>
            <Link to={ticketLink(t.clientId, t.id)}>
              <span className="mono">{t.key}</span> <bdi>{t.subject}</bdi>
            </Link>{" "}
            <StatusBadge status={t.status} />
          </li>
        ))}
      </ul>
    </section>
  );
}
