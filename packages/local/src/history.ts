import { type Actor, withActor } from "@outdesk/core/actor";
import { withClock } from "@outdesk/core/clock";
import { Ticket, type TicketInfo } from "@outdesk/core/ticket";

/** A client's past questions: subject, body, type, tags. */
type Topic = [string, string, "question" | "incident" | "problem" | "task", string[]];

export interface HistoryClient {
  clientId: string;
  agent: Actor & { type: "user" };
  clientAdmin: Actor;
  requester: [string, string];
  topics: Topic[];
  /** Required custom fields, by the ticket's number in the history. */
  fields?: (n: number) => Record<string, string>;
}

const CHANNELS = ["web", "phone", "web", "chat"] as const;
const PRIORITIES = ["normal", "high", "normal", "low", "urgent", "normal", "high", "low"] as const;
const MINUTE = 60_000;
const DAY = 86_400_000;

/** mulberry32: the same history on every machine, so the demo's reports read the same. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function dueOf(ticket: TicketInfo, metric: string): number | undefined {
  const due = ticket.sla?.cycles.find((cycle) => cycle.metric === metric && cycle.state === "running")?.dueAt;
  return due ? Date.parse(due) : undefined;
}

/** Mostly on time, one reply in eight late: what a month of a real desk looks like. */
function replyAt(from: number, due: number | undefined, next: () => number): number {
  const span = (due ?? from + 60 * MINUTE) - from;
  const late = next() < 0.12;
  return Math.round(from + span * (late ? 1.1 + next() * 0.7 : 0.15 + next() * 0.7));
}

/**
 * Past months of worked tickets for the demo: from the first day three months back until a week
 * ago, a ticket every three to five days per client, each answered, followed up by the client and
 * solved, stamped with its own past times (withClock), so the clocks, breaches and daily rollups
 * are exactly what live traffic would have written and the SLA dashboard, statements and charts
 * have months to show. Returns how many tickets it wrote.
 */
export async function seedHistory(clients: HistoryClient[], now = Date.now()): Promise<number> {
  const start = new Date(now);
  const from = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - 3, 1);
  const until = now - 7 * DAY;
  const done = await Promise.all(
    clients.map(async (client, index) => {
      const next = random(1_000 + index);
      let count = 0;
      for (let day = from + Math.floor(next() * 2) * DAY; day < until; day += (3 + Math.floor(next() * 3)) * DAY) {
        const weekday = new Date(day).getUTCDay();
        if (weekday === 0 || weekday === 6) continue;
        const t0 = day + (14 * 60 + Math.floor(next() * 120)) * MINUTE;
        const [subject, body, type, tags] = client.topics[count % client.topics.length]!;
        await ticketFrom(client, t0, next, {
          subject,
          body,
          type,
          tags,
          priority: PRIORITIES[count % PRIORITIES.length]!,
          channel: CHANNELS[count % CHANNELS.length]!,
          fields: client.fields?.(count) ?? {},
        });
        count++;
      }
      return count;
    }),
  );
  return done.reduce((a, b) => a + b, 0);
}

async function ticketFrom(
  client: HistoryClient,
  t0: number,
  next: () => number,
  topic: {
    subject: string;
    body: string;
    type: Topic[2];
    tags: string[];
    priority: (typeof PRIORITIES)[number];
    channel: (typeof CHANNELS)[number];
    fields: Record<string, string>;
  },
) {
  const { clientId, agent, clientAdmin } = client;
  const created = await withClock(t0, () =>
    withActor(agent, () =>
      Ticket.create({
        clientId,
        ...topic,
        requester: { name: client.requester[0], email: client.requester[1] },
        assigneeId: agent.id,
      }),
    ),
  );
  const ids = { clientId, ticketId: created.id };
  const staffReply = (at: number, body: string, status?: "solved") =>
    withClock(at, () =>
      withActor(agent, () =>
        Ticket.addMessage({
          ...ids,
          visibility: "public",
          body,
          status,
          timeSpentMinutes: 5 + Math.floor(next() * 26),
          // History, not new replies: nothing goes out by mail.
          email: { send: false, cc: undefined },
        }),
      ),
    );
  const t1 = replyAt(t0, dueOf(created, "first_reply"), next);
  await staffReply(t1, "Thanks for reporting this. We are looking into it and will update you here.");
  const t2 = t1 + (30 + Math.floor(next() * 210)) * MINUTE;
  const followedUp = await withClock(t2, () =>
    withActor(clientAdmin, () =>
      Ticket.addMessage({ ...ids, visibility: "public", body: "Thanks. Here are the details you asked for." }),
    ),
  );
  const t3 = replyAt(t2, dueOf(followedUp.ticket, "next_reply"), next);
  await staffReply(t3, "Fixed on our side; closing this as solved. Reply if it comes back.", "solved");
}
