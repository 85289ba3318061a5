import { type TenantActor, withActor } from "../actor";
import { Attachments, type StoredAttachment } from "../attachment";
import { Aws } from "../aws";
import { isConditionFailure, type Services, step } from "../common/transaction";
import { Config } from "../config";
import { Outdesk } from "../dynamo";
import { OutdeskError } from "../error";
import { createId } from "../id";
import { Log } from "../log";
import type { MessageItem, TicketItem } from "../ticket/model";
import type { ClientItem } from "../ticket/write";
import { MAIL_THREAD_RECENT, OUTBOX_SHARDS } from "./mail.entity";
import { MailSettings, renderTemplate } from "./mail-settings";
import { buildMime, type MailAttachment } from "./mime";
import { compactMeta, type MailMeta, type OutboundItem } from "./model";
import { Suppression } from "./suppression";
import { messageIdHash, ourMessageId, replyToken, withToken } from "./tokens";

type MessageDraft = Omit<MessageItem, "providerId" | "clientId" | "ticketId">;
type Target = { providerId: string; clientId: string; ticketId: string };
type MailClient = ClientItem & {
  defaultAddress?: string;
  mailSettings?: MailSettings.Stored;
  supportAddresses?: string[];
};

export interface OutboundDraft {
  outbound: OutboundItem;
  /** The ticket message this mail carries (an acknowledgement's is made here; a reply's by its caller). */
  message: MessageDraft;
}

/** Minutes before each retry; past the last the mail is failed (the ticket shows why). */
const RETRY_MINUTES = [2, 5, 15, 30, 60, 120, 240, 480];
/** The sweep leaves a mail sent right after its commit to that sender for this long. */
const FIRST_ATTEMPT_GRACE_MS = RETRY_MINUTES[0]! * 60_000;
const MAX_EVENTS = 20;

const shardOf = (mailId: string) => String(mailId.charCodeAt(mailId.length - 1) % OUTBOX_SHARDS);

function settingsOf(client: MailClient): MailSettings.Stored {
  return { ...MailSettings.defaults(), ...(client.mailSettings ?? {}) };
}

function fromOf(client: MailClient & { defaultAddress: string }): { address: string; name: string } {
  const settings = settingsOf(client);
  return { address: settings.fromAddress ?? client.defaultAddress, name: settings.fromName ?? client.name };
}

/** Mail needs the client's default address on the mail domain: replies come back to it, with a signed token. */
const mailable = (client: MailClient): client is MailClient & { defaultAddress: string } =>
  typeof client.defaultAddress === "string" && client.defaultAddress.includes("@");

/** `Re: [ACME-1042] Subject`, on one line, without piling up prefixes or tokens. */
function replySubject(ticket: TicketItem): string {
  const bare = ticket.subject
    .replace(/\s+/g, " ")
    .replace(/^\s*((re|fwd?|aw|sv|wg)\s*:\s*)+/i, "")
    .replace(`[${ticket.key}]`, "")
    .trim();
  return `Re: [${ticket.key}] ${bare}`;
}

/** Other mailers' ids as the MIME builder takes them back out: `<…>` of visible ASCII, no more. */
const validId = (id: string) => /^<[!-;=?-~]{1,900}>$/.test(id);

async function replyAddress(client: MailClient & { defaultAddress: string }, ticket: TicketItem): Promise<string> {
  const token = await replyToken({
    providerId: ticket.providerId,
    clientId: ticket.clientId,
    ticketNumber: ticket.number,
    recipient: ticket.requesterEmail,
  });
  return withToken(client.defaultAddress, token);
}

function templateValues(client: MailClient, ticket: TicketItem) {
  return {
    "ticket.key": ticket.key,
    "ticket.subject": ticket.subject,
    "requester.name": ticket.requesterName || ticket.requesterEmail,
    "client.name": client.name,
  };
}

