import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

export const WorkTypes = ["reply", "research", "call", "chat", "admin", "other"] as const;
export const Billing = ["billable", "no_charge", "do_not_bill"] as const;
export const EntryStatuses = ["draft", "approved"] as const;

/**
 * Time an agent worked on a ticket: in the ticket's item collection (the ticket page reads it
 * with the thread), by client and month (gsi10: a period's entries for the statement's
 * drill-down) and by agent and date (gsi11: the timesheet). Approved entries are counted in the
 * usage rollups in the approval's own transaction; a locked period's entries are invoiced.
 */
export const timeEntryEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "timeEntry", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        clientId: { type: "string", required: true, readOnly: true },
        ticketId: { type: "string", required: true, readOnly: true },
        entryId: { type: "string", required: true, readOnly: true },
        ticketKey: { type: "string", required: true, readOnly: true },
        agentId: { type: "string", required: true, readOnly: true },
        agentName: { type: "string", required: true },
        workType: { type: WorkTypes, required: true },
        /** When the work started; the minutes run from it (after-hours bands are taken from here). */
        startedAt: { type: "string", required: true },
        /** YYYY-MM-DD and YYYY-MM of startedAt in the client's time zone. */
        date: { type: "string", required: true },
        month: { type: "string", required: true },
        minutes: { type: "number", required: true },
        /** The billable part of the minutes worked, before rounding; absent: all of them. */
        billableMinutes: { type: "number" },
        billing: { type: Billing, required: true },
        /** Billable minutes after the contract's rounding (increment, minimum per entry); 0 unless billable. */
        billedMinutes: { type: "number", required: true, default: 0 },
        note: { type: "string" },
        status: { type: EntryStatuses, required: true, default: "draft" },
        approvedBy: { type: "string" },
        approvedAt: { type: "string" },
        /** Set when the entry came from a reply's logged time. */
        messageId: { type: "string" },
        createdAt: { type: "string", required: true, readOnly: true },
        updatedAt: { type: "string", required: true },
        version: { type: "number", required: true, default: 1 },
      },
      indexes: {
        byTicket: {
          pk: key("pk", ["providerId", "clientId", "ticketId"]),
          sk: key("sk", ["entryId"], "w"),
        },
        byClientMonth: {
          index: "gsi10",
          pk: key("gsi10pk", ["providerId", "clientId", "month"]),
          sk: key("gsi10sk", ["date", "entryId"]),
        },
        byAgent: {
          index: "gsi11",
          pk: key("gsi11pk", ["providerId", "agentId"]),
          sk: key("gsi11sk", ["date", "entryId"]),
        },
      },
    },
    entityConfig,
  );

export type TimeEntryEntity = ReturnType<typeof timeEntryEntity>;
