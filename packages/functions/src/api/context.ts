import { OpenAPIHono } from "@hono/zod-openapi";
import { zodIssues } from "@outdesk/core/error";
import { Log } from "@outdesk/core/log";

/** The request's id and actor live in its scope (core/actor), not in Hono's variables. */
export interface ApiEnv {
  Variables: Record<never, never>;
}

/** A router whose validation failures use our error body (400 with the zod issues). */
export function router() {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      return c.json(
        {
          code: "validation",
          message: "The request has invalid fields",
          issues: zodIssues(result.error),
          requestId: Log.requestId() ?? "",
        },
        400,
      );
    },
  });
}
