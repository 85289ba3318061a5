import { type FormEvent, type MutableRefObject, useEffect, useImperativeHandle, useRef, useState } from "react";
import { AttachmentPicker, useUploads } from "../attachments";
import { type Draft, useDraft } from "../drafts";
import { ago, statuses, statusLabel } from "../format";
import { mailOption, ReplyMailOptions } from "../mail";
import { useNow } from "../sla";
import { useOnline } from "../ui";
import type { Message, Ticket } from "./ticket-page";

export type SendResult = "sent" | "conflict" | "failed";

/** What the ticket screen (its shortcuts, its conflict notice) can ask of the composer. */
export interface ComposerHandle {
  focus: (kind: Draft["kind"]) => void;
  submit: () => void;
}

/** How long after the last keystroke the others still see you typing. */
const TYPING_MS = 4000;

/**
 * The reply and note composer. What is typed is a draft kept in the browser (drafts.ts); the
 * draft remembers the ticket's version when it started, so a reply from someone else since then
 * is pointed out before sending.
 */
export function Composer({
  handle,
  draftKey,
  ticket,
  messages,
  meId,
  staff,
  uploadPath,
  onTyping,
  onSend,
}: {
  handle: MutableRefObject<ComposerHandle | null>;
  draftKey: string;
  ticket: Ticket;
  messages: Message[];
  meId: string | null;
  staff: boolean;
  uploadPath: string;
  onTyping: (typing: { state: "viewing" | "typing"; internal: boolean }) => void;
  onSend: (kind: Draft["kind"], body: Record<string, unknown>) => Promise<SendResult>;
}) {
  const uploads = useUploads(uploadPath);
  const { draft, update, clear, discard, restored } = useDraft(draftKey, () => ({
    kind: "replies",
    text: { replies: "", notes: "" },
    nextStatus: "",
    minutes: "",
    mail: { send: true, cc: ticket.ccs.join(", ") },
    baseVersion: ticket.version,
    startedAt: new Date().toISOString(),
  }));
  const [busy, setBusy] = useState(false);
  const online = useOnline();
  const now = useNow(15_000);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const typingTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const kind = draft.kind;
  const text = draft.text[kind];

  useImperativeHandle(handle, () => ({
    focus: (next) => {
      if (next === "notes" && !staff) return;
      update({ kind: next });
      requestAnimationFrame(() => textarea.current?.focus());
    },
    submit: () => form.current?.requestSubmit(),
  }));

  useEffect(() => () => clearTimeout(typingTimer.current), []);

  function type(value: string) {
    // A draft starts when its first character is typed: "meanwhile" is measured from then.
    update((current) =>
      current.text.replies.trim() || current.text.notes.trim()
        ? { text: { ...current.text, [kind]: value } }
        : {
            text: { ...current.text, [kind]: value },
            baseVersion: ticket.version,
            startedAt: new Date().toISOString(),
          },
    );
    onTyping({ state: "typing", internal: kind === "notes" });
    clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(() => onTyping({ state: "viewing", internal: false }), TYPING_MS);
  }

  // Someone else wrote on the ticket since this draft started: the newest such message.
  const meanwhile =
    draft.text[kind].trim() && ticket.version > draft.baseVersion
      ? [...messages].reverse().find((m) => m.createdAt > draft.startedAt && m.author.id !== meId)
      : undefined;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!text.trim() || busy) return;
    setBusy(true);
    const sent = text;
    const body: Record<string, unknown> = { body: sent };
    if (draft.nextStatus) body.status = draft.nextStatus;
    if (draft.minutes) body.timeSpentMinutes = Number(draft.minutes);
    const attachments = uploads.attachments;
    if (attachments.length) body.attachments = attachments;
    if (staff && kind === "replies") body.email = mailOption(draft.mail);
    try {
      if ((await onSend(kind, body)) === "sent") {
        // Only what was sent is cleared: anything typed meanwhile, or the other tab's text, stays.
        clear(kind, sent);
        uploads.sent(attachments);
        clearTimeout(typingTimer.current);
        onTyping({ state: "viewing", internal: false });
      }
    } finally {
      setBusy(false);
    }
  }

  function askDiscard() {
    if (window.confirm("Discard this draft? What you typed is lost.")) {
      discard();
      onTyping({ state: "viewing", internal: false });
    }
  }

  return (
    <form ref={form} className={`composer ${kind}`} onSubmit={submit} aria-label="Composer" data-testid="composer">
      <div className="tabs" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={kind === "replies"}
          onClick={() => update({ kind: "replies" })}
          data-testid="tab-reply"
        >
          Public reply{draft.text.replies.trim() && kind !== "replies" ? " •" : ""}
        </button>
        {staff && (
          <button
            type="button"
            role="tab"
            aria-selected={kind === "notes"}
            onClick={() => update({ kind: "notes" })}
            data-testid="tab-note"
          >
            Internal note{draft.text.notes.trim() && kind !== "notes" ? " •" : ""}
          </button>
        )}
      </div>
      {meanwhile && (
        <div className="notice warn" role="alert" data-testid="replied-meanwhile">
          <bdi>{meanwhile.author.name}</bdi> {meanwhile.visibility === "internal" ? "added a note" : "replied"}{" "}
          {ago(meanwhile.createdAt, now)} — review before sending.{" "}
          <button
            type="button"
            className="link-button"
            data-testid="reviewed"
            onClick={() => update({ baseVersion: ticket.version, startedAt: new Date().toISOString() })}
          >
            I have read it
          </button>
        </div>
      )}
      <textarea
        ref={textarea}
        aria-label={kind === "notes" ? "Internal note" : "Reply"}
        data-testid="composer-text"
        value={text}
        onChange={(e) => type(e.target.value)}
        placeholder={kind === "notes" ? "Only your team sees notes" : "Write to the requester…"}
        rows={5}
      />
      {staff && kind === "replies" && (
        <ReplyMailOptions
          requester={ticket.requester.email}
          ccs={ticket.ccs}
          value={draft.mail}
          onChange={(mail) => update({ mail })}
        />
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
                value={draft.minutes}
                onChange={(e) => update({ minutes: e.target.value })}
                placeholder="min"
                className="narrow"
              />
            </label>
            <label className="inline">
              then set
              <select
                value={draft.nextStatus}
                onChange={(e) => update({ nextStatus: e.target.value })}
                data-testid="composer-status"
              >
                <option value="">
                  {statusLabel[ticket.status === "new" && kind === "replies" ? "open" : ticket.status]} (unchanged)
                </option>
                {statuses
                  .filter((s) => s !== "new" && s !== "closed" && s !== ticket.status)
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
        <span className="muted small draft-state" data-testid="draft-state" aria-live="polite">
          {!online
            ? "Offline — draft saved on this device"
            : text.trim()
              ? restored
                ? "Draft restored"
                : "Draft saved"
              : ""}
        </span>
        {(draft.text.replies.trim() || draft.text.notes.trim()) && (
          <button type="button" className="link-button" data-testid="discard-draft" onClick={askDiscard}>
            Discard
          </button>
        )}
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
