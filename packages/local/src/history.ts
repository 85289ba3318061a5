import { type Actor, withActor } from "@outdesk/core/actor";
import { TimeEntries } from "@outdesk/core/billing";
import { withClock } from "@outdesk/core/clock";
import { monthOver } from "@outdesk/core/sla/report";
import { Ticket, type TicketInfo } from "@outdesk/core/ticket";
import { mulberry32 } from "./random";

/** A client's past questions: subject, body, type, tags. */
type Topic = [string, string, "question" | "incident" | "problem" | "task", string[]];

type UserActor = Actor & { type: "user" };

export interface HistoryClient {
  clientId: string;
  agent: UserActor;
  clientAdmin: Actor;
  requester: [string, string];
  topics: Topic[];
  /** Required custom fields, by the ticket's number in the history. */
  fields?: (n: number) => Record<string, string>;
  /** The client's time zone: its months decide which time is approved. */
  timeZone: string;
  /** Tickets (by number) whose first reply is late whatever the dice say: a month with a credit. */
  lateFirstReplies?: number[];
}

const CHANNELS = ["web", "phone", "web", "chat"] as const;
const PRIORITIES = ["normal", "high", "normal", "low", "urgent", "normal", "high", "low"] as const;
const MINUTE = 60_000;
const DAY = 86_400_000;

function dueOf(ticket: TicketInfo, metric: string): number | undefined {
  const due = ticket.sla?.cycles.find((cycle) => cycle.metric === metric && cycle.state === "running")?.dueAt;
  return due ? Date.parse(due) : undefined;
}

/** Mostly on time, one reply in eight late: what a month of a real desk looks like. */
function replyAt(from: number, due: number | undefined, next: () => number, forceLate = false): number {
  const span = (due ?? from + 60 * MINUTE) - from;
  const late = next() < 0.12 || forceLate;
  return Math.round(from + span * (late ? 1.1 + next() * 0.7 : 0.15 + next() * 0.7));
}

/** The history's first instant: the first day (UTC) three months before `now`; its month is the contracts' first. */
export function historyStart(now: number): number {
  const start = new Date(now);
  return Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - 3, 1);
}

/**
 * Past months of worked tickets for the demo: from the first day three months back until a week
 * ago, a ticket every three to five days per client, each answered, followed up by the client and
 * solved, stamped with its own past times (withClock), so the clocks, breaches and daily rollups
 * are exactly what live traffic would have written and the SLA dashboard, statements and charts
 * have months to show. The agent logs time with each reply and on incidents and problems a call
 * or some research besides; `approver` (a provider admin) approves it the day after, every entry
 * of a finished month and every other ticket's of the current one (the rest stay drafts), so the
 * billing statements rate real hours. Returns how many tickets it wrote.
 */
export async function seedHistory(
  clients: HistoryClient[],
  { approver, now = Date.now() }: { approver: UserActor; now?: number },
): Promise<number> {
  const from = historyStart(now);
  const until = now - 7 * DAY;
  const done = await Promise.all(
    clients.map(async (client, index) => {
      const next = mulberry32(1_000 + index);
      // Time has its own dice, so the tickets and their SLA figures stay what they were without it.
      const time = mulberry32(2_000 + index);
      let count = 0;
      for (let day = from + Math.floor(next() * 2) * DAY; day < until; day += (3 + Math.floor(next() * 3)) * DAY) {
        const weekday = new Date(day).getUTCDay();
        if (weekday === 0 || weekday === 6) continue;
        const t0 = day + (14 * 60 + Math.floor(next() * 120)) * MINUTE;
        const [subject, body, type, tags] = client.topics[count % client.topics.length]!;
        const worked = await ticketFrom(client, t0, next, time, {
          subject,
          body,
          type,
          tags,
          priority: PRIORITIES[count % PRIORITIES.length]!,
          channel: CHANNELS[count % CHANNELS.length]!,
          fields: client.fields?.(count) ?? {},
          lateFirstReply: client.lateFirstReplies?.includes(count) ?? false,
        });
        await approveTime(client, worked, approver, now, count % 2 === 0);
        count++;
      }
      return count;
    }),
  );
  return done.reduce((a, b) => a + b, 0);
}

