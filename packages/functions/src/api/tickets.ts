import { createRoute } from "@hono/zod-openapi";
import { Queue, Ticket, TicketInfo, TicketSchema, TicketSummary } from "@outdesk/core/ticket";
import { TicketCounts } from "@outdesk/core/ticket/queue";
import { router } from "./context";
import { commonErrors } from "./errors";
import { bearer, json, jsonBody, pageOf } from "./http";
import { requireAuth } from "./middleware";

const TicketList = pageOf(TicketSummary, "TicketList");
const tags = ["Tickets"];

/** Cross-client ticket routes: views, counts, creation, bulk updates. */
export const tickets = router();
tickets.use(requireAuth);
tickets
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "A ticket view, one page",
      description:
        "view=client (clientId, status; oldest or newest updated first), mine, unassigned (active tickets of the clients you serve), all (by status across your clients, SLA due time first) or requester. One filter of priority, tier (L2, L3), tag or assigneeId narrows client and all views through its own index: pages are full and cost what they return. Filters no index serves together answer 400 naming them.",
      security: bearer,
      request: { query: TicketSchema.ListInput },
      responses: { 200: json(TicketList, "Tickets"), ...commonErrors },
    }),
    async (c) => c.json(await Queue.list(c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/counts",
      tags,
      summary: "Counts per client and status, and your active tickets",
      security: bearer,
      responses: { 200: json(TicketCounts, "Counts"), ...commonErrors },
    }),
    async (c) => c.json(await Queue.counts(), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create a ticket (web, API, phone or chat)",
      description: "Staff and client admins. The body is the first public message.",
      security: bearer,
      request: { body: jsonBody(TicketSchema.CreateInput) },
      responses: { 201: json(TicketInfo, "Created"), ...commonErrors },
    }),
    async (c) => c.json(await Ticket.create(c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/bulk",
      tags,
      summary: "Set status and/or assignee on up to 100 tickets",
      description: "Each ticket succeeds or fails on its own; the result lists both.",
      security: bearer,
      request: { body: jsonBody(TicketSchema.BulkInput) },
      responses: { 200: json(Ticket.BulkResult, "Per-ticket results"), ...commonErrors },
    }),
    async (c) => c.json(await Ticket.bulkUpdate(c.req.valid("json")), 200),
  );
