import { createRoute } from "@hono/zod-openapi";
import { SlaPolicies } from "@outdesk/core/sla";
import * as z from "zod";
import { router } from "./context";
import { commonErrors, conflictError } from "./errors";
import { bearer, etag, json, jsonBody } from "./http";
import { requireAuth } from "./middleware";

const params = z.object({ clientId: z.string().max(64) });
const tags = ["SLA"];

export const sla = router();
sla.use(requireAuth);
sla
  .openapi(
    createRoute({
      method: "get",
      path: "/{clientId}/sla-policies",
      tags,
      summary: "The client's SLA policies, in the order they are tried",
      description:
        "Staff serving the client and its client admins. The first policy whose conditions hold applies to a new ticket (and again when its priority, type or tags change); `fallback` says what happens when none does.",
      security: bearer,
      request: { params },
      responses: { 200: json(SlaPolicies.Info, "The policies"), ...commonErrors },
    }),
    async (c) => {
      const set = await SlaPolicies.get(c.req.valid("param"));
      etag(c, set.version);
      return c.json(set, 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/{clientId}/sla-policies",
      tags,
      summary: "Replace the client's SLA policies (provider admins)",
      description:
        "Each policy: conditions (priorities, types, channels, tags), per-metric targets per priority on a calendar (or calendar minutes), which waiting statuses pause which metric, warning thresholds and an escalation ladder. Tickets already measured keep the policy they got.",
      security: bearer,
      request: { params, body: jsonBody(SlaPolicies.Input) },
      responses: { 200: json(SlaPolicies.Info, "The saved policies"), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const set = await SlaPolicies.put({ ...c.req.valid("json"), ...c.req.valid("param") });
      etag(c, set.version);
      return c.json(set, 200);
    },
  );
