import { createRoute } from "@hono/zod-openapi";
import { Me } from "@outdesk/core/tenancy";
import { router } from "./context";
import { commonErrors } from "./errors";
import { bearer, json, jsonBody } from "./http";
import { requireAuth } from "./middleware";

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
).openapi(
  createRoute({
    method: "post",
    path: "/password",
    tags: ["Me"],
    summary: "Change my password",
    security: bearer,
    request: { body: jsonBody(Me.ChangePasswordInput) },
    responses: { 204: { description: "Changed" }, ...commonErrors },
  }),
  async (c) => {
    await Me.changePassword(c.req.valid("json"));
    return c.body(null, 204);
  },
);
