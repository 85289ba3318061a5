import { createRoute } from "@hono/zod-openapi";
import { TimeEntries } from "@outdesk/core/billing";
import * as z from "zod";
import { router } from "./context";
import { commonErrors, conflictError } from "./errors";
import { bearer, json, jsonBody } from "./http";
import { requireAuth } from "./middleware";

const ticket = z.object({ clientId: z.string().max(64), ticketId: z.string().max(64) });
const entry = ticket.extend({ entryId: z.string().max(64) });
const tags = ["Time"];
const base = "/{clientId}/tickets/{ticketId}/time-entries";
const Entries = z.object({ items: z.array(TimeEntries.Info) }).meta({ id: "TimeEntryList" });
const VersionBody = z
  .strictObject({ version: z.number().int().positive().optional() })
  .meta({ id: "TimeEntryVersion" });

/** Time entries on a ticket: staff serving the client log them, provider admins approve them. */
export const timeEntries = router();
timeEntries.use(requireAuth);
timeEntries
  .openapi(
    createRoute({
      method: "get",
      path: base,
      tags,
      summary: "The time logged on a ticket (staff)",
      security: bearer,
      request: { params: ticket },
      responses: { 200: json(Entries, "Entries, oldest first"), ...commonErrors },
    }),
    async (c) => c.json(await TimeEntries.forTicket(c.req.valid("param")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: base,
      tags,
      summary: "Log time on a ticket (a draft until a provider admin approves it)",
      description:
        "Minutes worked, billable / no charge / do not bill, a work type and when it started (default: it ended now). Time logged with a reply (`timeSpentMinutes`) becomes an entry too. The console's stopwatch posts here.",
      security: bearer,
      request: { params: ticket, body: jsonBody(TimeEntries.CreateInput) },
      responses: { 201: json(TimeEntries.Info, "The entry"), ...commonErrors },
    }),
    async (c) => c.json(await TimeEntries.create({ ...c.req.valid("json"), ...c.req.valid("param") }), 201),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: `${base}/{entryId}`,
      tags,
      summary: "Correct a draft entry (its agent or a provider admin)",
      security: bearer,
      request: { params: entry, body: jsonBody(TimeEntries.UpdateInput) },
      responses: { 200: json(TimeEntries.Info, "The entry"), ...commonErrors, ...conflictError },
    }),
    async (c) => c.json(await TimeEntries.update({ ...c.req.valid("json"), ...c.req.valid("param") }), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: `${base}/{entryId}`,
      tags,
      summary: "Delete a draft entry (its agent or a provider admin)",
      security: bearer,
      request: { params: entry },
      responses: { 204: { description: "Deleted" }, ...commonErrors, ...conflictError },
    }),
    async (c) => {
      await TimeEntries.remove(c.req.valid("param"));
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: `${base}/{entryId}/approve`,
      tags,
      summary: "Approve an entry (provider admins): rounded by the contract and counted in the month's usage",
      security: bearer,
      request: { params: entry, body: jsonBody(VersionBody) },
      responses: { 200: json(TimeEntries.Info, "The approved entry"), ...commonErrors, ...conflictError },
    }),
    async (c) => c.json(await TimeEntries.approve({ ...c.req.valid("json"), ...c.req.valid("param") }), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: `${base}/{entryId}/reopen`,
      tags,
      summary: "Reopen an approved entry as a draft (provider admins): the month's usage gives it back",
      security: bearer,
      request: { params: entry, body: jsonBody(VersionBody) },
      responses: { 200: json(TimeEntries.Info, "The draft"), ...commonErrors, ...conflictError },
    }),
    async (c) => c.json(await TimeEntries.reopen({ ...c.req.valid("json"), ...c.req.valid("param") }), 200),
  );

const Timesheet = z
  .object({
    agentId: z.string(),
    week: z.string(),
    items: z.array(TimeEntries.Info),
    clients: z.array(
      z.object({
        clientId: z.string(),
        minutes: z.number(),
        billedMinutes: z.number(),
        byDay: z.record(z.string(), z.number()),
      }),
    ),
    minutes: z.number(),
  })
  .meta({ id: "Timesheet" });

/** An agent's week across clients: their own, or anyone's for provider admins. */
export const timesheets = router();
timesheets.use(requireAuth);
timesheets.openapi(
  createRoute({
    method: "get",
    path: "/{agentId}",
    tags,
    summary: "An agent's timesheet for a week, across the clients they serve",
    description: "Agents read their own, provider admins anyone's; `week` is the Monday it starts (YYYY-MM-DD).",
    security: bearer,
    request: { params: z.object({ agentId: z.string().max(64) }), query: z.object({ week: z.string().max(10) }) },
    responses: { 200: json(Timesheet, "The week"), ...commonErrors },
  }),
  async (c) => c.json(await TimeEntries.timesheet({ ...c.req.valid("param"), ...c.req.valid("query") }), 200),
);