function draftItem(
  target: Target,
  fields: Pick<
    OutboundItem,
    "kind" | "messageId" | "messageAt" | "to" | "cc" | "subject" | "inReplyTo" | "references" | "footer"
  > & {
    from: { address: string; name: string };
    replyTo: string;
  },
  now: string,
): OutboundItem {
  const mailId = createId("outboundMail");
  return {
    ...target,
    mailId,
    messageId: fields.messageId,
    messageAt: fields.messageAt,
    kind: fields.kind,
    footer: fields.footer || undefined,
    rfcMessageId: ourMessageId(mailId),
    from: fields.from.address,
    fromName: fields.from.name || undefined,
    replyTo: fields.replyTo,
    to: fields.to,
    cc: fields.cc?.length ? fields.cc : undefined,
    subject: fields.subject,
    inReplyTo: fields.inReplyTo,
    references: fields.references?.length ? fields.references : undefined,
    state: "queued",
    attempts: 0,
    nextAttemptAt: new Date(Date.parse(now) + FIRST_ATTEMPT_GRACE_MS).toISOString(),
    outboxShard: shardOf(mailId),
    createdAt: now,
    updatedAt: now,
  };
}

export namespace Outbound {
  /** The automatic acknowledgement of a new mail ticket, when the client sends them. */
  export async function draftAutoAck({
    client,
    ticket,
    inReplyTo,
  }: {
    client: MailClient;
    ticket: TicketItem;
    inReplyTo: string;
  }): Promise<OutboundDraft | undefined> {
    const settings = settingsOf(client);
    if (!settings.autoAck.enabled || !mailable(client)) return undefined;
    const values = templateValues(client, ticket);
    const now = new Date(Date.parse(ticket.createdAt) + 2).toISOString();
    const messageId = createId("message");
    const outbound = draftItem(
      ticket,
      {
        kind: "auto_ack",
        messageId,
        messageAt: now,
        from: fromOf(client),
        replyTo: await replyAddress(client, ticket),
        to: [ticket.requesterEmail],
        cc: [],
        subject: renderTemplate(settings.autoAck.subject, values).replace(/\s+/g, " "),
        inReplyTo: validId(inReplyTo) ? inReplyTo : undefined,
        references: validId(inReplyTo) ? [inReplyTo] : [],
      },
      now,
    );
    const message: MessageDraft = {
      messageId,
      visibility: "public",
      authorType: "system",
      authorName: fromOf(client).name,
      bodyText: renderTemplate(settings.autoAck.body, values),
      channel: "email",
      mail: mailMeta(outbound),
      createdAt: now,
    };
    return { outbound, message };
  }

  /**
   * The mail of a public staff reply: to the requester, CC'd to the ticket's CCs (or the list
   * the agent edited), threaded under the ticket's mail thread.
   */
  export async function draftReply({
    client,
    ticket,
    thread,
    message,
    cc,
  }: {
    client: MailClient;
    ticket: TicketItem;
    thread: { rootId?: string; recent: string[] } | undefined;
    message: MessageDraft;
    cc?: string[];
  }): Promise<OutboundItem | undefined> {
    if (!mailable(client)) return undefined;
    const recent = (thread?.recent ?? []).filter(validId);
    const settings = settingsOf(client);
    const root = thread?.rootId && validId(thread.rootId) ? [thread.rootId] : [];
    const references = [...new Set([...root, ...recent])].slice(-MAIL_THREAD_RECENT);
    return draftItem(
      ticket,
      {
        kind: "reply",
        messageId: message.messageId,
        messageAt: message.createdAt,
        footer: settings.signature ? renderTemplate(settings.signature, templateValues(client, ticket)) : undefined,
        from: fromOf(client),
        replyTo: await replyAddress(client, ticket),
        to: [ticket.requesterEmail],
        cc: [...new Set((cc ?? ticket.ccs ?? []).map((a) => a.toLowerCase()))].filter(
          (a) => a !== ticket.requesterEmail,
        ),
        subject: replySubject(ticket),
        inReplyTo: recent.at(-1),
        references,
      },
      message.createdAt,
    );
  }

  export function mailMeta(outbound: OutboundItem): MailMeta {
    const people = (list: string[] | undefined) => (list ?? []).map((address) => ({ address, name: "" }));
    return compactMeta({
      direction: "outbound",
      messageId: outbound.rfcMessageId,
      from: { address: outbound.from, name: outbound.fromName ?? "" },
      to: people(outbound.to),
      cc: people(outbound.cc),
      subject: outbound.subject,
      mailId: outbound.mailId,
    });
  }

