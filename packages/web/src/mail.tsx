import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ApiError, api } from "./api";
import { type AttachmentRef, frameHtml, useInlineImages } from "./attachments";
import { when } from "./format";
import frameStyles from "./message-frame.css?url";

/** What the API says of a message that came or went by email (MessageMail in the OpenAPI). */
export interface MailPerson {
  address: string;
  name: string;
}

export interface Delivery {
  mailId: string;
  state: "queued" | "sent" | "delivered" | "bounced" | "complained" | "suppressed" | "failed";
  to: string[];
  cc: string[];
  suppressed: string[];
  attempts: number;
  lastError: string | null;
  events: { state: string; at: string; recipient?: string; detail?: string }[];
  updatedAt: string;
}

export interface MailInfo {
  direction: "inbound" | "outbound";
  messageId: string;
  from: MailPerson;
  to: MailPerson[];
  cc: MailPerson[];
  subject: string;
  recipient: string | null;
  threadedBy: "message_id" | "reply_address" | "subject_token" | "new" | null;
  followUpOf: string | null;
  flags: string[];
  cut: string[];
  quarantined: boolean;
  foldAt: number | null;
  hasOriginal: boolean;
  delivery: Delivery | null;
}

const threadedBy: Record<NonNullable<MailInfo["threadedBy"]>, string> = {
  message_id: "threaded by its In-Reply-To/References",
  reply_address: "threaded by the signed reply address",
  subject_token: "threaded by the ticket number in its subject",
  new: "opened a new ticket",
};

const flagLabel: Record<string, string> = {
  auto_submitted: "automatic reply",
  precedence: "bulk mail",
  mailing_list: "mailing list",
  empty_return_path: "no return path",
  daemon_sender: "mail system",
  auto_reply_header: "auto-reply",
  delivery_report: "delivery report",
  spam: "spam (SES)",
  virus: "virus (SES)",
};

const deliveryLabel: Record<Delivery["state"], string> = {
  queued: "Queued",
  sent: "Sent",
  delivered: "Delivered",
  bounced: "Bounced",
  complained: "Marked as spam",
  suppressed: "Not sent: suppressed",
  failed: "Failed",
};

const person = (p: MailPerson) => (p.name ? `${p.name} <${p.address}>` : p.address);

function People({ label, people }: { label: string; people: MailPerson[] }) {
  if (people.length === 0) return null;
  return (
    <div className="mail-line">
      <span className="muted">{label}</span>{" "}
      {people.map((p, i) => (
        <span key={p.address}>
          {i > 0 && ", "}
          <bdi>{person(p)}</bdi>
        </span>
      ))}
    </div>
  );
}

/** Why a reply did or did not reach its recipients, in words an agent can act on. */
function DeliveryState({ delivery }: { delivery: Delivery }) {
  const last = delivery.events.at(-1);
  return (
    <div className={`mail-delivery delivery-${delivery.state}`} data-testid="delivery-state">
      <span className="badge">{deliveryLabel[delivery.state]}</span>
      {delivery.suppressed.length > 0 && (
        <span className="muted small">
          {" "}
          Not mailed to <bdi>{delivery.suppressed.join(", ")}</bdi>: the address is on the suppression list (it bounced
          or complained before).
        </span>
      )}
      {delivery.state === "queued" && delivery.lastError && (
        <span className="muted small">
          {" "}
          Retrying ({delivery.attempts} attempts): {delivery.lastError}
        </span>
      )}
      {delivery.state === "failed" && <span className="muted small"> Gave up after {delivery.attempts} attempts.</span>}
      {last?.detail && (
        <span className="muted small">
          {" "}
          {last.recipient ? <bdi>{last.recipient}</bdi> : null} {last.detail} ({when(last.at)})
        </span>
      )}
    </div>
  );
}

/** Sender, recipients, flags and delivery of a mail message, and "show original" for staff. */
export function MailHeader({ mail, messagePath }: { mail: MailInfo; messagePath: string }) {
  const [error, setError] = useState<string | null>(null);
  async function showOriginal() {
    setError(null);
    try {
      const { url } = await api<{ url: string }>("GET", `${messagePath}/original`);
      // A download (Content-Disposition: attachment), never rendered by the console.
      window.open(url, "_blank", "noopener");
    } catch (reason) {
      setError(reason instanceof ApiError ? reason.detail : String(reason));
    }
  }
  return (
    <div className="mail-header" data-testid="mail-header">
      <People label="From" people={[mail.from]} />
      <People label="To" people={mail.to} />
      <People label="Cc" people={mail.cc} />
      <div className="mail-line muted small">
        {mail.direction === "inbound" ? "Received by email" : "Sent by email"}
        {mail.recipient && (
          <>
            {" "}
            at <bdi>{mail.recipient}</bdi>
          </>
        )}
        {mail.threadedBy && <> · {threadedBy[mail.threadedBy]}</>}
        {mail.followUpOf && <> · follow-up of {mail.followUpOf}</>}
        {mail.flags.map((flag) => (
          <span key={flag} className="badge flag-badge">
            {flagLabel[flag] ?? flag}
          </span>
        ))}
        {mail.hasOriginal && (
          <button type="button" className="link" onClick={() => void showOriginal()}>
            Show original
          </button>
        )}
      </div>
      {mail.quarantined && (
        <div className="notice warn">SES's virus scan failed this mail: its attachments were withheld.</div>
      )}
      {mail.cut.length > 0 && <div className="notice">Shortened: {mail.cut.join("; ")}. The original is kept.</div>}
      {mail.delivery && <DeliveryState delivery={mail.delivery} />}
      {error && <div className="error small">{error}</div>}
    </div>
  );
}

