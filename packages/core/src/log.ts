import { AsyncLocalStorage } from "node:async_hooks";
import { useActor } from "./actor";

const context = new AsyncLocalStorage<{ requestId: string }>();

type Level = "debug" | "info" | "warn" | "error";

/** Structured JSON lines; every line carries the request id and, once known, the provider id. */
export namespace Log {
  export function withRequest<T>(requestId: string, fn: () => T): T {
    return context.run({ requestId }, fn);
  }

  export function requestId(): string | undefined {
    return context.getStore()?.requestId;
  }

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
      time: new Date().toISOString(),
      message,
      requestId: requestId(),
      providerId: actor.type === "public" ? undefined : actor.providerId,
      ...fields,
    };
    (level === "error" ? process.stderr : process.stdout).write(`${JSON.stringify(line)}\n`);
  }

  /** The per-request line, written without building an object first (it runs on every request). */
  export function request(
    requestId: string,
    providerId: string | undefined,
    method: string,
    path: string,
    status: number,
    ms: number,
  ) {
    if (quiet) return;
    const provider = providerId === undefined ? "" : `,"providerId":${JSON.stringify(providerId)}`;
    process.stdout.write(
      `{"level":"info","time":"${new Date().toISOString()}","message":"request","requestId":${JSON.stringify(requestId)}${provider},"method":"${method}","path":${JSON.stringify(path)},"status":${status},"ms":${ms}}\n`,
    );
  }

  export const info = (message: string, fields?: Record<string, unknown>) => write("info", message, fields);
  export const warn = (message: string, fields?: Record<string, unknown>) => write("warn", message, fields);
  export const error = (message: string, fields?: Record<string, unknown>) => write("error", message, fields);
}
