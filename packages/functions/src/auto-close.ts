import { withActor } from "@outdesk/core/actor";
import { Dynamo } from "@outdesk/core/dynamo";
import { Log } from "@outdesk/core/log";
import { Provider } from "@outdesk/core/tenancy";
import { Ticket } from "@outdesk/core/ticket";

/**
 * Timer (EventBridge cron on AWS, setInterval in the local stack): closes solved tickets past
 * their client's auto-close period, one provider at a time as that provider's system actor.
 */
export async function handler(event: { time?: string } = {}) {
  await Dynamo.ready();
  const now = event.time ? new Date(event.time) : new Date();
  let closed = 0;
  for await (const providerId of Provider.allIds()) {
    const actor = { type: "system", providerId, id: "auto-close", role: "system", clientIds: "all" } as const;
    const count = await withActor(actor, () => Ticket.autoCloseSolved(now));
    if (count > 0) withActor(actor, () => Log.info("auto-closed solved tickets", { count }));
    closed += count;
  }
  return { closed };
}
