import { createHash } from "node:crypto";
import { type TenantActor, withActor } from "../actor";
import { Attachments } from "../attachment";
import { Aws } from "../aws";
import { usageOf, usageSteps } from "../billing/usage";
import { readByKeys } from "../common/batch";
import { primaryKey } from "../common/keys";
import { storedBytes } from "../common/size";
import { type Services, step, writeTransaction } from "../common/transaction";
import { Config } from "../config";
import { Dynamo, Outdesk } from "../dynamo";
import { OutdeskError } from "../error";
import { createId } from "../id";
import { type PolicySetItem, Sla, setKey } from "../sla";
import { MAX_MESSAGE_BYTES, takeTicketNumber } from "../ticket";
import { NO_DUE_TIME, UNASSIGNED } from "../ticket/constants";
import { type Status, statsDelta, statusAfterRequesterReply } from "../ticket/lifecycle";
import { ticketIdByNumber } from "../ticket/lookup";
import type { MessageItem, TicketItem } from "../ticket/model";
import { type ClientItem, commitPlan, eventCommits, type Plan, statsCommits, tagCommits } from "../ticket/write";
import { Addresses, type MailRoute } from "./addresses";
import { type Automation, classify } from "./automation";
import { htmlToText } from "./html-text";
import { compactMeta, type MailMeta, type MailPerson, type ThreadRule } from "./model";
import { Outbound } from "./outbound";
import { type ParsedMail, parseMail } from "./parse";
import { foldHtml, foldText } from "./quote";
import { rawMailKey, type SesReceiptRecord } from "./ses-event";
import { messageIdHash, messageIdsIn, openReplyToken, subjectTokens } from "./tokens";

type Entities = typeof Outdesk.entities;
type ThreadKeyItem = { idHash: string; ticketId: string };
type ContactItem = { email: string; name?: string; lastAutoAckAt?: string; firstSeenAt?: string };

/** Inbound mail acts as the client's system actor: the tenant resolved from the envelope recipient. */
const mailActor = (route: MailRoute): TenantActor => ({
  type: "system",
  providerId: route.providerId,
  id: "inbound-mail",
  role: "system",
  clientIds: "all",
  name: "Email",
});

/** In-Reply-To first, then References newest first: the ids a reply most likely shares with its ticket. */
const MAX_REFERENCES = 20;
const DEDUPE_DAYS = 90;
const AUTO_ACK_WINDOW_MS = 24 * 3600 * 1000;
const MAX_CCS = 20;

const sha = (value: string | Uint8Array) => createHash("sha256").update(value).digest("base64url");

/**
 * The mail's identity for deduplication: its Message-ID with what a second delivery of the same
 * mail cannot change (sender, date, subject, bodies, attachment sizes). Two different mails that
 * share a Message-ID (broken mailers do this) stay two mails.
 */
function dedupeKey(parsed: ParsedMail, rawLength: number): string {
  const parts = [
    parsed.messageId ?? "",
    parsed.from?.address ?? "",
    parsed.date ?? "",
    parsed.subject,
    sha(parsed.text),
    sha(parsed.html ?? ""),
    parsed.attachments.map((a) => a.content.length).join(","),
    parsed.cut.length > 0 ? String(rawLength) : "",
  ];
  return `in_${sha(parts.join("\n")).slice(0, 26)}`;
}

const person = (m: { address: string; name?: string }): MailPerson => ({ address: m.address, name: m.name ?? "" });

export interface ReceiveResult {
  outcome: "delivered" | "verification" | "unrouted";
  clients: { clientId: string; outcome: "created" | "appended" | "duplicate" | "refused"; ticketId?: string }[];
}

