import { type FormEvent, type ReactNode, useState } from "react";
import { ApiError, api } from "../api";
import { AttachmentList } from "../attachments";
import { FoldedText, HtmlBody, MailHeader } from "../mail";
import { ticketLink } from "../paths";
import type { Presence } from "../presence";
import { Link } from "../router";
import { useSession } from "../session";
import { PriorityBadge, StatusBadge } from "../ui";
import { ZonedTime } from "../zoned-time";
import { type Change, isRequest, type Message, type Page, type TicketEvent } from "./ticket-page";

/** Where a merged ticket continues: its merge event names the target's key. */
function mergedTarget(events: TicketEvent[]): string | null {
  const merged = [...events].reverse().find((e) => e.field === "merged" && e.to);
  return (merged?.to as { key?: string } | undefined)?.key ?? null;
}

function SubjectEditor({ subject, change, onDone }: { subject: string; change: Change; onDone: () => void }) {
  const [value, setValue] = useState(subject);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = value.trim();
    if (next && next !== subject) void change({ subject: next }, { subject: next });
    onDone();
  };
  return (
    <form className="subject-edit" onSubmit={submit}>
      <input
        aria-label="Subject"
        className="subject-input"
        data-testid="subject-input"
        value={value}
        maxLength={250}
        required
        // biome-ignore lint/a11y/noAutofocus: the agent just asked to edit it
        autoFocus
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => e.key === "Escape" && onDone()}
      />
      <button type="submit" className="primary" data-testid="subject-save">
        Save
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}

/** Who else has the ticket open, and who is writing. */
function PresenceBar({ others }: { others: Presence[] }) {
  if (others.length === 0) return null;
  return (
    <div className="presence" role="status" aria-live="polite" data-testid="presence">
      {others.map((p) => (
        <span key={p.userId} className={`presence-person ${p.state}`} data-testid="presence-person">
          <bdi>{p.name}</bdi>{" "}
          {p.state === "typing" ? (p.internal ? "is writing a note" : "is writing a reply") : "is viewing"}
        </span>
      ))}
    </div>
  );
}

function MessageItem({
  page,
  message,
  path,
  clientZone,
}: {
  page: Page;
  message: Message;
  path: string;
  clientZone: string | undefined;
}) {
  const { ticket } = page;
  // The request is the requester's, whoever typed it in: a phone ticket says who logged it.
  const request = isRequest(page, message) && message.author.type !== "requester";
  const author = request ? ticket.requester.name || ticket.requester.email : message.author.name;
  return (
    <li className={`message ${message.visibility}`} data-testid={`message-${message.visibility}`}>
      <div className="message-meta">
        <strong data-testid="message-author">
          <bdi>{author}</bdi>
        </strong>
        <span className="muted">{request ? "requester" : message.author.type.replace("_", " ")}</span>
        {request && (
          <span className="muted small" data-testid="logged-by">
            logged by <bdi>{message.author.name}</bdi>
            {ticket.channel !== "web" && ticket.channel !== "api" ? ` (${ticket.channel})` : ""}
          </span>
        )}
        {message.visibility === "internal" && <span className="badge note-badge">Internal note</span>}
        {message.mergedFrom && <span className="muted">from {message.mergedFrom}</span>}
        <span className="spacer" />
        <ZonedTime className="muted" at={message.createdAt} clientZone={clientZone} />
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
  );
}

/** The conversation: the ticket's head, who else is on it, and its messages, oldest first. */
export function Thread({
  page,
  setPage,
  path,
  clientId,
  others,
  notice,
  change,
  children,
}: {
  page: Page;
  setPage: (page: Page) => void;
  path: string;
  clientId: string;
  others: Presence[];
  notice: ReactNode;
  change: Change;
  children: ReactNode;
}) {
  const session = useSession();
  const [editing, setEditing] = useState(false);
  const [olderError, setOlderError] = useState<string | null>(null);
  const { ticket } = page;
  const clientZone = session.clients.find((c) => c.id === clientId)?.timeZone;
  const target = ticket.mergedInto ? mergedTarget(page.events) : null;
  const editable = session.staff && ticket.status !== "closed";

  async function showOlder() {
    try {
      const older = await api<Pick<Page, "messages" | "olderMessages">>(
        "GET",
        `${path}/messages?before=${encodeURIComponent(page.olderMessages ?? "")}`,
      );
      setPage({ ...page, messages: [...older.messages, ...page.messages], olderMessages: older.olderMessages });
    } catch (reason) {
      setOlderError(reason instanceof ApiError ? reason.detail : String(reason));
    }
  }

  return (
    <section className="thread" aria-label="Conversation">
      <header className="ticket-head">
        <span className="mono muted" data-testid="ticket-key">
          {ticket.key}
        </span>
        {editing ? (
          <SubjectEditor subject={ticket.subject} change={change} onDone={() => setEditing(false)} />
        ) : (
          <div className="subject-line">
            <h1 data-testid="ticket-subject">
              <bdi>{ticket.subject}</bdi>
            </h1>
            {editable && (
              <button type="button" className="link-button" data-testid="edit-subject" onClick={() => setEditing(true)}>
                Edit subject
              </button>
            )}
          </div>
        )}
        <div className="head-badges">
          <StatusBadge status={ticket.status} />
          <PriorityBadge priority={ticket.priority} />
          {ticket.tier && <span className="badge">{ticket.tier}</span>}
          <span className="muted">
            <bdi>{session.clientName(clientId)}</bdi> · {ticket.requester.name && <bdi>{ticket.requester.name}</bdi>}{" "}
            &lt;<bdi>{ticket.requester.email}</bdi>&gt; · via {ticket.channel}
          </span>
        </div>
        {ticket.mergedInto && (
          <div className="notice" data-testid="merged-into">
            Merged into{" "}
            <Link to={ticketLink(clientId, ticket.mergedInto)} data-testid="merged-link">
              {target ?? "another ticket"}
            </Link>
            ; it continues there.
          </div>
        )}
        <PresenceBar others={others} />
      </header>
      {notice}
      {olderError && (
        <div className="notice" role="alert">
          {olderError}
        </div>
      )}
      {page.olderMessages && (
        <button type="button" className="link" data-testid="older-messages" onClick={() => void showOlder()}>
          Show earlier messages
        </button>
      )}
      <ol className="messages">
        {page.messages.map((message) => (
          <MessageItem key={message.id} page={page} message={message} path={path} clientZone={clientZone} />
        ))}
      </ol>
      {children}
    </section>
  );
}
