import { createRoute } from "@hono/zod-openapi";
import { MessageInfo, MessagePage, Ticket, TicketInfo, TicketPage, TicketSchema } from "@outdesk/core/ticket";
import type { Context } from "hono";
import * as z from "zod";
import { router } from "./context";
import { commonErrors, conflictError } from "./errors";
import { bearer, etag, expectedVersion, json, jsonBody } from "./http";
import { requireAuth } from "./middleware";

const params = z.object({ clientId: z.string().max(64), ticketId: z.string().max(64) });
const MessageResult = z.object({ ticket: TicketInfo, message: MessageInfo }).meta({ id: "TicketMessageResult" });
const VersionOnly = z.strictObject({ version: z.number().int().positive().optional() });
const tags = ["Tickets"];
const base = "/{clientId}/tickets/{ticketId}";
const errors = { ...commonErrors, ...conflictError };

/** A write's input: the path's ids, the body, and the version from If-Match or the body. */
function versioned<Body extends { version?: number }>(c: Context, ids: z.infer<typeof params>, body: Body) {
  return { ...ids, ...body, version: expectedVersion(c, body.version) };
}

/** One ticket's routes, under its client: /v1/clients/{clientId}/tickets/{ticketId}/… */
export const ticketThread = router()
  .openapi(
    createRoute({
      method: "get",
      path: base,
      tags,
      summary: "The ticket page: ticket, messages and audit trail",
      description: "One query. Client admins never receive internal notes or internal events.",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params },
      responses: { 200: json(TicketPage, "The ticket"), ...commonErrors },
    }),
    async (c) => {
      const { clientId, ticketId } = c.req.valid("param");
      const page = await Ticket.get(clientId, ticketId);
      etag(c, page.ticket.version);
      return c.json(page, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: `${base}/messages`,
      tags,
      summary: "Older messages of a long thread",
      description:
        "A ticket page carries its newest messages up to about 1 MB; `olderMessages` on it (and on each page here) reads the ones before.",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params, query: z.object({ before: z.string().min(1).max(2048) }) },
      responses: { 200: json(MessagePage, "The messages before the cursor, oldest first"), ...commonErrors },
    }),
    async (c) => {
      const { clientId, ticketId } = c.req.valid("param");
      return c.json(await Ticket.olderMessages(clientId, ticketId, c.req.valid("query").before), 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: base,
      tags,
      summary: "Change status, priority, type, category, tags, assignee, fields, CCs",
      description:
        "Staff only. Conditional on If-Match or `version` (409 with currentVersion). Illegal status changes answer 409 with the allowed ones.",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params, body: jsonBody(TicketSchema.UpdateInput) },
      responses: { 200: json(TicketInfo, "Updated"), ...errors },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const ticket = await Ticket.update({
        ...c.req.valid("param"),
        ...body,
        version: expectedVersion(c, body.version),
      });
      etag(c, ticket.version);
      return c.json(ticket, 200);
    },
  );

for (const [path, visibility, summary] of [
  ["replies", "public", "Add a public reply (staff and client admins)"],
  ["notes", "internal", "Add an internal note (staff only; never shown to the client)"],
] as const) {
  ticketThread.openapi(
    createRoute({
      method: "post",
      path: `${base}/${path}`,
      tags,
      summary,
      description: "`status` sets the status in the same step, e.g. reply and set pending.",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params, body: jsonBody(TicketSchema.MessageInput) },
      responses: { 201: json(MessageResult, "Added"), ...errors },
    }),
    async (c) => {
      const result = await Ticket.addMessage({
        ...versioned(c, c.req.valid("param"), c.req.valid("json")),
        visibility,
      });
      etag(c, result.ticket.version);
      return c.json(result, 201);
    },
  );
}

ticketThread
  .openapi(
    createRoute({
      method: "post",
      path: `${base}/escalate`,
      tags,
      summary: "Move the ticket to another support tier (L1, L2, L3) with a reason",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params, body: jsonBody(TicketSchema.EscalateInput) },
      responses: { 200: json(TicketInfo, "Escalated or de-escalated"), ...errors },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const ticket = await Ticket.escalate({
        ...c.req.valid("param"),
        ...body,
        version: expectedVersion(c, body.version),
      });
      etag(c, ticket.version);
      return c.json(ticket, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: `${base}/merge`,
      tags,
      summary: "Merge this duplicate into another ticket of the same client",
      description: "Messages move to the target; this ticket closes with a pointer to it. One transaction.",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params, body: jsonBody(TicketSchema.MergeInput) },
      responses: { 200: json(TicketInfo, "The closed duplicate"), ...errors },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const ticket = await Ticket.merge({
        ...c.req.valid("param"),
        ...body,
        version: expectedVersion(c, body.version),
      });
      return c.json(ticket, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: `${base}/take`,
      tags,
      summary: "Assign the ticket to yourself",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params, body: { required: false, content: { "application/json": { schema: VersionOnly } } } },
      responses: { 200: json(TicketInfo, "Taken"), ...errors },
    }),
    async (c) => {
      const ticket = await Ticket.take(versioned(c, c.req.valid("param"), c.req.valid("json") ?? {}));
      etag(c, ticket.version);
      return c.json(ticket, 200);
    },
  );