export namespace Inbound {
  /**
   * Handles one SES receipt record: reads the raw mail SES stored, resolves the clients from the
   * envelope recipients, and delivers the mail to each (one ticket per client). Re-running it on
   * the same record changes nothing that was done; a failure throws so the caller retries.
   */
  export async function receive(record: SesReceiptRecord): Promise<ReceiveResult> {
    await Dynamo.ready();
    const { mail, receipt } = record.ses;
    const key = rawMailKey(mail.messageId);
    const raw = await Aws.getObject(Config.get("rawMailBucket"), key);
    if (!raw) throw new Error(`The raw mail ${key} is not in the raw-mail bucket`);
    const parsed = await parseMail(raw);
    const automation = classify(parsed.headers, {
      envelopeSender: mail.source,
      from: parsed.from?.address ?? "",
      contentType: parsed.contentType,
      receipt,
    });
    const delivery = { parsed, raw: { key, size: raw.length }, record, automation };
    const done = new Map<string, ReceiveResult["clients"][number]>();
    const first = await routeAndDeliver(delivery, done, false);
    // A cached route the client's item no longer backs: route everything again from the table.
    return first === STALE ? ((await routeAndDeliver(delivery, done, true)) as ReceiveResult) : first;
  }
}

const STALE = Symbol("stale route");

async function routeAndDeliver(
  delivery: Delivery,
  done: Map<string, ReceiveResult["clients"][number]>,
  fresh: boolean,
): Promise<ReceiveResult | typeof STALE> {
  const { parsed, record } = delivery;
  const { mail, receipt } = record.ses;
  const { routes, unknown } = await Addresses.route(receipt.recipients, { fresh });
  for (const recipient of unknown) {
    await Addresses.recordUnknown({
      recipient,
      sesMessageId: mail.messageId,
      from: parsed.from?.address ?? mail.source,
      subject: parsed.subject,
      receivedAt: receipt.timestamp ?? mail.timestamp,
    });
  }
  if (routes.length === 0) return { outcome: "unrouted", clients: [] };
  if (
    await Addresses.confirmFromMail({ routes, subject: parsed.subject, text: parsed.text, headers: parsed.headers })
  ) {
    return { outcome: "verification", clients: [] };
  }
  let stale = false;
  for (const route of routes) {
    const key = `${route.providerId}/${route.clientId}`;
    if (done.has(key)) continue;
    const result = await withActor(mailActor(route), () => deliver(route, delivery));
    if (result === STALE) stale = true;
    else done.set(key, { clientId: route.clientId, ...result });
  }
  if (stale) return STALE;
  const clients = routes.flatMap((route) => done.get(`${route.providerId}/${route.clientId}`) ?? []);
  return { outcome: "delivered", clients };
}

interface Delivery {
  parsed: ParsedMail;
  raw: { key: string; size: number };
  record: SesReceiptRecord;
  automation: Automation;
}

const DUPLICATE = new OutdeskError("conflict", "This mail was already delivered");

/** A ticket write that lost a race re-reads and tries again, a few times. */
async function deliver(route: MailRoute, delivery: Delivery) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await deliverOnce(route, delivery);
    } catch (error) {
      if (error === DUPLICATE) return { outcome: "duplicate" as const };
      if (error === STALE) return STALE;
      const retry = error instanceof OutdeskError && error.code === "conflict" && attempt < 4;
      if (!retry) throw error;
    }
  }
}

