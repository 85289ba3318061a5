import { scopeRequestId, useActor } from "./actor";

type Level = "debug" | "info" | "warn" | "error";

/** Structured JSON lines; every line carries the request id and, once known, the provider id. */
export namespace Log {
  export const requestId = scopeRequestId;

  let quiet = false;
  /** Tests and benchmarks silence the stream; errors still print. */
  export function setQuiet(value: boolean) {
    quiet = value;
  }

  export function write(level: Level, message: string, fields: Record<string, unknown> = {}) {
    if (quiet && level !== "error") return;
    const actor = useActor();
    const line = {
      level,
      time: isoTime(Date.now()),
      message,
      requestId: requestId(),
      providerId: actor.type === "public" ? undefined : actor.providerId,
      ...fields,
    };
    (level === "error" ? process.stderr : process.stdout).write(`${JSON.stringify(line)}\n`);
  }

  /**
   * The per-request line, written without building an object first (it runs on every request).
   * Request and provider ids are of a safe charset (the API checks incoming ids), so they go in
   * unquoted by JSON.stringify.
   */
  export function request(
    requestId: string,
    providerId: string | undefined,
    method: string,
    path: string,
    status: number,
    ms: number,
  ) {
    if (quiet) return;
    const provider = providerId === undefined ? "" : `,"providerId":"${providerId}"`;
    process.stdout.write(
      `{"level":"info","time":"${isoTime(Date.now())}","message":"request","requestId":"${requestId}"${provider},"method":"${method}","path":${JSON.stringify(path)},"status":${status},"ms":${ms}}\n`,
    );
  }

  export const info = (message: string, fields?: Record<string, unknown>) => write("info", message, fields);
  export const warn = (message: string, fields?: Record<string, unknown>) => write("warn", message, fields);
  export const error = (message: string, fields?: Record<string, unknown>) => write("error", message, fields);
}

let second = Number.NaN;
let secondPrefix = "";

/** `Date#toISOString` of `now`, formatting only once a second: V8's formatter costs microseconds a call. */
export function isoTime(now: number): string {
  const ms = now % 1000;
  const s = now - ms;
  if (s !== second) {
    second = s;
    secondPrefix = new Date(s).toISOString().slice(0, 20);
  }
  return `${secondPrefix}${ms < 10 ? "00" : ms < 100 ? "0" : ""}${ms}Z`;
}
