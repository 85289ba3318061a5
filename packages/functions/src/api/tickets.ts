import { createRoute } from "@hono/zod-openapi";
import { Queue, Ticket, TicketInfo, TicketSchema, TicketSummary } from "@outdesk/core/ticket";
import { entityTag, TicketCounts } from "@outdesk/core/ticket/queue";
import type { Context } from "hono";
import { router } from "./context";
import { commonErrors } from "./errors";
import { bearer, json, jsonBody, pageOf } from "./http";
import { requireAuth } from "./middleware";

const TicketList = pageOf(TicketSummary, "TicketList");
const tags = ["Tickets"];

const notModified = {
  304: { description: "Not modified: the If-None-Match tag is still current; keep the body you have" },
};
const conditionalHeaders = {
  headers: {
    ETag: {
      description: "send it back as If-None-Match: 304 while nothing in the answer changed",
      schema: { type: "string" as const },
    },
  },
};

/**
 * Views and counts answer with an entity tag; a poll that sends it back gets a bodiless 304
 * while nothing changed. `no-store`: the console keeps the body in memory (api.ts getConditional),
 * never the browser's disk cache, and sends the tag itself.
 */
function conditional(c: Context, etag: string): boolean {
  c.header("ETag", etag);
  c.header("Cache-Control", "no-store");
  const sent = c.req.header("if-none-match");
  return sent?.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag) ?? false;
}

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
        "view=client (clientId, status; oldest or newest updated first), mine, unassigned (active tickets of the clients you serve), all (by status across your clients, SLA due time first) or requester. One filter of priority, tier (L2, L3), tag or assigneeId narrows client and all views through its own index: pages are full and cost what they return. Filters no index serves together answer 400 naming them. sort picks among the orders the view's index holds (updated or due for client and all; 400 naming sort otherwise). Answers with an ETag; If-None-Match with it answers 304 while the page is unchanged.",
      security: bearer,
      request: { query: TicketSchema.ListInput },
      responses: { 200: { ...json(TicketList, "Tickets"), ...conditionalHeaders }, ...notModified, ...commonErrors },
    }),
    async (c) => {
      const { page, etag } = await Queue.view(c.req.valid("query"));
      return conditional(c, etag) ? c.body(null, 304) : c.json(page, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/counts",
      tags,
      summary: "Counts per client and status, and your active tickets",
      description: "Answers with an ETag; If-None-Match with it answers 304 while the counts are the same.",
      security: bearer,
      responses: { 200: { ...json(TicketCounts, "Counts"), ...conditionalHeaders }, ...notModified, ...commonErrors },
    }),
    async (c) => {
      const counts = await Queue.counts();
      return conditional(c, entityTag(counts)) ? c.body(null, 304) : c.json(counts, 200);
    },
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
      summary: "Change or merge up to 100 tickets",
      description:
        "Status, priority, assignee, tier (with a reason) and tags (addTags, removeTags) on each listed ticket, each in its own transaction; or mergeInto: every listed ticket merged into that one (same client). Each ticket succeeds or fails on its own, and the result says which and why (a ticket you cannot see: not_found, untouched).",
      security: bearer,
      request: { body: jsonBody(TicketSchema.BulkInput) },
      responses: { 200: json(Ticket.BulkResult, "Per-ticket results"), ...commonErrors },
    }),
    async (c) => c.json(await Ticket.bulkUpdate(c.req.valid("json")), 200),
  );
