import { createRoute } from "@hono/zod-openapi";
import { RateLimit } from "@outdesk/core/auth";
import { Notifications } from "@outdesk/core/notification";
import { Me } from "@outdesk/core/tenancy";
import { router } from "./context";
import { commonErrors, rateLimitError } from "./errors";
import { bearer, json, jsonBody } from "./http";
import { clientIp, requireAuth } from "./middleware";

export const me = router();
me.use(requireAuth);
me.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Me"],
    summary: "Who am I: actor, provider and user",
    security: bearer,
    responses: { 200: json(Me.Info, "The caller"), ...commonErrors },
  }),
  async (c) => c.json(await Me.get(), 200),
)
  .openapi(
    createRoute({
      method: "post",
      path: "/password",
      tags: ["Me"],
      summary: "Change my password",
      description:
        "Ends every other session of the user. Wrong current passwords are limited like logins: five lock the account with growing backoff (429 with Retry-After).",
      security: bearer,
      request: { body: jsonBody(Me.ChangePasswordInput) },
      responses: { 204: { description: "Changed" }, ...commonErrors, ...rateLimitError },
    }),
    async (c) => {
      await RateLimit.consume(`password:${clientIp(c)}`, 30, 300);
      await Me.changePassword(c.req.valid("json"));
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/notifications",
      tags: ["Me"],
      summary: "My notifications: SLA warnings, breaches and escalations, newest first",
      security: bearer,
      request: { query: Notifications.ListInput },
      responses: { 200: json(Notifications.List, "Notifications and how many are unread"), ...commonErrors },
    }),
    async (c) => c.json(await Notifications.list(c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/notifications/read",
      tags: ["Me"],
      summary: "Mark my notifications read (up to now, or a given instant)",
      security: bearer,
      request: { body: jsonBody(Notifications.ReadInput) },
      responses: { 200: json(Notifications.List, "Notifications after marking"), ...commonErrors },
    }),
    async (c) => c.json(await Notifications.markRead(c.req.valid("json")), 200),
  );
