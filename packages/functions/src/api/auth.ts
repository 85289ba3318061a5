import { createRoute } from "@hono/zod-openapi";
import { Auth, RateLimit, Tokens } from "@outdesk/core/auth";
import { User } from "@outdesk/core/tenancy";
import * as z from "zod";
import { router } from "./context";
import { ErrorBody, rateLimitError } from "./errors";
import { json, jsonBody } from "./http";
import { clientIp } from "./middleware";

const AcceptInvite = User.acceptInvite.schema.meta({ id: "AcceptInvite" });
const errors = {
  400: json(ErrorBody, "Invalid input"),
  401: json(ErrorBody, "Wrong credentials or an invalid token"),
  ...rateLimitError,
};

/** Public: these routes are how a caller gets credentials. */
export const auth = router()
  .openapi(
    createRoute({
      method: "post",
      path: "/login",
      tags: ["Auth"],
      summary: "Log in with provider slug, email and password",
      description:
        "Returns a 15-minute access token and a rotating refresh token. Five failures lock the account with growing backoff (429 with Retry-After).",
      request: { body: jsonBody(Auth.LoginInput) },
      responses: { 200: json(Tokens, "Logged in"), ...errors },
    }),
    async (c) => {
      await RateLimit.consume(`login:${clientIp(c)}`, 30, 300);
      return c.json(await Auth.login(c.req.valid("json")), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/refresh",
      tags: ["Auth"],
      summary: "Exchange a refresh token for new tokens",
      description: "The refresh token rotates; presenting a used one revokes the session.",
      request: { body: jsonBody(Auth.RefreshInput) },
      responses: { 200: json(Tokens, "New tokens"), ...errors },
    }),
    async (c) => c.json(await Auth.refresh(c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/logout",
      tags: ["Auth"],
      summary: "Revoke the session behind a refresh token",
      request: { body: jsonBody(Auth.RefreshInput) },
      responses: { 204: { description: "Logged out" }, 400: errors[400] },
    }),
    async (c) => {
      await Auth.logout(c.req.valid("json"));
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/accept-invite",
      tags: ["Auth"],
      summary: "Accept an invitation: set a password and log in",
      request: { body: jsonBody(AcceptInvite) },
      responses: { 200: json(Tokens, "Invitation accepted, logged in"), ...errors },
    }),
    async (c) => {
      const { providerId, userId } = await User.acceptInvite(c.req.valid("json"));
      return c.json(await Auth.startSession(providerId, userId), 200);
    },
  );

export const SignupResult = z
  .object({ providerId: z.string(), userId: z.string(), tokens: Tokens })
  .meta({ id: "SignupResult" });
