import { createRoute } from "@hono/zod-openapi";
import { findByNumber, TicketRef } from "@outdesk/core/ticket/lookup";
import { Presence, PresenceInput, PresenceList } from "@outdesk/core/ticket/presence";
import * as z from "zod";
import { router } from "./context";
import { commonErrors } from "./errors";
import { bearer, json, jsonBody } from "./http";
import { requireAuth } from "./middleware";

const params = z.object({ clientId: z.string().max(64), ticketId: z.string().max(64) });
const tags = ["Tickets"];
const base = "/{clientId}/tickets/{ticketId}/presence";

/**
 * Who else has a ticket open (collision detection), and a client's ticket by its number:
 * /v1/clients/{clientId}/tickets/{ticketId}/presence and /v1/clients/{clientId}/ticket-numbers/{number}.
 */
export const ticketPresence = router()
  .openapi(
    createRoute({
      method: "put",
      path: base,
      tags,
      summary: "Heartbeat: you are viewing or typing on this ticket",
      description:
        "Present for 30 s after each beat (the console beats every 10 s); answers who else is there. Client admins see an agent writing an internal note as viewing.",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params, body: jsonBody(PresenceInput) },
      responses: { 200: json(PresenceList, "The others on the ticket"), ...commonErrors },
    }),
    async (c) => c.json(await Presence.beat({ ...c.req.valid("param"), ...c.req.valid("json") }), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: base,
      tags,
      summary: "Who else is viewing or typing on this ticket",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params },
      responses: { 200: json(PresenceList, "The others on the ticket"), ...commonErrors },
    }),
    async (c) => c.json(await Presence.list(c.req.valid("param")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{clientId}/ticket-numbers/{number}",
      tags,
      summary: "A ticket of this client by its number (1042 of ACME-1042)",
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: z.object({ clientId: z.string().max(64), number: z.string().max(12) }) },
      responses: { 200: json(TicketRef, "The ticket"), ...commonErrors },
    }),
    async (c) => c.json(await findByNumber(c.req.valid("param")), 200),
  );