async function deliverOnce(route: MailRoute, { parsed, raw, record, automation }: Delivery) {
  const { providerId, clientId } = route;
  const { entities } = Outdesk;
  const sender = (parsed.from?.address || record.ses.mail.source || "unknown@invalid").toLowerCase();
  const dedupe = dedupeKey(parsed, raw.size);
  const ownId = parsed.messageId ? messageIdHash(parsed.messageId) : undefined;
  const references = [
    ...new Set([...messageIdsIn(parsed.inReplyTo), ...messageIdsIn(parsed.references).reverse()]),
  ].slice(0, MAX_REFERENCES);
  const hashes = [...new Set([...references.map(messageIdHash), ...(ownId ? [ownId] : [])])];

  // One BatchGet: the client, whether this mail was handled, the sender, and the thread keys.
  const of = await readByKeys([
    primaryKey(entities.client, { providerId, clientId }),
    primaryKey(entities.inboundMail, { providerId, clientId, dedupeKey: dedupe }),
    primaryKey(entities.contact, { providerId, clientId, email: sender }),
    ...hashes.map((idHash) => primaryKey(entities.threadKey, { providerId, clientId, idHash })),
    setKey(providerId, clientId),
  ]);
  const slaSet = (entities.slaPolicySet.parse(of("slaPolicySet")).data[0] as PolicySetItem | undefined) ?? null;
  const client = entities.client.parse(of("client")).data[0] as ClientItem | undefined;
  if (route.cached && !(client && Addresses.stillRoutes(client, route))) throw STALE;
  const handled = entities.inboundMail.parse(of("inboundMail")).data[0];
  if (handled) return { outcome: "duplicate" as const, ticketId: handled.ticketId };
  if (!client) {
    await Addresses.recordUnknown({
      recipient: route.address,
      sesMessageId: record.ses.mail.messageId,
      from: sender,
      subject: parsed.subject,
      receivedAt: record.ses.receipt.timestamp,
    });
    return { outcome: "refused" as const };
  }
  const contact = entities.contact.parse(of("contact")).data[0] as ContactItem | undefined;
  const keys = new Map(
    (entities.threadKey.parse(of("threadKey")).data as ThreadKeyItem[]).map((item) => [item.idHash, item.ticketId]),
  );

  const found = await findTicket(entities, { route, parsed, sender, references, keys });
  const now = new Date().toISOString();
  const ticketId = found?.ticket.ticketId ?? createId("ticket");
  const target = { providerId, clientId, ticketId };
  const messageId = createId("message");
  const quarantined = automation.quarantine && parsed.attachments.length > 0;
  const attachments = automation.quarantine
    ? []
    : await Attachments.storeMailParts(target, parsed.attachments, `${dedupe}`);
  const body = await mailBody(parsed);
  const cut = [...parsed.cut, ...body.cut];
  const participants = participantsOf(parsed, sender, route, client);
  const meta: MailMeta = {
    direction: "inbound",
    messageId: parsed.messageId ?? `<${dedupe}@${Config.get("mailDomain")}>`,
    from: person({ address: sender, name: parsed.from?.name }),
    to: parsed.to.map(person),
    cc: parsed.cc.map(person),
    subject: parsed.subject,
    recipient: route.address,
    threadedBy: found?.rule ?? "new",
    followUpOf: found?.followUpOf,
    flags: automation.flags.length ? automation.flags : undefined,
    cut: cut.length ? cut : undefined,
    quarantined: quarantined || undefined,
    foldAt: body.foldAt,
    raw,
  };
  const message: Omit<MessageItem, "providerId" | "clientId" | "ticketId"> = {
    messageId,
    visibility: "public",
    authorType: "requester",
    authorName: parsed.from?.name || sender,
    authorEmail: sender,
    bodyText: body.text,
    bodyHtml: body.html,
    attachments: attachments.length ? attachments : undefined,
    channel: "email",
    mail: compactMeta(meta),
    createdAt: now,
  };
  const notes = systemNotes({ cut, quarantined, withheld: parsed.attachments.length, at: now });
  const ownKey = ownId && !keys.has(ownId) ? ownId : undefined;
  const common = (services: Services) => [
    step(
      services.inboundMail
        .create({
          ...target,
          dedupeKey: dedupe,
          messageId,
          sesMessageId: record.ses.mail.messageId,
          threadedBy: meta.threadedBy ?? "new",
          receivedAt: now,
          expiresAt: Math.floor(Date.now() / 1000) + DEDUPE_DAYS * 86400,
        })
        .commit(),
      DUPLICATE,
    ),
    ...(ownKey
      ? [
          step(
            services.threadKey
              .put({ providerId, clientId, idHash: ownKey, ticketId, messageId, createdAt: now })
              .commit(),
          ),
        ]
      : []),
  ];
  const threadIds = [meta.messageId];

  if (found && !found.followUpOf) {
    const ticket = found.ticket;
    const from = ticket.status as Status;
    const to = statusAfterRequesterReply(from);
    const known = new Set([ticket.requesterEmail, ...(ticket.ccs ?? [])]);
    const ccs = [...(ticket.ccs ?? []), ...participants.filter((a) => !known.has(a))].slice(0, MAX_CCS);
    const plan: Plan = {
      set: {
        ...(to !== from ? { status: to } : {}),
        messageCount: ticket.messageCount + 1 + notes.length,
        publicMessageCount: (ticket.publicMessageCount ?? ticket.messageCount) + 1,
        ...(ccs.length !== (ticket.ccs ?? []).length ? { ccs } : {}),
      },
      events: to !== from ? [{ field: "status", from, to, reason: "the requester replied by email" }] : [],
      messages: [message, ...notes],
      extra: (services) => [
        ...common(services),
        contactStep(services, target, sender, parsed.from?.name, contact, now, false),
        Outbound.threadStep(services, target, found.thread, threadIds),
      ],
    };
    await commitPlan({ actor: mailActor(route), ticket, client, users: new Map(), slaSet }, plan);
    return { outcome: "appended" as const, ticketId };
  }

  // A new ticket; an automatic acknowledgement when the client sends them and the mail allows it.
  const numbered = await takeTicketNumber(providerId, clientId);
  const ticket: TicketItem = {
    ...target,
    number: numbered.lastTicketNumber,
    key: `${numbered.ticketPrefix}-${numbered.lastTicketNumber}`,
    subject: (parsed.subject || "(no subject)").slice(0, 250),
    status: "new",
    priority: "normal",
    type: "question",
    tags: [],
    assigneeId: UNASSIGNED,
    tier: "L1",
    channel: "email",
    requesterName: parsed.from?.name || undefined,
    requesterEmail: sender,
    ccs: participants.length ? participants.slice(0, MAX_CCS) : undefined,
    createdBy: "inbound-mail",
    createdAt: now,
    updatedAt: now,
    dueAt: NO_DUE_TIME,
    slaNextAt: NO_DUE_TIME,
    slaShard: "0",
    messageCount: 1 + notes.length,
    publicMessageCount: 1,
    timeSpentMinutes: 0,
    version: 1,
  };
  const lastAck = contact?.lastAutoAckAt ? Date.parse(contact.lastAutoAckAt) : 0;
  const wantsAck = !automation.noAutoReply && Date.now() - lastAck >= AUTO_ACK_WINDOW_MS;
  const ack = wantsAck
    ? await Outbound.draftAutoAck({ client: numbered, ticket, inReplyTo: meta.messageId })
    : undefined;
  if (ack) {
    ticket.messageCount += 1;
    ticket.publicMessageCount = 2;
    threadIds.push(ack.outbound.rfcMessageId);
  }
  const clocks = Sla.onWrite({
    set: slaSet ?? undefined,
    before: null,
    after: ticket,
    at: now,
    timeZone: client.timeZone,
  });
  Object.assign(ticket, clocks.set);
  await writeTransaction((services) => [
    step(services.ticket.create(ticket).commit()),
    ...eventCommits(services, ticket, mailActor(route), now, clocks.events).map((commit) => step(commit)),
    step(services.message.create({ ...target, ...message }).commit()),
    ...notes.map((note) => step(services.message.create({ ...target, ...note }).commit())),
    ...common(services),
    ...statsCommits(services, ticket, statsDelta(null, ticket)).map((commit) => step(commit)),
    ...tagCommits(services, null, ticket).map((commit) => step(commit)),
    ...usageSteps(
      services,
      ticket,
      usageOf(null, ticket, [], now, client.timeZone).records,
      client.timeZone,
      undefined,
    ),
    contactStep(services, target, sender, parsed.from?.name, contact, now, ack !== undefined),
    Outbound.threadStep(services, target, undefined, threadIds),
    ...(ack ? Outbound.commits(services, target, ack) : []),
  ]);
  if (ack) await Outbound.deliverSafely(ack.outbound, { message: ack.message });
  return { outcome: "created" as const, ticketId };
}

