import { createRoute } from "@hono/zod-openapi";
import { Auth, RateLimit, Tokens } from "@outdesk/core/auth";
import { Unauthorized } from "@outdesk/core/error";
import { User } from "@outdesk/core/tenancy";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
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

/**
 * Browser sessions (the console): the refresh token lives in an HttpOnly cookie that only the
 * auth routes receive, and every auth route acting on it requires a custom header. A cross-site
 * page can neither send that header without a CORS preflight we never grant, nor get a
 * SameSite=Strict cookie sent, so cookie sessions are CSRF-safe by construction.
 */
const SESSION_HEADER = "x-outdesk-session";
const REFRESH_COOKIE = "outdesk_refresh";
const cookieOptions = { path: "/v1/auth", httpOnly: true, secure: true, sameSite: "Strict" } as const;
const cookieDoc =
  "With `x-outdesk-session: cookie` (browsers), the refresh token is set as the `outdesk_refresh` cookie " +
  "(HttpOnly; Secure; SameSite=Strict; Path=/v1/auth) and left out of the body. The custom header, which a " +
  "cross-site form cannot send, plus SameSite=Strict make cookie sessions CSRF-safe. Without the header " +
  "(API clients), the refresh token is in the body.";
const sessionHeaders = z.object({
  [SESSION_HEADER]: z.literal("cookie").optional().describe("`cookie`: keep the refresh token in an HttpOnly cookie"),
});
const SessionTokens = Tokens.extend({
  refreshToken: Tokens.shape.refreshToken.optional().describe("absent in cookie mode: it is in the cookie"),
}).meta({ id: "SessionTokens" });
const OptionalRefresh = z
  .strictObject({ refreshToken: Auth.RefreshInput.shape.refreshToken.optional() })
  .meta({ id: "RefreshBody" });

const cookieMode = (c: Context) => c.req.header(SESSION_HEADER) === "cookie";

/** Tokens as the caller asked: all in the body, or the refresh token in the cookie. */
function handOut(c: Context, tokens: Tokens): z.infer<typeof SessionTokens> {
  if (!cookieMode(c)) return tokens;
  setCookie(c, REFRESH_COOKIE, tokens.refreshToken, { ...cookieOptions, maxAge: Auth.SESSION_SECONDS });
  const { refreshToken: _, ...rest } = tokens;
  return rest;
}

/** The refresh token a request presents: the cookie in cookie mode, else the body (validated there). */
function presented(c: Context, body: { refreshToken?: string | undefined }) {
  if (!cookieMode(c)) return Auth.RefreshInput.parse(body).refreshToken;
  return getCookie(c, REFRESH_COOKIE);
}

/** Public: these routes are how a caller gets credentials. */
export const auth = router()
  .openapi(
    createRoute({
      method: "post",
      path: "/login",
      tags: ["Auth"],
      summary: "Log in with provider slug, email and password",
      description: `Returns a 15-minute access token and a rotating refresh token. Five failures lock the account (known or not) with growing backoff (429 with Retry-After). ${cookieDoc}`,
      request: { headers: sessionHeaders, body: jsonBody(Auth.LoginInput) },
      responses: { 200: json(SessionTokens, "Logged in"), ...errors },
    }),
    async (c) => {
      await RateLimit.consume(`login:${clientIp(c)}`, 30, 300);
      return c.json(handOut(c, await Auth.login(c.req.valid("json"))), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/refresh",
      tags: ["Auth"],
      summary: "Exchange a refresh token for new tokens",
      description: `The refresh token rotates; presenting a used one revokes the session. With \`x-outdesk-session: cookie\` send no body: the \`outdesk_refresh\` cookie is read and rotated, and the body carries only the access token. ${cookieDoc}`,
      request: { headers: sessionHeaders, body: { ...jsonBody(OptionalRefresh), required: false } },
      responses: { 200: json(SessionTokens, "New tokens"), ...errors },
    }),
    async (c) => {
      const token = presented(c, c.req.valid("json"));
      if (!token) throw Unauthorized("The refresh token is invalid, expired or revoked");
      try {
        return c.json(handOut(c, await Auth.refresh({ refreshToken: token })), 200);
      } catch (error) {
        if (cookieMode(c)) deleteCookie(c, REFRESH_COOKIE, cookieOptions);
        throw error;
      }
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/logout",
      tags: ["Auth"],
      summary: "Revoke the session behind a refresh token",
      description: `Access tokens of the session stop working too (within the credential cache bound). With \`x-outdesk-session: cookie\`, the cookie's session is revoked and the cookie cleared; send no body. ${cookieDoc}`,
      request: { headers: sessionHeaders, body: { ...jsonBody(OptionalRefresh), required: false } },
      responses: { 204: { description: "Logged out" }, 400: errors[400] },
    }),
    async (c) => {
      const token = presented(c, c.req.valid("json"));
      if (token) await Auth.logout({ refreshToken: token });
      if (cookieMode(c)) deleteCookie(c, REFRESH_COOKIE, cookieOptions);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/accept-invite",
      tags: ["Auth"],
      summary: "Accept an invitation: set a password and log in",
      description: cookieDoc,
      request: { headers: sessionHeaders, body: jsonBody(AcceptInvite) },
      responses: { 200: json(SessionTokens, "Invitation accepted, logged in"), ...errors },
    }),
    async (c) => {
      const { providerId, userId } = await User.acceptInvite(c.req.valid("json"));
      return c.json(handOut(c, await Auth.startSession(providerId, userId)), 200);
    },
  );

export const SignupResult = z
  .object({ providerId: z.string(), userId: z.string(), tokens: Tokens })
  .meta({ id: "SignupResult" });
