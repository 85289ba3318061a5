import { createRoute } from "@hono/zod-openapi";
import { Suppression } from "@outdesk/core/email/suppression";
import * as z from "zod";
import { router } from "./context";
import { commonErrors, conflictError } from "./errors";
import { bearer, json, jsonBody, pageOf } from "./http";
import { requireAuth } from "./middleware";

const SuppressionPage = pageOf(Suppression.Info, "SuppressionPage");
const tags = ["Suppression list"];

export const suppressions = router();
suppressions.use(requireAuth);
suppressions
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "List the addresses your mail no longer goes to (provider admins)",
      description:
        "Permanent bounces and complaints add an address; outbound mail leaves suppressed recipients out and says so on the ticket. Ordered by address.",
      security: bearer,
      request: { query: Suppression.ListInput },
      responses: { 200: json(SuppressionPage, "A page of suppressed addresses"), ...commonErrors },
    }),
    async (c) => c.json(await Suppression.list(c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Suppress an address by hand (provider admins)",
      security: bearer,
      request: { body: jsonBody(Suppression.AddInput) },
      responses: {
        201: json(Suppression.Info, "Suppressed"),
        ...commonErrors,
        ...conflictError,
      },
    }),
    async (c) => c.json(await Suppression.add(c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{address}",
      tags,
      summary: "Clear a suppressed address, so mail goes to it again (provider admins)",
      security: bearer,
      request: { params: z.object({ address: z.string().max(254).describe("the address, URL-encoded") }) },
      responses: { 200: json(Suppression.Info, "The entry that was cleared"), ...commonErrors },
    }),
    async (c) => c.json(await Suppression.remove({ address: c.req.valid("param").address }), 200),
  );
