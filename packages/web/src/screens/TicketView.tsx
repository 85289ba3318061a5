import { type FormEvent, useCallback, useEffect, useMemo, useState } from "react";
import { ApiError, api } from "../api";
import {
  AttachmentList,
  AttachmentPicker,
  type AttachmentRef,
  frameHtml,
  useInlineImages,
  useUploads,
} from "../attachments";
import { isolate } from "../bidi";
import { priorities, statuses, statusLabel, tiers, types, when } from "../format";
import { FoldedText, MailHeader, type MailInfo, mailOption, ReplyMailOptions } from "../mail";
import frameStyles from "../message-frame.css?url";
import { ticketApi, ticketLink, withQuery } from "../paths";
import { Link } from "../router";
import { useSession } from "../session";
import { type SlaInfo, useNow } from "../sla";
import type { TimeEntry as TimeEntryInfo } from "../time";
import { ErrorNote, Options, PriorityBadge, Spinner, StatusBadge } from "../ui";
import type { TicketSummary } from "./Queue";
import { SlaEventText, SlaPanel } from "./SlaClocks";
import { TimeEntries } from "./TimeEntries";

interface Ticket extends Omit<TicketSummary, "sla"> {
  version: number;
  type: string;
  category: string | null;
  channel: string;
  ccs: string[];
  fields: Record<string, string | number | boolean | null>;
  /** Internal work: null for client admins. */
  timeSpentMinutes: number | null;
  mergedInto: string | null;
  firstReplyAt: string | null;
  /** null: the client had no SLA policies when the ticket was created. */
  sla: SlaInfo | null;
}

interface Message {
  id: string;
  visibility: "public" | "internal";
  author: { type: string; id: string | null; name: string };
  bodyText: string;
  bodyHtml: string | null;
  attachments: AttachmentRef[];
  channel: string;
  timeSpentMinutes: number;
  mergedFrom: string | null;
  mail: MailInfo | null;
  createdAt: string;
}

interface Event {
  id: string;
  at: string;
  actor: { type: string; id: string };
  field: string;
  from: unknown;
  to: unknown;
  reason: string | null;
}

interface Page {
  ticket: Ticket;
  /** A long thread's page holds its newest messages; this cursor reads the ones before. */
  olderMessages: string | null;
  messages: Message[];
  events: Event[];
  /** Staff only ([] for client admins). */
  timeEntries?: TimeEntryInfo[];
}

/**
 * Mail HTML is shown in a sandboxed frame with no scripts and no remote loads. Its links open in
 * a new tab (the sanitizer writes target=_blank rel=noopener; `<base>` covers any it missed):
 * the frame may open popups, and they escape the sandbox so the linked page works normally.
 * Never allow-scripts here, nor allow-same-origin.
 *
 * Images: the sanitizer stores them without `src`. Before rendering, this page gives `cid:`
 * images presigned inline URLs (from the API, after its check) and remote images a source only
 * once the agent clicks "Load remote images"; the frame's policy admits the attachment URLs'
 * origin, and `https:` only then.
 */
function HtmlBody({
  html,
  attachments,
  ticketPath,
}: {
  html: string;
  attachments: AttachmentRef[];
  ticketPath: string;
}) {
  const [remote, setRemote] = useState(false);
  const urls = useInlineImages(ticketPath, html, attachments);
  const shown = useMemo(() => frameHtml(html, urls, remote), [html, urls, remote]);
  const origins = [...new Set([...urls.values()].map((url) => new URL(url).origin))];
  const imgSrc = ["data:", ...origins, ...(remote ? ["https:"] : [])].join(" ");
  const doc = `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'self'; img-src ${imgSrc}"><base target="_blank"><link rel="stylesheet" href="${frameStyles}">${shown.html}`;
  return (
    <>
      {shown.blocked > 0 && (
        <div className="remote-images muted small">
          {shown.blocked} remote image{shown.blocked === 1 ? " is" : "s are"} not loaded.{" "}
          <button
            type="button"
            className="link-button"
            data-testid="load-remote-images"
            onClick={() => setRemote(true)}
          >
            Load remote images
          </button>
        </div>
      )}
      <iframe
        className="html-body"
        title="Message"
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        referrerPolicy="no-referrer"
        srcDoc={doc}
      />
    </>
  );
}

