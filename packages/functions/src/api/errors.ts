import { type ErrorCode, HttpStatus, OutdeskError, zodIssues } from "@outdesk/core/error";
import { Log } from "@outdesk/core/log";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import * as z from "zod";

export const ErrorBody = z
  .object({
    code: z.string().describe("stable machine-readable code: validation, not_found, conflict, …"),
    message: z.string(),
    issues: z
      .array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }))
      .optional()
      .describe("which fields are wrong"),
    requestId: z.string(),
  })
  .meta({ id: "Error" });

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorBody } },
});

/** Error responses every authenticated route can give, for the OpenAPI document. */
export const commonErrors = {
  400: errorResponse("Invalid input; `issues` names the fields"),
  401: errorResponse("Missing, invalid or expired credentials"),
  403: errorResponse("Your role may not do this"),
  404: errorResponse("Not found, or not yours"),
} as const;

export const conflictError = { 409: errorResponse("Conflict: taken value or stale version") } as const;
export const rateLimitError = { 429: errorResponse("Too many requests; see Retry-After") } as const;

function body(code: ErrorCode | string, message: string, extra: Record<string, unknown> = {}) {
  return { code, message, ...extra, requestId: Log.requestId() ?? "" };
}

/** The single mapping from errors to HTTP. Unknown errors are logged and answer 500 without internals. */
export function handleError(error: Error, c: Context) {
  if (error instanceof OutdeskError) {
    const { retryAfterSeconds, ...details } = error.details;
    if (retryAfterSeconds !== undefined) c.header("Retry-After", String(retryAfterSeconds));
    return c.json(body(error.code, error.message, details), HttpStatus[error.code] as 400);
  }
  if (error instanceof z.ZodError) {
    return c.json(body("validation", "The request has invalid fields", { issues: zodIssues(error) }), 400);
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    const code = status === 413 ? "payload_too_large" : status === 401 ? "unauthorized" : "bad_request";
    const message = status === 400 && /JSON/i.test(error.message) ? "The body is not valid JSON" : error.message;
    return c.json(body(code, message || "Bad request"), status);
  }
  Log.error("unhandled error", { error: error.message, stack: error.stack });
  return c.json(body("internal", "Something went wrong on our side; the request id helps us find it"), 500);
}
