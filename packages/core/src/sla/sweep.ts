import { type TenantActor, withActor } from "../actor";
import { Aws } from "../aws";
import type { RawItem } from "../common/batch";
import { Config } from "../config";
import { Dynamo, Outdesk } from "../dynamo";
import { buildMime } from "../email/mime";
import { Suppression } from "../email/suppression";
import { OutdeskError } from "../error";
import { createId } from "../id";
import { Log } from "../log";
import type { NotificationKind } from "../notification/notification.entity";
import { CLIENT_STATS_SHARDS, Tiers } from "../ticket/constants";
import type { TicketItem } from "../ticket/model";
import { commitPlan, type EventDraft, loadForWrite } from "../ticket/write";
import { due, type SlaEvent, type SlaState } from "./clock";
import { Sla } from "./index";
import { timelines } from "./policies";
import { rollupSteps, rollupsOf } from "./rollup";
import type { Priority } from "./schema";

/** Tickets one sweep handles at most per shard; the rest wait for the next minute. */
const PER_SHARD = 200;
const NOTIFICATION_DAYS = 90;

const metricName = (metric?: string) => (metric ?? "").replace("_", " ");

interface Notice {
  kind: NotificationKind;
  to: "assignee" | "admins";
  metric?: string;
  text: string;
}

/** What each due event means for people: warnings and breaches reach the assignee; the ladder's steps whom they name. */
function noticesOf(events: SlaEvent[], ticket: TicketItem): Notice[] {
  const notices: Notice[] = [];
  for (const event of events) {
    const metric = metricName(event.metric);
    const where = `${ticket.key} "${ticket.subject}"`;
    if (event.kind === "warn") {
      notices.push({
        kind: "sla_warning",
        to: "assignee",
        metric: event.metric,
        text: `${where}: ${event.detail?.percent}% of the ${metric} target used; due ${event.detail?.dueAt}.`,
      });
    } else if (event.kind === "breach") {
      notices.push({
        kind: "sla_breach",
        to: "assignee",
        metric: event.metric,
        text: `${where}: the ${metric} target was breached at ${event.at}.`,
      });
    } else if (event.kind === "escalate" && event.detail?.action !== "raise_tier") {
      notices.push({
        kind: "sla_escalation",
        to: event.detail?.action === "notify_admins" ? "admins" : "assignee",
        metric: event.metric,
        text: `${where}: escalated at ${event.detail?.percent}% of the ${metric} target.`,
      });
    }
  }
  return notices;
}

/** The tier after `steps` raises, at most L3. */
function raisedTier(tier: string, steps: number): string {
  const index = Math.min(Tiers.length - 1, Tiers.indexOf(tier as (typeof Tiers)[number]) + steps);
  return Tiers[Math.max(0, index)]!;
}

export interface SweepResult {
  due: number;
  updated: number;
  events: number;
  notified: number;
}

/**
 * The SLA sweep (every minute on AWS, a timer locally): reads the shards of the due index up to
 * `now` — requests proportional to the tickets due, not to tickets or tenants — and records on
 * each ticket the warnings, breaches and escalation steps that are due, with its notifications,
 * in one transaction conditional on the ticket's version. Running it twice, or two at once,
 * records each step once: the cycle counts them, and a lost race leaves the ticket to the winner.
 */
export async function sweep(now = new Date()): Promise<SweepResult> {
  await Dynamo.ready();
  const result: SweepResult = { due: 0, updated: 0, events: 0, notified: 0 };
  const { QueryCommand } = Dynamo.commands();
  const admins = new Map<string, Promise<{ userId: string; email: string; name: string }[]>>();
  for (let shard = 0; shard < CLIENT_STATS_SHARDS; shard++) {
    const output = await Dynamo.raw().send(
      new QueryCommand({
        TableName: Dynamo.table(),
        IndexName: "gsi9",
        KeyConditionExpression: "gsi9pk = :pk AND gsi9sk <= :now",
        ExpressionAttributeValues: { ":pk": { S: `sla#${shard}` }, ":now": { S: now.toISOString() } },
        Limit: PER_SHARD,
      }),
    );
    for (const item of (output.Items ?? []) as RawItem[]) {
      const [providerId, clientId, ticketId] = (item.pk?.S ?? "").split("#");
      if (!providerId || !clientId || !ticketId) continue;
      result.due++;
      const actor: TenantActor = {
        type: "system",
        providerId,
        id: "sla-sweep",
        role: "system",
        clientIds: "all",
        name: "SLA",
      };
      try {
        const done = await withActor(actor, () => sweepTicket(clientId, ticketId, now, admins));
        if (done) {
          result.updated++;
          result.events += done.events;
          result.notified += done.notified;
        }
      } catch (error) {
        // A ticket changed meanwhile: its writer recomputed the clocks; the next sweep looks again.
        if (error instanceof OutdeskError && error.code === "conflict") continue;
        Log.error("SLA sweep failed for a ticket", { providerId, clientId, ticketId, error: String(error) });
      }
    }
  }
  return result;
}