/** The sender and the other people a mail went to, without the client's own support addresses. */
function participantsOf(parsed: ParsedMail, sender: string, route: MailRoute, client: ClientItem): string[] {
  const domain = `@${Config.get("mailDomain")}`;
  const own = new Set([route.address, ...(client.supportAddresses ?? []).map((a) => a.toLowerCase())]);
  return [
    ...new Set(
      [...parsed.to, ...parsed.cc]
        .map((m) => m.address)
        .filter((a) => a !== sender && !own.has(a) && !a.endsWith(domain)),
    ),
  ];
}

interface Found {
  ticket: TicketItem;
  thread: { rootId?: string; recent: string[] } | undefined;
  rule: ThreadRule;
  /** Set when the mail answers a closed ticket: it opens a new one that follows it up. */
  followUpOf?: string;
}

/**
 * Threading, in order: one of our thread's Message-IDs in In-Reply-To/References; the signed
 * reply address (issued to this sender); the `[ACME-1042]` subject token, only from the ticket's
 * requester or a CC. A merged ticket forwards to the one it merged into.
 */
async function findTicket(
  entities: Entities,
  {
    route,
    parsed,
    sender,
    references,
    keys,
  }: {
    route: MailRoute;
    parsed: ParsedMail;
    sender: string;
    references: string[];
    keys: Map<string, string>;
  },
): Promise<Found | undefined> {
  const { providerId, clientId } = route;
  let ticketId: string | undefined;
  let rule: ThreadRule | undefined;
  for (const id of references) {
    ticketId = keys.get(messageIdHash(id));
    if (ticketId) {
      rule = "message_id";
      break;
    }
  }
  let participantsOnly = false;
  if (!ticketId && route.token) {
    const number = await openReplyToken(route.token, { providerId, clientId, sender });
    if (number !== undefined) {
      ticketId = await ticketIdByNumber(providerId, clientId, number);
      rule = ticketId ? "reply_address" : undefined;
    }
  }
  if (!ticketId) {
    for (const token of subjectTokens(parsed.subject)) {
      ticketId = await ticketIdByNumber(providerId, clientId, token.number);
      if (ticketId) {
        rule = "subject_token";
        participantsOnly = true;
        break;
      }
    }
  }
  for (let hops = 0; ticketId && hops < 5; hops++) {
    const of = await readByKeys([
      primaryKey(entities.ticket, { providerId, clientId, ticketId }),
      primaryKey(entities.mailThread, { providerId, clientId, ticketId }),
    ]);
    const ticket = entities.ticket.parse(of("ticket")).data[0] as TicketItem | undefined;
    if (!ticket) return undefined;
    if (participantsOnly) {
      const token = subjectTokens(parsed.subject).find((t) => t.number === ticket.number);
      const people = new Set([ticket.requesterEmail.toLowerCase(), ...(ticket.ccs ?? []).map((a) => a.toLowerCase())]);
      // A subject token from a stranger (or for a key this ticket never had) is not a reply.
      if (!token || `${token.prefix}-${token.number}` !== ticket.key || !people.has(sender)) return undefined;
    }
    if (ticket.status === "closed" && ticket.mergedInto) {
      ticketId = ticket.mergedInto;
      continue;
    }
    const thread = entities.mailThread.parse(of("mailThread")).data[0] as Found["thread"];
    return {
      ticket,
      thread,
      rule: rule!,
      followUpOf: ticket.status === "closed" ? ticket.key : undefined,
    };
  }
  return undefined;
}