  /** The ticket's mail thread with these Message-IDs appended (the first one ever is its root). */
  export function threadStep(
    services: Services,
    target: Target,
    thread: { rootId?: string; recent: string[] } | undefined,
    ids: string[],
  ) {
    const recent = [...(thread?.recent ?? []), ...ids].slice(-MAIL_THREAD_RECENT);
    return step(services.mailThread.put({ ...target, rootId: thread?.rootId ?? ids[0], recent }).commit());
  }

  /** The outbound item and its Message-ID's thread key (and an acknowledgement's message), for the ticket write's transaction. */
  export function commits(
    services: Services,
    target: Target,
    draft: { outbound: OutboundItem; message?: MessageDraft },
  ) {
    const { outbound, message } = draft;
    return [
      ...(message ? [step(services.message.create({ ...target, ...message }).commit())] : []),
      step(services.outboundMail.create(outbound).commit()),
      step(
        services.threadKey
          .put({
            providerId: target.providerId,
            clientId: target.clientId,
            idHash: messageIdHash(outbound.rfcMessageId),
            ticketId: target.ticketId,
            messageId: outbound.messageId,
            createdAt: outbound.createdAt,
          })
          .commit(),
      ),
    ];
  }

  /**
   * Sends a queued mail through SES v2 and records the outcome. Suppressed recipients are left
   * out (and listed on the mail); with none left the mail is `suppressed`. A failure schedules
   * the next attempt; after the last it is `failed`. Returns the mail's new state.
   */
  export async function deliver(item: OutboundItem, known: { message?: MessageDraft } = {}): Promise<OutboundItem> {
    if (item.state !== "queued") return item;
    const { entities } = Outdesk;
    const target = { providerId: item.providerId, clientId: item.clientId, ticketId: item.ticketId };
    const { allowed, suppressed } = await Suppression.filter(item.providerId, [...item.to, ...(item.cc ?? [])]);
    const now = new Date().toISOString();
    const key = { ...target, mailId: item.mailId };
    const finish = async (set: Partial<OutboundItem>, remove: boolean) => {
      const patch = entities.outboundMail.patch(key).set({ ...set, updatedAt: now });
      await (remove ? patch.remove(["nextAttemptAt", "outboxShard"]) : patch)
        .where((attr, op) => op.eq(attr.state, "queued"))
        .go();
      return { ...item, ...set, updatedAt: now } as OutboundItem;
    };
    if (allowed.length === 0) {
      return finish({ state: "suppressed", suppressed, attempts: item.attempts }, true);
    }
    let sesMessageId: string;
    try {
      const message =
        known.message ??
        ((await entities.message.get({ ...target, createdAt: item.messageAt, messageId: item.messageId }).go())
          .data as MessageItem | null) ??
        undefined;
      if (!message) throw new Error(`message ${item.messageId} of mail ${item.mailId} is gone`);
      sesMessageId = await send(item, message, new Set(allowed));
    } catch (error) {
      const attempts = item.attempts + 1;
      const lastError = String((error as Error).message ?? error).slice(0, 500);
      Log.warn("outbound mail failed", { mailId: item.mailId, attempts, error: lastError });
      const delay = RETRY_MINUTES[attempts];
      // A mail the builder refuses (a bad address) fails the same way every time: no retries.
      const permanent = error instanceof OutdeskError && error.code === "validation";
      if (delay === undefined || permanent) return finish({ state: "failed", attempts, lastError }, true);
      return finish({ attempts, lastError, nextAttemptAt: new Date(Date.now() + delay * 60_000).toISOString() }, false);
    }
    const sent = {
      state: "sent" as const,
      sesMessageId,
      attempts: item.attempts + 1,
      suppressed: suppressed.length ? suppressed : undefined,
      events: [...((item.events ?? []) as unknown[]), { state: "sent", at: now }].slice(-MAX_EVENTS),
    };
    if (!Config.get("sesEndpoint")) await rememberSesMessageId(item, sesMessageId);
    try {
      return await finish(sent, true);
    } catch (error) {
      // SES's own Send or Delivery notification moved the mail on first: it was sent.
      if (!isConditionFailure(error)) throw error;
      return { ...item, ...sent, updatedAt: now } as OutboundItem;
    }
  }

