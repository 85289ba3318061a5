import { type Services, type Step, step } from "../common/transaction";
import { dayIn, hourIn } from "../common/zone";
import { rollupShard } from "../sla/rollup";
import type { TicketItem } from "../ticket/model";

export { hourIn };

/** The meters ticket writes feed; time entries add worked and billable minutes. */
export type TicketMeter = "created" | "solved" | "solved_fc" | "reopened" | `contact_${string}`;

export interface UsageRecord {
  meter: TicketMeter;
  at: string;
}

const ENDED = new Set(["solved", "closed"]);
/**
 * What one ticket write meters, from the ticket before and after it and the messages it adds:
 * a created ticket; a solve, once per ticket and month (a reopen and re-solve in the same month
 * bills once); a reopen; and a contact per public staff reply, on the ticket's channel. A first
 * solve with at most one public staff reply and no follow-up from the requester (two public
 * messages at most) also counts as solved on first contact (`solved_fc`). `set` goes into the
 * ticket patch (the month its solve was metered in).
 */
export function usageOf(
  before: Pick<TicketItem, "status" | "solvedMeteredIn"> | null,
  after: Pick<TicketItem, "status" | "channel" | "publicMessageCount" | "messageCount">,
  messages: readonly { visibility: string; authorType: string }[],
  at: string,
  timeZone: string,
): { records: UsageRecord[]; set: { solvedMeteredIn?: string } } {
  const records: UsageRecord[] = [];
  const set: { solvedMeteredIn?: string } = {};
  if (!before) records.push({ meter: "created", at });
  const month = dayIn(timeZone, at).slice(0, 7);
  const from = before?.status;
  if (after.status === "solved" && from !== "solved" && from !== "closed" && before?.solvedMeteredIn !== month) {
    records.push({ meter: "solved", at });
    if (!before?.solvedMeteredIn && (after.publicMessageCount ?? after.messageCount ?? 0) <= 2)
      records.push({ meter: "solved_fc", at });
    set.solvedMeteredIn = month;
  }
  if (from && ENDED.has(from) && !ENDED.has(after.status)) records.push({ meter: "reopened", at });
  for (const m of messages)
    if (m.visibility === "public" && m.authorType === "agent") records.push({ meter: `contact_${after.channel}`, at });
  return { records, set };
}

const NO_HOURS = Object.fromEntries(Array.from({ length: 24 }, (_, h) => [`h${h}`, 0]));

/**
 * A rollup update with every hour of the day: a quiet client's day item is then the same size
 * as a busy one's (still well under 1 KB, so no write unit more), and a month's statement reads
 * the same bytes whatever the volume.
 */
export const everyHour = (add: Record<string, number>): Record<string, number> => ({ ...NO_HOURS, ...add });

/** The ledger items and rollup updates of a write's usage: one step each, in the write's transaction. */
export function usageSteps(
  services: Services,
  ticket: Pick<TicketItem, "providerId" | "clientId" | "ticketId" | "key" | "channel">,
  records: readonly UsageRecord[],
  timeZone: string,
  actorId: string | undefined,
): Step[] {
  if (records.length === 0) return [];
  const { providerId, clientId, ticketId } = ticket;
  const shard = rollupShard(ticketId);
  const merged = new Map<string, { day: string; meter: string; add: Record<string, number> }>();
  for (const r of records) {
    const day = dayIn(timeZone, r.at);
    const id = `${day}|${r.meter}`;
    const cell = merged.get(id) ?? { day, meter: r.meter, add: {} };
    merged.set(id, cell);
    const hour = `h${hourIn(timeZone, r.at)}`;
    cell.add[hour] = (cell.add[hour] ?? 0) + 1;
    cell.add.total = (cell.add.total ?? 0) + 1;
  }
  return [
    ...records.map((r, seq) =>
      step(
        services.usageEvent
          .create({
            providerId,
            clientId,
            month: dayIn(timeZone, r.at).slice(0, 7),
            at: r.at,
            ticketId,
            seq,
            ticketKey: ticket.key,
            meter: r.meter,
            channel: ticket.channel,
            ...(actorId ? { actorId } : {}),
          })
          .commit(),
      ),
    ),
    ...[...merged.values()].map((cell) =>
      step(
        services.usageRollup
          .update({ providerId, clientId, day: cell.day, meter: cell.meter, shard })
          .add(everyHour(cell.add) as never)
          .commit(),
      ),
    ),
  ];
}
