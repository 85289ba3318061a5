import { createRoute } from "@hono/zod-openapi";
import { Search } from "@outdesk/core/search";
import { router } from "./context";
import { commonErrors } from "./errors";
import { bearer, json } from "./http";
import { requireAuth } from "./middleware";

export const search = router();
search.use(requireAuth);
search.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Search"],
    summary: "Find tickets by number, subject, requester, message text, tags or field values",
    description:
      "Searches the clients you may see (or `clientId` only: 404 when it is not yours), best match first, with the matched words of each field as offsets into its text. Every word must match somewhere; when no ticket has them all, tickets with any of them are returned. The last word matches as a prefix and longer words forgive a typo. Client admins search replies only, never internal notes. A ticket is findable a few seconds after a write (the index follows the table's stream).",
    security: bearer,
    request: { query: Search.Query },
    responses: { 200: json(Search.Results, "Matching tickets, best first"), ...commonErrors },
  }),
  async (c) => c.json(await Search.search(c.req.valid("query")), 200),
);
