import * as z from "zod";
import { assertRole } from "../actor";
import { writeTime } from "../clock";
import { InvalidField, OutdeskError } from "../error";
import { fn } from "../fn";
import type { TicketItem } from "../ticket/model";
import { commitPlan, loadForWrite } from "../ticket/write";
import { override, type SlaState } from "./clock";
import { Sla } from "./index";
import { timelines } from "./policies";
import { Metrics } from "./schema";

export const OverrideInput = z
  .strictObject({
    metric: z.enum(Metrics),
    dueAt: z.iso.datetime({ offset: true }).describe("the new due time"),
    reason: z.string().trim().min(3, "say why, for the audit (3 characters or more)").max(500),
  })
  .meta({ id: "SlaOverride" });

/** Staff set a clock's due time by hand, with a reason; the ticket's audit trail shows both. */
export const overrideDue = fn(
  OverrideInput.extend({ clientId: z.string().max(64), ticketId: z.string().max(64) }),
  async ({ clientId, ticketId, metric, dueAt, reason }): Promise<TicketItem> => {
    assertRole("provider_admin", "agent");
    const ctx = await loadForWrite(clientId, ticketId);
    const state = ctx.ticket.sla as SlaState | undefined;
    if (!state) throw InvalidField(["metric"], "this ticket has no SLA clocks");
    const calendars = timelines(ctx.slaSet?.calendars as never);
    const at = writeTime();
    const changed = override(state, { metric, dueAt: new Date(dueAt).toISOString(), reason, at }, calendars);
    if (!changed) throw new OutdeskError("conflict", `The ${metric.replace("_", " ")} clock is not running or paused`);
    return commitPlan(ctx, {
      set: Sla.fields(ticketId, changed.state, calendars),
      events: Sla.eventDraft(changed.events),
    });
  },
);
