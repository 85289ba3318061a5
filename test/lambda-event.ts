/**
 * A Lambda Function URL event (payload 2.0) as AWS delivers it, with the fields our handlers
 * read; tests and benches shape the headers (e.g. what CloudFront adds) through `headers`.
 */
export function functionUrlEvent(
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string; sourceIp?: string } = {
    path: "/",
  },
) {
  const { method = "GET", path, headers = {}, body, sourceIp = "192.0.2.1" } = options;
  const [rawPath = "/", rawQueryString = ""] = path.split("?");
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers: { host: "abc123.lambda-url.us-east-1.on.aws", "user-agent": "test", ...headers },
    requestContext: {
      accountId: "anonymous",
      apiId: "abc123",
      domainName: "abc123.lambda-url.us-east-1.on.aws",
      domainPrefix: "abc123",
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp, userAgent: "test" },
      requestId: "11111111-2222-4333-8444-555555555555",
      routeKey: "$default",
      stage: "$default",
      time: "01/Dec/2026:10:00:00 +0000",
      timeEpoch: 1_796_119_200_000,
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}

let invocation = 0;

/** The Lambda context fields our handlers read: a fresh request id per call. */
export function lambdaContext() {
  invocation++;
  return { awsRequestId: `0c7d4b5e-8a53-4e0f-9d2b-${String(invocation).padStart(12, "0")}` };
}
