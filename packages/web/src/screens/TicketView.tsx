import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ApiError, api } from "../api";
import { draftKey } from "../drafts";
import { ticketApi, ticketLink, withQuery } from "../paths";
import { usePresence } from "../presence";
import { navigate } from "../router";
import { useSession } from "../session";
import { useNow } from "../sla";
import { ErrorNote, Spinner, useTitle } from "../ui";
import type { TicketSummary } from "./Queue";
import { SlaPanel } from "./SlaClocks";
import { AuditTrail } from "./TicketAuditTrail";
import { Composer, type ComposerHandle, type SendResult } from "./TicketComposer";
import { MergePanel } from "./TicketMerge";
import { PeopleEditor } from "./TicketPeople";
import { ClientPanel, Fields, RequesterTickets, StaffPanel } from "./TicketProperties";
import { type Shortcut, ShortcutsOverlay, useShortcuts } from "./TicketShortcuts";
import { Thread } from "./TicketThread";
import { TimeEntries } from "./TimeEntries";
import { type Change, type Page, peopleNames } from "./ticket-page";

/** A message above the thread, with what the agent can do about it (re-apply a refused change). */
interface Notice {
  text: string;
  action?: { label: string; run: () => void };
}

const isConflict = (reason: unknown) =>
  reason instanceof ApiError && reason.status === 409 && reason.body.currentVersion !== undefined;

/** No answer came (fetch failed): status 0, or a plain error from an older client. */
const offline = (reason: unknown) => !(reason instanceof ApiError) || reason.status === 0;

/**
 * The ticket screen: the conversation and composer on the left, the ticket's properties and
 * trail on the right. It owns the page's data and its writes; the panels only draw and ask.
 */
