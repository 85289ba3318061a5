import { createHash, timingSafeEqual } from "node:crypto";
import { handle } from "hono/aws-lambda";
import { Resource } from "sst/resource";
import { app } from "./api/app";
import { markRouted, ROUTER_PROOF_HEADER } from "./api/edge";
import { securityHeadersFor } from "./api/security-headers";

type LambdaEvent = Parameters<ReturnType<typeof handle>>[0];
type LambdaResult = Awaited<ReturnType<ReturnType<typeof handle>>>;
type Context = Parameters<ReturnType<typeof handle>>[1];

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * The API Lambda (Function URL events): the same app the local stack serves. With `routerSecret`
 * it answers only requests carrying the router's proof (infra/web.ts adds it at the edge), so the
 * Function URL cannot be called around CloudFront; the proof is removed before the app sees the
 * request. The security headers are added to the result's plain headers object, on every answer.
 */
export function createApiHandler(options: { routerSecret: string | undefined }) {
  const dispatch = handle(app);
  const expected = options.routerSecret ? digest(options.routerSecret) : undefined;
  return async (event: LambdaEvent, context: Context): Promise<LambdaResult> => {
    const path = ("rawPath" in event ? event.rawPath : event.path) ?? "/";
    const headers = securityHeadersFor(path, { https: true });
    if (expected !== undefined) {
      const incoming = event.headers;
      const proof = incoming?.[ROUTER_PROOF_HEADER];
      // Digests: equal lengths for timingSafeEqual, and no timing hint about the secret.
      if (!incoming || typeof proof !== "string" || !timingSafeEqual(digest(proof), expected)) {
        return refused(headers, context);
      }
      delete incoming[ROUTER_PROOF_HEADER];
      markRouted(event);
    }
    const result = await dispatch(event, context);
    // Into the result's own object, no copy; the app's header of the same name, if any, wins.
    result.headers ??= {};
    const out = result.headers;
    for (const name in headers) if (!(name in out)) out[name] = headers[name]!;
    return result;
  };
}

function refused(headers: Readonly<Record<string, string>>, context: Context): LambdaResult {
  return {
    statusCode: 403,
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({
      code: "forbidden",
      message: "Call the API through its public address",
      requestId: context?.awsRequestId ?? "",
    }),
    isBase64Encoded: false,
  } as LambdaResult;
}

/**
 * The secret infra/api.ts links. Off Lambda (tests, benches) there is none and no proof is asked
 * for; on Lambda a missing link fails every request rather than serving unguarded.
 */
function linkedRouterSecret(): string | undefined {
  const resource = Resource as unknown as { RouterSecret?: { value: string } };
  const secret = "RouterSecret" in resource ? resource.RouterSecret?.value : undefined;
  if (secret === undefined && process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined) {
    throw new Error("RouterSecret is not linked to the API function (infra/api.ts)");
  }
  return secret;
}

export const handler = createApiHandler({ routerSecret: linkedRouterSecret() });