/** The day after the work, the admin approves the ticket's drafts: all in a finished month, in the current one if asked. */
async function approveTime(
  client: HistoryClient,
  worked: { ticketId: string; endedAt: number },
  approver: UserActor,
  now: number,
  inCurrentMonth: boolean,
) {
  const ids = { clientId: client.clientId, ticketId: worked.ticketId };
  await withClock(Math.min(worked.endedAt + DAY, now), () =>
    withActor(approver, async () => {
      const { items } = await TimeEntries.forTicket(ids);
      for (const entry of items) {
        if (entry.status !== "draft") continue;
        if (!inCurrentMonth && !monthOver(entry.date.slice(0, 7), client.timeZone, now)) continue;
        await TimeEntries.approve({ ...ids, entryId: entry.id, version: entry.version });
      }
    }),
  );
}

async function ticketFrom(
  client: HistoryClient,
  t0: number,
  next: () => number,
  time: () => number,
  topic: {
    subject: string;
    body: string;
    type: Topic[2];
    tags: string[];
    priority: (typeof PRIORITIES)[number];
    channel: (typeof CHANNELS)[number];
    fields: Record<string, string>;
    lateFirstReply: boolean;
  },
): Promise<{ ticketId: string; endedAt: number }> {
  const { clientId, agent, clientAdmin } = client;
  const { lateFirstReply, ...fields } = topic;
  const created = await withClock(t0, () =>
    withActor(agent, () =>
      Ticket.create({
        clientId,
        ...fields,
        requester: { name: client.requester[0], email: client.requester[1] },
        assigneeId: agent.id,
      }),
    ),
  );
  const ids = { clientId, ticketId: created.id };
  // The reply that solves the ticket logs the agent's time on the fix; an acknowledgement logs none
  // (its minutes are drawn all the same, so the dice of what follows stay as they were).
  const staffReply = (at: number, body: string, status?: "solved") => {
    const minutes = 5 + Math.floor(next() * 26);
    return withClock(at, () =>
      withActor(agent, () =>
        Ticket.addMessage({
          ...ids,
          visibility: "public",
          body,
          status,
          timeSpentMinutes: status === "solved" ? minutes : 0,
          // History, not new replies: nothing goes out by mail.
          email: { send: false, cc: undefined },
        }),
      ),
    );
  };
  const t1 = replyAt(t0, dueOf(created, "first_reply"), next, lateFirstReply);
  await staffReply(t1, "Thanks for reporting this. We are looking into it and will update you here.");
  const t2 = t1 + (30 + Math.floor(next() * 210)) * MINUTE;
  const followedUp = await withClock(t2, () =>
    withActor(clientAdmin, () =>
      Ticket.addMessage({ ...ids, visibility: "public", body: "Thanks. Here are the details you asked for." }),
    ),
  );
  const t3 = replyAt(t2, dueOf(followedUp.ticket, "next_reply"), next);
  await staffReply(t3, "Fixed on our side; closing this as solved. Reply if it comes back.", "solved");
  // Incidents and problems take a call or some research between the replies; now and then it is goodwill.
  if (topic.type === "incident" || topic.type === "problem") {
    const minutes = 20 + Math.floor(time() * 100);
    const startedAt = t1 + Math.floor(time() * Math.max(0, t3 - t1 - minutes * MINUTE));
    const billing = time() < 0.2 ? "no_charge" : "billable";
    await withClock(t3 + 5 * MINUTE, () =>
      withActor(agent, () =>
        TimeEntries.create({
          ...ids,
          minutes,
          billing,
          workType: topic.type === "incident" ? "call" : "research",
          startedAt: new Date(startedAt).toISOString(),
          note: topic.type === "incident" ? "Call with the requester" : "Looked into the cause",
        }),
      ),
    );
  }
  return { ticketId: created.id, endedAt: t3 };
}