/** A mail's text with its quoted history folded away until asked for. */
export function FoldedText({ text, foldAt }: { text: string; foldAt: number | null }) {
  const [open, setOpen] = useState(false);
  if (foldAt === null || foldAt <= 0 || foldAt >= text.length) return <p className="body">{text}</p>;
  return (
    <div>
      <p className="body">{text.slice(0, foldAt)}</p>
      <button type="button" className="link quote-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? "Hide quoted text" : "Show quoted text"}
      </button>
      {open && <p className="body quoted">{text.slice(foldAt)}</p>}
    </div>
  );
}

/** The composer's mail options for a public reply: whether it goes by email, and its CCs. */
export function ReplyMailOptions({
  requester,
  ccs,
  value,
  onChange,
}: {
  requester: string;
  ccs: string[];
  value: { send: boolean; cc: string };
  onChange: (value: { send: boolean; cc: string }) => void;
}) {
  return (
    <fieldset className="reply-mail">
      <label>
        <input type="checkbox" checked={value.send} onChange={(e) => onChange({ ...value, send: e.target.checked })} />{" "}
        Email this reply to <bdi>{requester}</bdi>
      </label>
      {value.send && (
        <label>
          Cc{" "}
          <input
            name="cc"
            value={value.cc}
            placeholder={ccs.length ? "" : "name@example.com, …"}
            onChange={(e) => onChange({ ...value, cc: e.target.value })}
          />
        </label>
      )}
    </fieldset>
  );
}

/** The reply body's `email` option from the composer's fields. */
export function mailOption(value: { send: boolean; cc: string }) {
  if (!value.send) return { send: false };
  const cc = value.cc
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter(Boolean);
  // Always explicit: the composer starts from the ticket's CCs, so an emptied field means none.
  return { send: true, cc };
}

/**
 * Mail HTML is shown in a sandboxed frame with no scripts and no remote loads. Its links open in
 * a new tab (the sanitizer writes target=_blank rel=noopener; `<base>` covers any it missed):
 * the frame may open popups, and they escape the sandbox so the linked page works normally.
 * Never allow-scripts here. allow-same-origin lets this page read the frame's layout to size it
 * to its content; with scripts off nothing in the frame runs, so sharing the origin gives the
 * mail nothing (the frame's own policy still refuses every load but styles and allowed images).
 *
 * Images: the sanitizer stores them without `src`. Before rendering, this page gives `cid:`
 * images presigned inline URLs (from the API, after its check) and remote images a source only
 * once the agent clicks "Load remote images"; the frame's policy admits the attachment URLs'
 * origin, and `https:` only then.
 */
export function HtmlBody({
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
  const height = useContentHeight();
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
        ref={height.ref}
        className="html-body"
        title="Message"
        sandbox="allow-popups allow-popups-to-escape-sandbox allow-same-origin"
        referrerPolicy="no-referrer"
        srcDoc={doc}
        onLoad={height.attach}
        style={height.px === null ? undefined : { height: `${height.px}px` }}
      />
    </>
  );
}

/**
 * The frame's content height, measured from this page and kept current: images loading, quoted
 * history unfolding (<details>) and the window's width all change it. The frame's body is a block
 * formatting context (message-frame.css), so its height holds its children's margins.
 */
function useContentHeight() {
  const ref = useRef<HTMLIFrameElement>(null);
  const [px, setPx] = useState<number | null>(null);
  const cleanup = useRef<() => void>(() => undefined);

  const measure = useCallback(() => {
    const frame = ref.current;
    const body = frame?.contentDocument?.body;
    const root = frame?.contentDocument?.documentElement;
    if (!frame || !body || !root) return;
    // A horizontal scrollbar (a wide table) takes height from the frame's viewport.
    const scrollbar =
      root.scrollWidth > root.clientWidth ? (frame.contentWindow?.innerHeight ?? 0) - root.clientHeight : 0;
    setPx(Math.ceil(body.getBoundingClientRect().height) + Math.max(0, scrollbar));
  }, []);

  const attach = useCallback(() => {
    cleanup.current();
    const frame = ref.current;
    const document = frame?.contentDocument;
    if (!frame || !document?.body) return;
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    // Images and <details> change the height; capture, since neither event bubbles.
    document.addEventListener("load", measure, true);
    document.addEventListener("toggle", measure, true);
    frame.contentWindow?.addEventListener("resize", measure);
    cleanup.current = () => {
      observer.disconnect();
      document.removeEventListener("load", measure, true);
      document.removeEventListener("toggle", measure, true);
      frame.contentWindow?.removeEventListener("resize", measure);
    };
  }, [measure]);

  useEffect(() => () => cleanup.current(), []);
  return { ref, px, attach };
}
