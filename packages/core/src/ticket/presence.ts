import { unmarshall } from "@aws-sdk/util-dynamodb";
import * as z from "zod";
import type { TenantActor } from "../actor";
import { byEntity } from "../common/batch";
import { Dynamo, Outdesk } from "../dynamo";
import { NotFound } from "../error";
import { fn } from "../fn";
import { Table } from "../table";
import { TicketFields as F } from "./fields";
import { PresenceInfo, type PresenceItem, PresenceState, visiblePresence } from "./presence-view";
import { ViewKeys } from "./view-keys";
import { assertTicketVisible } from "./write";

export { PresenceInfo, PresenceState } from "./presence-view";

/**
 * Seconds a heartbeat keeps its writer present. The console beats every 10 s while the ticket is
 * open, so a closed tab or a lost connection drops out within half a minute.
 */
export const PRESENCE_TTL_SECONDS = 30;

export const PresenceInput = z
  .strictObject({
    state: PresenceState,
    internal: z.boolean().default(false).describe("typing an internal note (staff only)"),
  })
  .meta({ id: "TicketPresenceUpdate" });

export const PresenceList = z
  .object({
    items: z.array(PresenceInfo).describe("the others on the ticket now (you are left out)"),
    ticket: z
      .object({ version: z.number(), updatedAt: z.string() })
      .describe("read in the same request: a version that moved means someone wrote meanwhile"),
  })
  .meta({ id: "TicketPresenceList" });

const isStaff = (actor: TenantActor) => actor.role !== "client_admin";

/**
 * The ticket's presence items and whether the ticket exists, in one Query over the ticket's
 * partition from `p#` to the ticket's own sort key `t` (its version too).
 */
async function readPresence(actor: TenantActor, clientId: string, ticketId: string) {
  const { QueryCommand } = Dynamo.commands();
  const output = await Dynamo.raw().send(
    new QueryCommand({
      TableName: Dynamo.table(),
      KeyConditionExpression: "#pk = :pk AND #sk BETWEEN :from AND :to",
      // The ticket item is read for its existence and version only.
      ProjectionExpression: `#pk, #sk, #e, #v, userId, #name, staff, #state, internal, #at, expiresAt, ${F.version}, ${F.updatedAt}`,
      ExpressionAttributeNames: {
        "#pk": Table.partitionKey,
        "#sk": Table.sortKey,
        "#e": "e",
        "#v": "v",
        "#name": "name",
        "#state": "state",
        "#at": "at",
      },
      ExpressionAttributeValues: {
        ":pk": { S: ViewKeys.ticket(actor.providerId, clientId, ticketId) },
        ":from": { S: "p#" },
        ":to": { S: ViewKeys.ticketSort },
      },
    }),
  );
  const rows = (output.Items ?? []).map((raw) => unmarshall(raw));
  const ticket = rows.find((row) => row[Table.sortKey] === ViewKeys.ticketSort);
  if (!ticket) throw NotFound("Ticket");
  const parsed = Outdesk.entities.ticketPresence.parse(byEntity(rows)("ticketPresence")).data as PresenceItem[];
  return {
    items: parsed,
    ticket: { version: ticket[F.version] as number, updatedAt: ticket[F.updatedAt] as string },
  };
}

const ids = z.object({ clientId: z.string(), ticketId: z.string() });

export namespace Presence {
  /** Who else is on the ticket (a 404 for a ticket you may not see). */
  export const list = fn(ids, async ({ clientId, ticketId }) => {
    const actor = assertTicketVisible(clientId);
    const { items, ticket } = await readPresence(actor, clientId, ticketId);
    return { items: visiblePresence(items, actor), ticket };
  });

  /**
   * A heartbeat: you are viewing or typing, for the next PRESENCE_TTL_SECONDS. Answers who else
   * is there, so the console needs no second request. Two requests: the Query (which also proves
   * the ticket is yours to see) and one PutItem.
   */
  export const beat = fn(PresenceInput.extend(ids.shape), async ({ clientId, ticketId, state, internal }) => {
    const actor = assertTicketVisible(clientId);
    const { items, ticket } = await readPresence(actor, clientId, ticketId);
    const now = new Date();
    await Outdesk.entities.ticketPresence
      .put({
        providerId: actor.providerId,
        clientId,
        ticketId,
        userId: actor.id,
        name: actor.name ?? (actor.type === "api_key" ? "API" : "Outdesk"),
        staff: isStaff(actor),
        state,
        // Only staff write notes: a client admin's flag would mean nothing.
        internal: (internal && isStaff(actor) && state === "typing") || undefined,
        at: now.toISOString(),
        expiresAt: Math.ceil(now.getTime() / 1000) + PRESENCE_TTL_SECONDS,
      })
      .go({ response: "none" });
    return { items: visiblePresence(items, actor), ticket };
  });
}
