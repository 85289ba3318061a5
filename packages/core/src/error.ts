import type * as z from "zod";

export type ErrorCode =
  | "bad_request"
  | "validation"
  | "invalid_cursor"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "rate_limited"
  | "unavailable"
  | "internal";

export const HttpStatus: Record<ErrorCode, number> = {
  bad_request: 400,
  validation: 400,
  invalid_cursor: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export interface ErrorIssue {
  path: (string | number)[];
  message: string;
  code?: string;
}

/** The one error type of the product. Handlers map `code` to HTTP; nothing matches on messages. */
export class OutdeskError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { issues?: ErrorIssue[]; retryAfterSeconds?: number; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = "OutdeskError";
  }
}

export const NotFound = (what: string) => new OutdeskError("not_found", `${what} not found`);
export const Conflict = (message: string, details?: OutdeskError["details"]) =>
  new OutdeskError("conflict", message, details);
export const Forbidden = (message = "You do not have permission to do this") => new OutdeskError("forbidden", message);
export const Unauthorized = (message = "Authentication required") => new OutdeskError("unauthorized", message);

/** A 400 naming the offending field, shaped like zod's issues so clients handle one format. */
export const InvalidField = (path: (string | number)[], message: string) =>
  new OutdeskError("validation", `${path.join(".")}: ${message}`, { issues: [{ path, message }] });

export function zodIssues(error: z.ZodError): ErrorIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
    message: issue.message,
    code: issue.code,
  }));
}
