import * as z from "zod";
import { Dynamo, Outdesk } from "../dynamo";
import { NotFound } from "../error";
import { fn } from "../fn";
import { indexKeys, Table } from "../table";
import { type TicketItem, toTicketInfo } from "./model";
import { assertTicketVisible } from "./write";

export const TicketRef = z
  .object({
    id: z.string(),
    clientId: z.string(),
    number: z.number(),
    key: z.string(),
    subject: z.string(),
    status: z.string(),
    mergedInto: z.string().nullable(),
  })
  .meta({ id: "TicketRef" });
export type TicketRef = z.infer<typeof TicketRef>;

/**
 * A ticket of a client by its number (the 1042 of ACME-1042): gsi8 holds each ticket's number,
 * keys only, so it is one Query for the id and one GetItem for the ticket.
 */
export const findByNumber = fn(
  z.object({ clientId: z.string(), number: z.coerce.number().int().positive().max(99_999_999) }),
  async ({ clientId, number }): Promise<TicketRef> => {
    const actor = assertTicketVisible(clientId);
    const { providerId } = actor;
    const ticketId = await ticketIdByNumber(providerId, clientId, number);
    if (!ticketId) throw NotFound("Ticket");
    const { data } = await Outdesk.entities.ticket.get({ providerId, clientId, ticketId }).go();
    if (!data) throw NotFound("Ticket");
    const info = toTicketInfo(data as TicketItem, { staff: actor.role !== "client_admin" });
    return {
      id: info.id,
      clientId: info.clientId,
      number: info.number,
      key: info.key,
      subject: info.subject,
      status: info.status,
      mergedInto: info.mergedInto,
    };
  },
);

/** gsi8 holds each ticket's number (keys only): the ticket id is the tail of its table key. */
export async function ticketIdByNumber(
  providerId: string,
  clientId: string,
  number: number,
): Promise<string | undefined> {
  const { QueryCommand } = Dynamo.commands();
  const { hashKey, rangeKey } = indexKeys("gsi8");
  const output = await Dynamo.raw().send(
    new QueryCommand({
      TableName: Dynamo.table(),
      IndexName: "gsi8",
      KeyConditionExpression: "#h = :h AND #r = :r",
      ExpressionAttributeNames: { "#h": hashKey, "#r": rangeKey },
      ExpressionAttributeValues: {
        ":h": { S: `${providerId}#${clientId}` },
        ":r": { S: `#${String(number).padStart(8, "0")}` },
      },
      Limit: 1,
    }),
  );
  const pk = output.Items?.[0]?.[Table.partitionKey]?.S;
  return pk?.slice(pk.lastIndexOf("#") + 1);
}