/**
 * The stored body: the text (from the HTML when the mail has none), the sanitized HTML with
 * its quoted history folded into <details>, and where the text's quoted history starts. What
 * would not fit a message item is cut, and said so.
 */
async function mailBody(parsed: ParsedMail) {
  const cut: string[] = [];
  let text = parsed.text.trim() ? parsed.text : parsed.html ? htmlToText(parsed.html) : "";
  if (!text.trim()) text = "(This message has no text.)";
  let html: string | undefined;
  if (parsed.html) {
    const { sanitizeMessageHtml } = await import("../ticket/sanitize");
    html = sanitizeMessageHtml(foldHtml(parsed.html).html);
  }
  if (html && storedBytes({ text, html }) > MAX_MESSAGE_BYTES) {
    cut.push("the HTML version was too large to keep; the text version is shown");
    html = undefined;
  }
  if (storedBytes({ text }) > MAX_MESSAGE_BYTES) {
    const keep = Math.floor(MAX_MESSAGE_BYTES / 4);
    cut.push(`the text was shortened to ${keep} characters`);
    text = text.slice(0, keep);
  }
  const fold = foldText(text);
  return { text, html, cut, foldAt: fold.quoted ? fold.newText.length : undefined };
}

/** Internal notes that tell agents what the limits cut or what the virus scan withheld. */
function systemNotes({
  cut,
  quarantined,
  withheld,
  at,
}: {
  cut: string[];
  quarantined: boolean;
  withheld: number;
  at: string;
}): Omit<MessageItem, "providerId" | "clientId" | "ticketId">[] {
  const lines = [
    ...(quarantined
      ? [`SES's virus scan failed this mail: its ${withheld} attachment(s) were withheld. Treat it with care.`]
      : []),
    ...(cut.length ? [`This mail was larger than Outdesk keeps; the original is kept. Cut: ${cut.join("; ")}.`] : []),
  ];
  if (lines.length === 0) return [];
  return [
    {
      messageId: createId("message"),
      visibility: "internal",
      authorType: "system",
      authorName: "Outdesk",
      bodyText: lines.join("\n\n"),
      channel: "email",
      // After the mail itself, in the thread's order.
      createdAt: `${at.slice(0, -1)}1Z`,
    },
  ];
}