  /** deliver(), for callers that already committed: a failure is logged and left to the retry sweep. */
  export async function deliverSafely(
    item: OutboundItem,
    known: { message?: MessageDraft } = {},
  ): Promise<OutboundItem> {
    try {
      return await deliver(item, known);
    } catch (error) {
      Log.error("outbound mail not recorded; the sweep retries it", { mailId: item.mailId, error: String(error) });
      return item;
    }
  }

  /**
   * The retry sweep (every minute): queued mail whose next attempt is due, from the outbox
   * index's shards — requests proportional to what is queued, whatever the number of tenants.
   * Each mail is claimed with a conditional write first, so two sweeps never send one twice.
   */
  export async function sweep(now = new Date()): Promise<{ attempted: number }> {
    let attempted = 0;
    const { entities } = Outdesk;
    for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
      const { data } = await entities.outboundMail.query
        .outbox({ outboxShard: String(shard) })
        .lt({ nextAttemptAt: now.toISOString() })
        .go({ limit: 100 });
      for (const item of data as OutboundItem[]) {
        const lease = new Date(now.getTime() + 5 * 60_000).toISOString();
        try {
          await entities.outboundMail
            .patch({
              providerId: item.providerId,
              clientId: item.clientId,
              ticketId: item.ticketId,
              mailId: item.mailId,
            })
            .set({ nextAttemptAt: lease })
            .where((attr, op) => `${op.eq(attr.state, "queued")} AND ${op.eq(attr.nextAttemptAt, item.nextAttemptAt!)}`)
            .go();
        } catch {
          continue;
        }
        const actor: TenantActor = {
          type: "system",
          providerId: item.providerId,
          id: "outbox",
          role: "system",
          clientIds: "all",
        };
        await withActor(actor, () => deliverSafely({ ...item, nextAttemptAt: lease }));
        attempted++;
      }
    }
    return { attempted };
  }
}

/**
 * SES replaces the Message-ID a raw mail carries with its own (`<SES id@region.amazonses.com>`),
 * so on AWS the id recipients reply to is that one: it becomes a thread key of the ticket too.
 */
async function rememberSesMessageId(item: OutboundItem, sesMessageId: string) {
  if (!sesMessageId) return;
  const region = Config.get("region");
  const host = region === "us-east-1" ? "email.amazonses.com" : `${region}.amazonses.com`;
  await Outdesk.entities.threadKey
    .put({
      providerId: item.providerId,
      clientId: item.clientId,
      idHash: messageIdHash(`<${sesMessageId}@${host}>`),
      ticketId: item.ticketId,
      messageId: item.messageId,
      createdAt: item.createdAt,
    })
    .go();
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function send(item: OutboundItem, message: MessageDraft, allowed: Set<string>) {
  const signature = item.footer ?? "";
  const text = signature ? `${message.bodyText}\n\n-- \n${signature}` : message.bodyText;
  const html = message.bodyHtml
    ? `${message.bodyHtml}${signature ? `<p>-- <br>${escapeHtml(signature).replace(/\n/g, "<br>")}</p>` : ""}`
    : undefined;
  const target = { providerId: item.providerId, clientId: item.clientId, ticketId: item.ticketId };
  const attachments: MailAttachment[] = [];
  for (const ref of (message.attachments ?? []) as StoredAttachment[]) {
    const content = await Attachments.content(target, ref);
    if (content) attachments.push({ filename: ref.filename, contentType: ref.contentType, content });
  }
  const to = item.to.filter((a) => allowed.has(a));
  const cc = (item.cc ?? []).filter((a) => allowed.has(a));
  const raw = buildMime({
    from: { address: item.from, name: item.fromName },
    to: to.map((address) => ({ address })),
    cc: cc.map((address) => ({ address })),
    replyTo: [{ address: item.replyTo }],
    subject: item.subject,
    messageId: item.rfcMessageId,
    inReplyTo: item.inReplyTo,
    references: item.references,
    date: new Date(item.createdAt),
    headers:
      item.kind === "auto_ack"
        ? { "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All", Precedence: "auto_reply" }
        : {},
    text,
    html,
    attachments,
  });
  return Aws.sendRawMail({
    from: item.from,
    to,
    cc,
    raw,
    tags: { p: item.providerId, c: item.clientId, t: item.ticketId, o: item.mailId },
  });
}
