import type { EntityItem } from "electrodb";
import type * as z from "zod";
import { NO_DUE_TIME } from "../ticket/constants";
import { shardOf } from "../ticket/lifecycle";
import type { TicketItem } from "../ticket/model";
import type { EventDraft } from "../ticket/write";
import {
  apply,
  type Calendars,
  earliestDue,
  type Happening,
  nextActionAt,
  type SlaEvent,
  type SlaState,
} from "./clock";
import { timelines } from "./policies";
import type { SlaPolicySetEntity } from "./policy-set.entity";
import { type Rollups, rollupsOf } from "./rollup";
import type { Policy, Priority, TicketStatus } from "./schema";
import { SlaInfo, slaInfo, slaRow } from "./view";

const NO_ROLLUPS: Rollups = { deltas: [], breaches: [] };

export { apply, due, nextActionAt, type SlaEvent, type SlaState } from "./clock";
export { FALLBACK, SlaPolicies, setKey } from "./policies";
export { allCounters, dayIn, type Rollups, rollupShard, rollupSteps, rollupsOf } from "./rollup";
export { Metrics, PolicyInput, PolicySetInput } from "./schema";

export type PolicySetItem = EntityItem<SlaPolicySetEntity>;

const describe: Record<SlaEvent["kind"], string> = {
  policy_applied: "SLA policy applied",
  no_policy: "No SLA policy matched",
  start: "clock started",
  pause: "clock paused",
  resume: "clock resumed",
  retarget: "target changed",
  fulfil: "target fulfilled",
  warn: "warning",
  breach: "target breached",
  escalate: "escalated",
  override: "due time overridden",
  cancel: "no longer measured",
};

/**
 * Ticket writes call these with what they read in their one BatchGet (the client's policy set):
 * the new clocks go into the ticket's own update and their events into one event item of the
 * same transaction, so measuring costs no request.
 */
export namespace Sla {
  export const Info = SlaInfo;
  export type Info = z.infer<typeof SlaInfo>;
  export const info = slaInfo;
  export const row = slaRow;

  /** The SLA events of one write as one audit event (one item, whatever happened). */
  export function eventDraft(events: SlaEvent[]): EventDraft[] {
    if (events.length === 0) return [];
    return [
      {
        field: "sla",
        to: events,
        reason: events.map((e) => `${e.metric ? `${e.metric.replace("_", " ")}: ` : ""}${describe[e.kind]}`).join("; "),
        internal: events.every((e) => e.kind === "escalate") || undefined,
      },
    ];
  }

  interface Change {
    set: PolicySetItem | undefined;
    before: TicketItem | null;
    after: Pick<TicketItem, "ticketId" | "status" | "priority" | "type" | "channel" | "tags"> & { sla?: unknown };
    at: string;
    staffReply?: boolean;
    requesterMessage?: boolean;
    /** The client's time zone: reports count by its days. */
    timeZone: string;
  }

  /**
   * The ticket attributes and audit event the clocks add to a write. A client without policies
   * adds nothing (and no item); a ticket measured before keeps being measured even if the
   * policies were removed since.
   */
  export function onWrite(change: Change): { set: Partial<TicketItem>; events: EventDraft[]; rollups: Rollups } {
    const previous = change.before?.sla as SlaState | undefined;
    // Measured from creation only: a ticket from before the client had policies stays unmeasured.
    if (change.before ? !previous : !change.set) return { set: {}, events: [], rollups: NO_ROLLUPS };
    const { after, before } = change;
    const conditionsChanged =
      !before ||
      before.priority !== after.priority ||
      before.type !== after.type ||
      JSON.stringify(before.tags) !== JSON.stringify(after.tags);
    const happening: Happening = {
      at: change.at,
      status: { from: before ? (before.status as TicketStatus) : null, to: after.status as TicketStatus },
      priority: after.priority as Priority,
      ticket: { priority: after.priority as Priority, type: after.type, channel: after.channel, tags: after.tags },
      staffReply: change.staffReply,
      requesterMessage: change.requesterMessage,
      ...(change.set && conditionsChanged
        ? { policies: { version: change.set.version, list: change.set.policies as Policy[] } }
        : {}),
    };
    const calendars = timelines(change.set?.calendars as never);
    const { state, events } = apply(previous ?? null, happening, calendars);
    if (events.length === 0 && previous) return { set: {}, events: [], rollups: NO_ROLLUPS };
    return {
      set: fields(change.after.ticketId, state, calendars),
      events: eventDraft(events),
      rollups: rollupsOf(events, after.priority as Priority, change.timeZone),
    };
  }

  /** The ticket attributes that hold the clocks: the state, the queue row, the due time, the sweeper's key. */
  export function fields(ticketId: string, state: SlaState, calendars: Calendars): Partial<TicketItem> {
    const next = nextActionAt(state, calendars);
    return {
      // Plain JSON: a cleared field (a pause's dueAt) is left out, not stored as undefined.
      sla: JSON.parse(JSON.stringify(state)),
      slaRow: row(state),
      dueAt: earliestDue(state) ?? NO_DUE_TIME,
      slaNextAt: next === undefined ? NO_DUE_TIME : new Date(next).toISOString(),
      slaShard: shardOf(ticketId),
    };
  }
}