/** The sender as the client's contact; with an acknowledgement, only if none went out in the last 24 h. */
function contactStep(
  services: Services,
  target: { providerId: string; clientId: string },
  email: string,
  name: string | undefined,
  contact: ContactItem | undefined,
  at: string,
  acknowledged: boolean,
) {
  let update = services.contact
    .patch({ providerId: target.providerId, clientId: target.clientId, email })
    .set({ lastSeenAt: at, firstSeenAt: contact?.firstSeenAt ?? at, ...(name ? { name } : {}) });
  if (acknowledged) update = update.set({ lastAutoAckAt: at });
  // patch() requires the item; a first mail creates the contact (and fails if another just did).
  const commit = contact
    ? update
        .where((attr, op) =>
          acknowledged
            ? contact.lastAutoAckAt
              ? op.eq(attr.lastAutoAckAt, contact.lastAutoAckAt)
              : op.notExists(attr.lastAutoAckAt)
            : "",
        )
        .commit()
    : services.contact
        .create({
          providerId: target.providerId,
          clientId: target.clientId,
          email,
          name: name || undefined,
          firstSeenAt: at,
          lastSeenAt: at,
          ...(acknowledged ? { lastAutoAckAt: at } : {}),
        })
        .commit();
  // A concurrent first mail from the same sender, or a concurrent acknowledgement: retry from the top.
  return step(commit, new OutdeskError("conflict", "The contact changed meanwhile"));
}