function describe(event: Event, name: (id: string | null) => string): string {
  const show = (value: unknown) =>
    event.field === "assignee"
      ? name((value as string | null) ?? null)
      : value === null || (Array.isArray(value) && value.length === 0)
        ? "—"
        : Array.isArray(value)
          ? value.map((item) => isolate(String(item))).join(", ")
          : typeof value === "object"
            ? JSON.stringify(value)
            : String(value);
  const shown = (value: unknown) => isolate(show(value));
  switch (event.field) {
    case "created":
      return "created the ticket";
    case "reply":
      return "replied";
    case "note":
      return "added an internal note";
    case "merged":
      return event.to
        ? `merged this ticket into ${(event.to as { key: string }).key}`
        : `merged ${(event.from as { key: string }).key} into this ticket`;
    case "status":
      return `changed status ${statusLabel[String(event.from)] ?? event.from} → ${statusLabel[String(event.to)] ?? event.to}`;
    default:
      return `changed ${isolate(event.field)} ${shown(event.from)} → ${shown(event.to)}`;
  }
}

export function TicketView({ clientId, ticketId }: { clientId: string; ticketId: string }) {
  const session = useSession();
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const now = useNow();
  const path = ticketApi(clientId, ticketId);

  const reload = useCallback(async () => {
    try {
      setPage(await api<Page>("GET", path));
      setError(null);
    } catch (reason) {
      setError(
        reason instanceof ApiError
          ? reason.status === 404
            ? "This ticket does not exist or is not yours to see."
            : reason.detail
          : String(reason),
      );
    }
  }, [path]);

  useEffect(() => {
    void reload();
  }, [reload]);

  /** A stale-version 409: say so in place and show the fresh ticket. False for any other error. */
  async function reloadOnConflict(reason: unknown, notice: string): Promise<boolean> {
    if (!(reason instanceof ApiError && reason.status === 409 && reason.body.currentVersion !== undefined))
      return false;
    setNotice(notice);
    await reload();
    return true;
  }

  /** Optimistic update: show the change at once, send it conditional on the version, reconcile. */
  async function change(patch: Record<string, unknown>, optimistic: Partial<Ticket> = {}) {
    if (!page) return;
    const before = page;
    setPage({ ...page, ticket: { ...page.ticket, ...optimistic } });
    setNotice(null);
    try {
      await api<Ticket>("PATCH", path, patch, { "if-match": `"${before.ticket.version}"` });
      await reload();
      session.reloadCounts();
    } catch (reason) {
      const notice = "Someone else changed this ticket meanwhile. It has been reloaded; check and try again.";
      if (!(await reloadOnConflict(reason, notice))) {
        setPage(before);
        setNotice(reason instanceof ApiError ? reason.detail : "The change could not be saved");
      }
    }
  }

  if (error) return <ErrorNote onRetry={() => void reload()}>{error}</ErrorNote>;
  if (!page) return <Spinner label="Loading ticket…" />;
  const { ticket } = page;
  const closed = ticket.status === "closed";
  const client = session.clients.find((c) => c.id === clientId);

  return (
    <div className="ticket-view">
      <section className="thread" aria-label="Conversation">
        <header className="ticket-head">
          <span className="mono muted" data-testid="ticket-key">
            {ticket.key}
          </span>
          <h1 data-testid="ticket-subject">
            <bdi>{ticket.subject}</bdi>
          </h1>
          <div className="head-badges">
            <StatusBadge status={ticket.status} />
            <PriorityBadge priority={ticket.priority} />
            {ticket.tier && <span className="badge">{ticket.tier}</span>}
            <span className="muted">
              <bdi>{session.clientName(clientId)}</bdi> · {ticket.requester.name && <bdi>{ticket.requester.name}</bdi>}{" "}
              &lt;<bdi>{ticket.requester.email}</bdi>&gt; · via {ticket.channel}
            </span>
          </div>
          {ticket.mergedInto && <div className="notice">Merged into another ticket; it continues there.</div>}
        </header>
        {notice && (
          <div className="notice" role="alert" data-testid="notice">
            {notice}
          </div>
        )}
        {page.olderMessages && (
          <button
            type="button"
            className="link"
            data-testid="older-messages"
            onClick={async () => {
              try {
                const older = await api<Pick<Page, "messages" | "olderMessages">>(
                  "GET",
                  `${path}/messages?before=${encodeURIComponent(page.olderMessages ?? "")}`,
                );
                setPage({
                  ...page,
                  messages: [...older.messages, ...page.messages],
                  olderMessages: older.olderMessages,
                });
              } catch (reason) {
                setNotice(reason instanceof ApiError ? reason.detail : String(reason));
              }
            }}
          >
            Show earlier messages
          </button>
        )}
        <ol className="messages">
          {page.messages.map((message) => (
            <li
              key={message.id}
              className={`message ${message.visibility}`}
              data-testid={`message-${message.visibility}`}
            >
              <div className="message-meta">
                <strong>
                  <bdi>{message.author.name}</bdi>
                </strong>
                <span className="muted">{message.author.type.replace("_", " ")}</span>
                {message.visibility === "internal" && <span className="badge note-badge">Internal note</span>}
                {message.mergedFrom && <span className="muted">from {message.mergedFrom}</span>}
                <span className="spacer" />
                <time className="muted" dateTime={message.createdAt}>
                  {when(message.createdAt)}
                </time>
              </div>
              {message.mail && <MailHeader mail={message.mail} messagePath={`${path}/messages/${message.id}`} />}
              {message.bodyHtml ? (
                <HtmlBody html={message.bodyHtml} attachments={message.attachments} ticketPath={path} />
              ) : (
                <FoldedText text={message.bodyText} foldAt={message.mail?.foldAt ?? null} />
              )}
              <AttachmentList ticketPath={path} attachments={message.attachments} html={message.bodyHtml} />
              {message.timeSpentMinutes > 0 && <div className="muted small">{message.timeSpentMinutes} min logged</div>}
            </li>
          ))}
        </ol>
        {closed ? (
          <div className="notice">
            This ticket is closed. Closed tickets are final; open a follow-up ticket instead.
          </div>
        ) : (
          <Composer
            staff={session.staff}
            status={ticket.status}
            requester={ticket.requester.email}
            ccs={ticket.ccs}
            uploadPath={`${path}/attachments`}
            onSend={async (kind, body) => {
              setNotice(null);
              try {
                await api("POST", `${path}/${kind}`, body, { "if-match": `"${ticket.version}"` });
                await reload();
                session.reloadCounts();
                return true;
              } catch (reason) {
                const notice =
                  "The ticket changed while you were writing. It has been reloaded; your text is kept — send again.";
                if (!(await reloadOnConflict(reason, notice))) {
                  setNotice(reason instanceof ApiError ? reason.detail : "Could not send");
                }
                return false;
              }
            }}
          />
        )}
      </section>
      <aside className="panel" aria-label="Ticket properties">
        {session.staff ? (
          <StaffPanel
            ticket={ticket}
            clientId={clientId}
            disabled={closed}
            change={change}
            path={path}
            reload={reload}
            setNotice={setNotice}
          />
        ) : (
          <dl className="props">
            <dt>Status</dt>
            <dd>{statusLabel[ticket.status]}</dd>
            <dt>Priority</dt>
            <dd>{ticket.priority}</dd>
            <dt>Assignee</dt>
            <dd>{ticket.assigneeId ? "Assigned" : "Waiting for an agent"}</dd>
          </dl>
        )}
        <SlaPanel sla={ticket.sla} clientId={clientId} now={now} />
        {session.staff && (
          <TimeEntries clientId={clientId} ticketId={ticket.id} ticketKey={ticket.key} initial={page.timeEntries} />
        )}
        {client && client.ticketFields.length > 0 && (
          <Fields ticket={ticket} fields={client.ticketFields} editable={session.staff && !closed} change={change} />
        )}
        <RequesterTickets clientId={clientId} email={ticket.requester.email} current={ticket.id} />
        <section className="audit" aria-label="Audit trail">
          <h2>Audit trail</h2>
          <ol data-testid="audit-trail">
            {[...page.events].reverse().map((event) => (
              <li key={event.id}>
                <span>
                  <strong>
                    <bdi>{event.actor.type === "system" ? "Outdesk" : session.userName(event.actor.id)}</bdi>
                  </strong>{" "}
                  {event.field === "sla" ? (
                    <SlaEventText events={event.to} reason={event.reason} />
                  ) : (
                    describe(event, (id) => isolate(session.userName(id)))
                  )}
                </span>
                {event.reason && event.field !== "sla" && (
                  <em>
                    {" "}
                    — <bdi>{event.reason}</bdi>
                  </em>
                )}
                <time className="muted small" dateTime={event.at}>
                  {when(event.at.slice(0, 24))}
                </time>
              </li>
            ))}
          </ol>
        </section>
      </aside>
    </div>
  );
}