async function sweepTicket(
  clientId: string,
  ticketId: string,
  now: Date,
  admins: Map<string, Promise<{ userId: string; email: string; name: string }[]>>,
): Promise<{ events: number; notified: number } | undefined> {
  const ctx = await loadForWrite(clientId, ticketId);
  const { ticket } = ctx;
  const state = ticket.sla as SlaState | undefined;
  if (!state) return undefined;
  const calendars = timelines(ctx.slaSet?.calendars as never);
  const swept = due(state, now.getTime(), calendars);
  const raises = swept.events.filter((e) => e.kind === "escalate" && e.detail?.action === "raise_tier").length;
  const tier = raises > 0 ? raisedTier(ticket.tier, raises) : ticket.tier;
  const events: EventDraft[] = Sla.eventDraft(swept.events);
  if (tier !== ticket.tier) {
    events.push({ field: "tier", from: ticket.tier, to: tier, reason: "SLA escalation", internal: true });
  }
  const notices = noticesOf(swept.events, ticket);
  const recipients = await recipientsOf(notices, ticket, ctx.actor.providerId, admins);
  const at = now.toISOString();
  await commitPlan(ctx, {
    set: {
      ...Sla.fields(ticketId, swept.state, calendars),
      ...(tier !== ticket.tier ? { tier: tier as TicketItem["tier"] } : {}),
    },
    events,
    sweep: true,
    extra: (services) => [
      ...rollupSteps(services, ticket, rollupsOf(swept.events, ticket.priority as Priority, ctx.client.timeZone)),
      ...recipients.map(({ user, notice }) => ({
        commit: services.notification
          .create({
            providerId: ticket.providerId,
            userId: user.userId,
            notificationId: createId("event"),
            kind: notice.kind,
            clientId,
            ticketId,
            ticketKey: ticket.key,
            subject: ticket.subject,
            metric: notice.metric,
            text: notice.text,
            createdAt: at,
            expiresAt: Math.floor(now.getTime() / 1000) + NOTIFICATION_DAYS * 86400,
          })
          .commit(),
      })),
    ],
  });
  await mailNotices(ticket, recipients);
  return { events: swept.events.length, notified: recipients.length };
}

type Person = { userId: string; email: string; name: string };

async function recipientsOf(
  notices: Notice[],
  ticket: TicketItem,
  providerId: string,
  admins: Map<string, Promise<Person[]>>,
): Promise<{ user: Person; notice: Notice }[]> {
  if (notices.length === 0) return [];
  const out: { user: Person; notice: Notice }[] = [];
  let assignee: Person | undefined;
  if (notices.some((n) => n.to === "assignee") && ticket.assigneeId !== "-") {
    const { data } = await Outdesk.entities.user.get({ providerId, userId: ticket.assigneeId }).go();
    if (data?.status === "active") assignee = { userId: data.userId, email: data.email, name: data.name };
  }
  for (const notice of notices) {
    if (notice.to === "assignee") {
      // Unassigned: the admins hear of it instead, so a breach never goes unseen.
      if (assignee) out.push({ user: assignee, notice });
      else for (const admin of await adminsOf(providerId, admins)) out.push({ user: admin, notice });
    } else for (const admin of await adminsOf(providerId, admins)) out.push({ user: admin, notice });
  }
  return out;
}

function adminsOf(providerId: string, cache: Map<string, Promise<Person[]>>): Promise<Person[]> {
  let found = cache.get(providerId);
  if (!found) {
    found = Outdesk.entities.user.query
      .byId({ providerId })
      .go({ pages: "all" })
      .then(({ data }) =>
        data
          .filter((u) => u.role === "provider_admin" && u.status === "active")
          .map((u) => ({ userId: u.userId, email: u.email, name: u.name })),
      );
    cache.set(providerId, found);
  }
  return found;
}

/** The same notices by mail, plain text from the mail domain's no-reply address; a failure is logged, never retried into doubles. */
async function mailNotices(ticket: TicketItem, recipients: { user: Person; notice: Notice }[]) {
  if (recipients.length === 0) return;
  const domain = Config.get("mailDomain");
  const { allowed } = await Suppression.filter(ticket.providerId, [...new Set(recipients.map((r) => r.user.email))]);
  for (const { user, notice } of recipients) {
    if (!allowed.includes(user.email)) continue;
    const label = { sla_warning: "SLA warning", sla_breach: "SLA breach", sla_escalation: "SLA escalation" }[
      notice.kind
    ];
    try {
      const raw = buildMime({
        from: { address: `no-reply@${domain}`, name: "Outdesk SLA" },
        to: [{ address: user.email, name: user.name }],
        subject: `[${ticket.key}] ${label}: ${metricName(notice.metric)}`,
        messageId: `<${createId("outboundMail")}.sla@${domain}>`,
        text: `Hello ${user.name},\n\n${notice.text}\n\nOpen the ticket in the console to act on it.\n`,
        headers: { "Auto-Submitted": "auto-generated" },
      });
      await Aws.sendRawMail({
        from: `no-reply@${domain}`,
        to: [user.email],
        raw,
        // A bounce or complaint suppresses this user's address (core/email/delivery.ts).
        tags: { p: ticket.providerId, k: "sla", u: user.userId },
      });
    } catch (error) {
      Log.error("SLA notification mail failed", { ticketId: ticket.ticketId, error: String(error) });
    }
  }
}
