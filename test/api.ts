import { randomBytes } from "node:crypto";
import { app } from "@outdesk/functions/api/app";

export interface Persona {
  name: string;
  token?: string;
  providerId?: string;
  userId?: string;
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * The address this file's calls come from (as the local server's socket would give it): rate
 * limits count per address in the table test files share, so each file counts only its own calls.
 */
const fileAddress = `2001:db8::${randomBytes(2).toString("hex")}:${randomBytes(2).toString("hex")}`;

/** Calls the API through Hono's public surface, as `persona`, from this file's address. */
export async function call<T = any>(
  persona: Persona | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (persona?.token) (init.headers as Record<string, string>).authorization = `Bearer ${persona.token}`;
  if (body !== undefined) {
    (init.headers as Record<string, string>)["content-type"] = "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await app.request(path, init, { incoming: { socket: { remoteAddress: fileAddress } } });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: response.status, body: parsed as T, headers: response.headers };
}

export function expectStatus<T>(reply: Reply<T>, status: number): Reply<T> {
  if (reply.status !== status) {
    throw new Error(`expected HTTP ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  }
  return reply;
}