function Composer({
  staff,
  status,
  requester,
  ccs,
  uploadPath,
  onSend,
}: {
  staff: boolean;
  status: string;
  requester: string;
  ccs: string[];
  uploadPath: string;
  onSend: (kind: "replies" | "notes", body: Record<string, unknown>) => Promise<boolean>;
}) {
  const uploads = useUploads(uploadPath);
  const [kind, setKind] = useState<"replies" | "notes">("replies");
  const [text, setText] = useState("");
  const [nextStatus, setNextStatus] = useState("");
  const [minutes, setMinutes] = useState("");
  const [busy, setBusy] = useState(false);
  const [mailing, setMailing] = useState({ send: true, cc: ccs.join(", ") });

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    const sent = text;
    const body: Record<string, unknown> = { body: sent };
    if (nextStatus) body.status = nextStatus;
    if (minutes) body.timeSpentMinutes = Number(minutes);
    const attachments = uploads.attachments;
    if (attachments.length) body.attachments = attachments;
    if (staff && kind === "replies") body.email = mailOption(mailing);
    try {
      if (await onSend(kind, body)) {
        // Only clear what was sent: anything typed or attached while sending stays.
        setText((current) => (current === sent ? "" : current));
        uploads.sent(attachments);
        setNextStatus("");
        setMinutes("");
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className={`composer ${kind}`} onSubmit={submit} aria-label="Composer">
      <div className="tabs" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={kind === "replies"}
          onClick={() => setKind("replies")}
          data-testid="tab-reply"
        >
          Public reply
        </button>
        {staff && (
          <button
            type="button"
            role="tab"
            aria-selected={kind === "notes"}
            onClick={() => setKind("notes")}
            data-testid="tab-note"
          >
            Internal note
          </button>
        )}
      </div>
      <textarea
        aria-label={kind === "notes" ? "Internal note" : "Reply"}
        data-testid="composer-text"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={kind === "notes" ? "Only your team sees notes" : "Write to the requester…"}
        rows={5}
      />
      {staff && kind === "replies" && (
        <ReplyMailOptions requester={requester} ccs={ccs} value={mailing} onChange={setMailing} />
      )}
      <div className="composer-actions">
        {staff && (
          <>
            <label className="inline">
              Time
              <input
                type="number"
                min={0}
                max={1440}
                value={minutes}
                onChange={(e) => setMinutes(e.target.value)}
                placeholder="min"
                className="narrow"
              />
            </label>
            <label className="inline">
              then set
              <select value={nextStatus} onChange={(e) => setNextStatus(e.target.value)} data-testid="composer-status">
                <option value="">
                  {statusLabel[status === "new" && kind === "replies" ? "open" : status]} (unchanged)
                </option>
                {statuses
                  .filter((s) => s !== "new" && s !== "closed" && s !== status)
                  .map((s) => (
                    <option key={s} value={s}>
                      {statusLabel[s]}
                    </option>
                  ))}
              </select>
            </label>
          </>
        )}
        <AttachmentPicker uploads={uploads} disabled={busy} />
        <span className="spacer" />
        <button
          type="submit"
          className="primary"
          disabled={busy || !text.trim() || uploads.busy || uploads.failed || uploads.tooMany}
          data-testid="composer-send"
        >
          {busy ? "Sending…" : kind === "notes" ? "Add note" : "Send reply"}
        </button>
      </div>
    </form>
  );
}

function StaffPanel({
  ticket,
  clientId,
  disabled,
  change,
  path,
  reload,
  setNotice,
}: {
  ticket: Ticket;
  clientId: string;
  disabled: boolean;
  change: (patch: Record<string, unknown>, optimistic?: Partial<Ticket>) => Promise<void>;
  path: string;
  reload: () => Promise<void>;
  setNotice: (notice: string | null) => void;
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
          onChange={(e) => void change({ assigneeId: e.target.value || null }, { assigneeId: e.target.value || null })}
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
          onClick={() => void change({ assigneeId: me.id }, { assigneeId: me.id })}
        >
          Take it
        </button>
      )}
      <label>
        Status
        <select
          data-testid="status"
          disabled={disabled}
          value={ticket.status}
          onChange={(e) => void change({ status: e.target.value }, { status: e.target.value })}
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
          onChange={(e) => void change({ priority: e.target.value }, { priority: e.target.value })}
        >
          <Options values={priorities} />
        </select>
      </label>
      <label>
        Type
        <select
          disabled={disabled}
          value={ticket.type}
          onChange={(e) => void change({ type: e.target.value }, { type: e.target.value })}
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
                  onClick={() => void change({ removeTags: [t] }, { tags: ticket.tags.filter((x) => x !== t) })}
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
              const value = tag.trim().toLowerCase();
              if (!value) return;
              setTag("");
              void change({ addTags: [value] }, { tags: [...ticket.tags, value] });
            }}
          >
            <input
              data-testid="add-tag"
              placeholder="Add tag, press enter"
              value={tag}
              onChange={(e) => setTag(e.target.value)}
            />
          </form>
        )}
      </div>
      <div className="muted small">
        {ticket.timeSpentMinutes !== null && `${ticket.timeSpentMinutes} min logged · `}created {when(ticket.createdAt)}
      </div>
    </div>
  );
}

function Fields({
  ticket,
  fields,
  editable,
  change,
}: {
  ticket: Ticket;
  fields: ReturnType<typeof useSession>["clients"][number]["ticketFields"];
  editable: boolean;
  change: (patch: Record<string, unknown>, optimistic?: Partial<Ticket>) => Promise<void>;
}) {
  const save = (key: string, value: string | number | boolean | null) =>
    void change({ fields: { [key]: value } }, { fields: { ...ticket.fields, [key]: value } });
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
function RequesterTickets({ clientId, email, current }: { clientId: string; email: string; current: string }) {
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
