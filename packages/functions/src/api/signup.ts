import { createRoute } from "@hono/zod-openapi";
import { Auth, RateLimit } from "@outdesk/core/auth";
import { Config } from "@outdesk/core/config";
import { Forbidden } from "@outdesk/core/error";
import { Provider } from "@outdesk/core/tenancy";
import { SignupResult } from "./auth";
import { router } from "./context";
import { conflictError, ErrorBody, rateLimitError } from "./errors";
import { json, jsonBody } from "./http";
import { clientIp } from "./middleware";

/** Self-service sign-up: off when the Settings link says so; limited per address and overall. */
export const signup = router().openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Auth"],
    summary: "Create a provider (BPO agency) and its first admin",
    description: "Limited to 5 sign-ups per hour per address and 100 per hour overall; 403 when sign-up is closed.",
    request: { body: jsonBody(Provider.SignupInput) },
    responses: {
      201: json(SignupResult, "Provider created; the admin is logged in"),
      400: json(ErrorBody, "Invalid input"),
      403: json(ErrorBody, "Sign-up is closed"),
      ...conflictError,
      ...rateLimitError,
    },
  }),
  async (c) => {
    if (Config.get("signup") !== "open") throw Forbidden("Sign-up is closed on this installation");
    const input = c.req.valid("json");
    await RateLimit.consume(`signup:${clientIp(c)}`, 5, 3600);
    await RateLimit.consume("signup:all", 100, 3600);
    const { providerId, userId } = await Provider.signup(input);
    const tokens = await Auth.startSession(providerId, userId);
    return c.json({ providerId, userId, tokens }, 201);
  },
);