export function TicketView({ clientId, ticketId }: { clientId: string; ticketId: string }) {
  const session = useSession();
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [typing, setTyping] = useState<{ state: "viewing" | "typing"; internal: boolean }>({
    state: "viewing",
    internal: false,
  });
  const [help, setHelp] = useState(false);
  const [merging, setMerging] = useState(false);
  const composer = useRef<ComposerHandle | null>(null);
  const now = useNow();
  const path = ticketApi(clientId, ticketId);
  const client = session.clients.find((c) => c.id === clientId);
  const me = session.me.actor.id;

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
          : "The server did not answer. Check your connection.",
      );
    }
  }, [path]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const presence = usePresence(path, typing.state, typing.internal);
  // Someone wrote meanwhile (the heartbeat read a newer version): show it, so the warning can name them.
  const shownVersion = page?.ticket.version;
  useEffect(() => {
    if (presence.version !== null && shownVersion !== undefined && presence.version > shownVersion) void reload();
  }, [presence.version, shownVersion, reload]);

  useTitle(page ? `${page.ticket.key} ${page.ticket.subject}` : "Ticket");

  /** Optimistic update: show the change at once, send it conditional on the version, reconcile. */
  const latest = useRef<Change>(async () => null);
  const change: Change = async (patch, optimistic = {}, options = {}) => {
    if (!page) return null;
    const before = page;
    setPage({ ...page, ticket: { ...page.ticket, ...optimistic } });
    setNotice(null);
    try {
      await api("PATCH", path, patch, { "if-match": `"${before.ticket.version}"` });
      await reload();
      session.reloadCounts();
      return null;
    } catch (reason) {
      setPage(before);
      if (isConflict(reason)) {
        // The agent's change is kept: the fresh ticket is shown, and one click applies it there.
        await reload();
        setNotice({
          text: `Someone else changed this ticket meanwhile; it has been reloaded. Your change (${options.label ?? "your edit"}) was not saved.`,
          // The next render's change: it sends against the fresh version.
          action: { label: "Re-apply my change", run: () => void latest.current(patch, optimistic, options) },
        });
      } else if (options.inPlace && reason instanceof ApiError && reason.status === 400) {
        // The form shows it next to its fields.
      } else if (offline(reason)) {
        setNotice({
          text: "The change could not be sent: you seem to be offline.",
          action: { label: "Try again", run: () => void latest.current(patch, optimistic, options) },
        });
      } else {
        setNotice({ text: reason instanceof ApiError ? reason.detail : "The change could not be saved" });
      }
      return reason;
    }
  };

  latest.current = change;

  async function send(kind: "replies" | "notes", body: Record<string, unknown>): Promise<SendResult> {
    if (!page) return "failed";
    setNotice(null);
    try {
      await api("POST", `${path}/${kind}`, body, { "if-match": `"${page.ticket.version}"` });
      await reload();
      session.reloadCounts();
      return "sent";
    } catch (reason) {
      const what = kind === "notes" ? "note" : "reply";
      if (isConflict(reason)) {
        await reload();
        setNotice({
          text: `The ticket changed while you were writing; it has been reloaded. Your ${what} is kept: read what is new, then send it.`,
          action: { label: `Send my ${what} now`, run: () => composer.current?.submit() },
        });
        return "conflict";
      }
      setNotice({
        text: offline(reason)
          ? `Your ${what} was not sent: you seem to be offline. It is kept as a draft on this device; send it when you are back.`
          : reason instanceof ApiError
            ? reason.detail
            : "Could not send",
      });
      return "failed";
    }
  }

  async function nextTicket() {
    // Your own queue first, then what nobody has taken at this client.
    for (const query of [
      { view: "mine", limit: "25" },
      { view: "unassigned", clientId, limit: "25" },
    ]) {
      try {
        const { items } = await api<{ items: TicketSummary[] }>("GET", withQuery("/v1/tickets", query));
        const at = items.findIndex((t) => t.id === ticketId);
        const next = items[at + 1] ?? items.find((t) => t.id !== ticketId);
        if (next) {
          navigate(ticketLink(next.clientId, next.id));
          return;
        }
      } catch {
        // Try the next queue.
      }
    }
    setNotice({ text: "No other ticket is waiting for you." });
  }

  const closed = page?.ticket.status === "closed";
  const staffWork = session.staff && !closed;
  const shortcuts: Shortcut[] = [
    ...(closed ? [] : [{ key: "r", label: "Reply", run: () => composer.current?.focus("replies") }]),
    ...(staffWork
      ? [
          { key: "n", label: "Internal note", run: () => composer.current?.focus("notes") },
          {
            key: "a",
            label: "Assign to me",
            run: () => {
              const mine = session.me.user?.id;
              if (mine && page?.ticket.assigneeId !== mine)
                void change({ assigneeId: mine }, { assigneeId: mine }, { label: "assigning it to you" });
            },
          },
          { key: "s", label: "Change status", run: () => document.getElementById("ticket-status")?.focus() },
          { key: "m", label: "Merge into another ticket", run: () => setMerging(true) },
        ]
      : []),
    ...(session.staff ? [{ key: "j", label: "Next ticket", run: () => void nextTicket() }] : []),
  ];
  useShortcuts(
    shortcuts,
    () => setHelp((shown) => !shown),
    () => setHelp(false),
  );

  const name = useMemo(() => peopleNames(session.users, page?.messages ?? []), [session.users, page?.messages]);

  if (error) return <ErrorNote onRetry={() => void reload()}>{error}</ErrorNote>;
  if (!page) return <Spinner label="Loading ticket…" />;
  const { ticket } = page;

  const noticeBox = notice && (
    <div className="notice" role="alert" data-testid="notice">
      {notice.text}
      {notice.action && (
        <>
          {" "}
          <button
            type="button"
            className="link-button"
            data-testid="notice-action"
            onClick={() => {
              setNotice(null);
              notice.action?.run();
            }}
          >
            {notice.action.label}
          </button>
        </>
      )}
    </div>
  );

  return (
    <div className="ticket-view">
      <Thread
        page={page}
        setPage={setPage}
        path={path}
        clientId={clientId}
        others={presence.others ?? page.presence ?? []}
        notice={noticeBox}
        change={change}
      >
        {closed ? (
          <div className="notice">
            This ticket is closed. Closed tickets are final; open a follow-up ticket instead.
          </div>
        ) : (
          <Composer
            key={ticket.id}
            handle={composer}
            draftKey={draftKey(session.me.provider.id, me, ticket.id)}
            ticket={ticket}
            messages={page.messages}
            meId={me}
            staff={session.staff}
            uploadPath={`${path}/attachments`}
            onTyping={setTyping}
            onSend={send}
          />
        )}
        <p className="muted small shortcut-hint">
          Press <kbd>?</kbd> for keyboard shortcuts.
        </p>
      </Thread>
      <aside className="panel" aria-label="Ticket properties">
        {session.staff ? (
          <StaffPanel
            ticket={ticket}
            clientId={clientId}
            disabled={closed}
            change={change}
            path={path}
            reload={reload}
            setNotice={(text) => setNotice(text ? { text } : null)}
          >
            {!closed && (
              <MergePanel
                ticket={ticket}
                prefix={client?.ticketPrefix ?? ""}
                path={path}
                onMerged={reload}
                open={merging}
                setOpen={setMerging}
              />
            )}
          </StaffPanel>
        ) : (
          <ClientPanel ticket={ticket} name={name} />
        )}
        {staffWork ? <PeopleEditor key={ticket.id} ticket={ticket} change={change} /> : null}
        <SlaPanel sla={ticket.sla} clientId={clientId} now={now} />
        {session.staff && (
          <TimeEntries clientId={clientId} ticketId={ticket.id} ticketKey={ticket.key} initial={page.timeEntries} />
        )}
        {client && client.ticketFields.length > 0 && (
          <Fields ticket={ticket} fields={client.ticketFields} editable={staffWork} change={change} />
        )}
        <RequesterTickets clientId={clientId} email={ticket.requester.email} current={ticket.id} />
        <AuditTrail events={page.events} name={name} clientZone={client?.timeZone} />
      </aside>
      {help && <ShortcutsOverlay shortcuts={shortcuts} onClose={() => setHelp(false)} />}
    </div>
  );
}
