import { createRoute } from "@hono/zod-openapi";
import { OriginalInfo, originalUrl } from "@outdesk/core/email/original";
import * as z from "zod";
import { router } from "./context";
import { commonErrors } from "./errors";
import { bearer, json } from "./http";
import { requireAuth } from "./middleware";

const params = z.object({
  clientId: z.string().max(64),
  ticketId: z.string().max(64),
  messageId: z.string().max(64),
});

/** Mail-specific routes of a ticket's messages: /v1/clients/{clientId}/tickets/{ticketId}/messages/{messageId}/… */
export const mail = router().openapi(
  createRoute({
    method: "get",
    path: "/{clientId}/tickets/{ticketId}/messages/{messageId}/original",
    tags: ["Email"],
    summary: "The original .eml of an inbound mail (staff)",
    description:
      "A short-lived presigned URL that downloads the raw message exactly as SES received it. Provider staff only; a mail the virus scan failed is withheld (403).",
    security: bearer,
    middleware: [requireAuth] as const,
    request: { params },
    responses: { 200: json(OriginalInfo, "Where to download the original"), ...commonErrors },
  }),
  async (c) => c.json(await originalUrl(c.req.valid("param")), 200),
);
