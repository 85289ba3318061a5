/**
 * The console's API client. The access token lives in memory only; the refresh token is an
 * HttpOnly cookie the API sets on /v1/auth (x-outdesk-session: cookie), so no script can read
 * either from storage. A page load restores the session through the cookie; a 401 refreshes once.
 */

import { issueInWords } from "./field-words";

export interface ApiErrorBody {
  code: string;
  message: string;
  issues?: { path: (string | number)[]; message: string }[];
  currentVersion?: number;
  allowed?: string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
  /** The first issue in words with its field's label ("Order ID is required…"), else the message. */
  get detail(): string {
    const issue = this.body.issues?.[0];
    return issue ? issueInWords(issue) : this.body.message;
  }
  /** Offline (status 0) or the server's own failure (5xx): the same request may work on a retry. */
  get transient(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

/** The messages of an API error's issues at one field ("month"), joined; "" when none. */
export function issuesAt(reason: unknown, field: string): string {
  if (!(reason instanceof ApiError)) return "";
  return (reason.body.issues ?? [])
    .filter((issue) => issue.path.join(".") === field)
    .map((issue) => issue.message)
    .join("; ");
}

/** What login and accept-invite answer in cookie mode: no refresh token in the body. */
interface Tokens {
  accessToken: string;
  refreshToken?: string;
}

const SESSION_HEADER = { "x-outdesk-session": "cookie" };
let accessToken: string | null = null;
// Older consoles kept tokens in localStorage: drop them.
localStorage.removeItem("outdesk.tokens");
const listeners = new Set<() => void>();

function notify() {
  for (const listener of listeners) listener();
}

/** Keeps only the access token, in memory; any refresh token stays where the API put it (the cookie). */
export function setTokens(next: Tokens | null) {
  accessToken = next?.accessToken ?? null;
  notify();
}

let refreshing: Promise<boolean> | null = null;
/** A new access token from the refresh cookie; false when there is no live session. */
function refresh(): Promise<boolean> {
  refreshing ??= fetch("/v1/auth/refresh", { method: "POST", headers: SESSION_HEADER, credentials: "same-origin" })
    .then(async (response) => {
      if (!response.ok) return false;
      accessToken = ((await response.json()) as Tokens).accessToken;
      return true;
    })
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

// A reload starts with no token in memory: try the cookie before the console decides.
let restoring: Promise<boolean> | null = refresh().then((restored) => {
  restoring = null;
  notify();
  return restored;
});

/** True while the session is being restored, so the console waits instead of showing the login. */
export const isLoggedIn = () => accessToken !== null || restoring !== null;
export function onAuthChange(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Sends a request with the session's bearer token (auth routes: the cookie), refreshing it once on a 401. */
async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const auth = path.startsWith("/v1/auth/");
  if (restoring && !auth) await restoring;
  // No session (the restore found none): nothing to send that could succeed.
  if (!auth && !accessToken) throw new ApiError(401, { code: "unauthorized", message: "Log in first" });
  const attempt = () =>
    fetch(path, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        // Auth routes keep the refresh token in the cookie, never in the body.
        ...(auth ? SESSION_HEADER : {}),
        ...(accessToken && !auth ? { authorization: `Bearer ${accessToken}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  let response = await attempt().catch(() => {
    // fetch rejects only when no answer came: offline, DNS, the server down.
    throw new ApiError(0, { code: "offline", message: "Outdesk cannot be reached: check your connection, then retry" });
  });
  if (response.status === 401 && accessToken && !auth) {
    if (await refresh()) response = await attempt();
    else setTokens(null);
  }
  return response;
}

const errorOf = async (response: Response) => {
  const body = (await response
    .json()
    .catch(() => ({ code: "bad_response", message: response.statusText }))) as ApiErrorBody;
  // A server failure says nothing about what was typed: say so, and that a retry may work.
  if (response.status >= 500) {
    return new ApiError(response.status, {
      ...body,
      message: `Outdesk could not answer (error ${response.status}): retry in a moment`,
    });
  }
  return new ApiError(response.status, body);
};

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await send(method, path, body, headers);
  if (response.status === 204) return undefined as T;
  if (!response.ok) throw await errorOf(response);
  return (await response.json().catch(() => ({ code: "bad_response", message: response.statusText }))) as T;
}

/** Bodies kept by path with their entity tag, so a poll answered 304 reuses the one it has. */
const tagged = new Map<string, { etag: string; body: unknown }>();
const MAX_TAGGED = 100;
// Another session must never be answered from this one's bodies.
listeners.add(() => {
  if (!accessToken) tagged.clear();
});

/**
 * A GET that sends the kept entity tag (If-None-Match): on 304 it answers the body it kept, the
 * same object, so a poll over an unchanged view re-renders nothing and re-sends nothing.
 */
export async function getConditional<T>(path: string): Promise<T> {
  const kept = tagged.get(path);
  const response = await send("GET", path, undefined, kept ? { "if-none-match": kept.etag } : {});
  if (response.status === 304 && kept) return kept.body as T;
  if (!response.ok) throw await errorOf(response);
  const body = (await response.json()) as T;
  const etag = response.headers.get("etag");
  tagged.delete(path);
  if (etag) {
    tagged.set(path, { etag, body });
    // The oldest first out: a Map iterates in insertion order.
    if (tagged.size > MAX_TAGGED) tagged.delete(tagged.keys().next().value as string);
  }
  return body;
}

/** The file name a Content-Disposition header gives, if any (`filename="sla-2026-11.csv"`). */
function filenameOf(disposition: string | null): string | null {
  const found = disposition ? /filename="?([^";]+)"?/i.exec(disposition) : null;
  return found?.[1] ?? null;
}

/**
 * Saves a file the API serves (a CSV export): fetched with the bearer token and handed to the
 * browser as a blob, since a plain link to the API URL would carry no authorization.
 * Resolves to the file name saved.
 */
export async function download(path: string, fallbackName: string): Promise<string> {
  const response = await send("GET", path);
  if (!response.ok) throw await errorOf(response);
  const name = filenameOf(response.headers.get("content-disposition")) ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the blob once the click is handled; give it a moment before letting go.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

export async function login(provider: string, email: string, password: string) {
  setTokens(await api<Tokens>("POST", "/v1/auth/login", { provider, email, password }));
}

/** Ends the session on the server (which clears the cookie) and forgets the access token. */
export async function logout() {
  // The session ends on the server first: the console shows the login once the cookie is gone.
  await api("POST", "/v1/auth/logout").catch(() => undefined);
  setTokens(null);
}

/** An address on the provider's suppression list (GET /v1/suppressions). */
export interface Suppression {
  address: string;
  reason: "bounce" | "complaint" | "manual";
  detail: string | null;
  mailId: string | null;
  clientId: string | null;
  ticketId: string | null;
  createdBy: string | null;
  createdAt: string;
}

/** The suppression list, for provider admins: a page in address order, optionally by prefix. */
export function listSuppressions(options: { prefix?: string; cursor?: string | null } = {}) {
  const query = new URLSearchParams({ limit: "50" });
  if (options.prefix) query.set("prefix", options.prefix);
  if (options.cursor) query.set("cursor", options.cursor);
  return api<{ items: Suppression[]; cursor: string | null }>("GET", `/v1/suppressions?${query}`);
}

export const addSuppression = (address: string, detail?: string) =>
  api<Suppression>("POST", "/v1/suppressions", { address, ...(detail ? { detail } : {}) });

/** Clears an entry: mail goes to the address again. */
export const removeSuppression = (address: string) =>
  api<Suppression>("DELETE", `/v1/suppressions/${encodeURIComponent(address)}`);

/** A client's own support address and where its verification stands (GET /v1/clients/{id}/addresses). */
export interface SupportAddress {
  address: string;
  state: "pending" | "verified" | "conflict";
  method: "code" | "mail" | "domain" | "system" | null;
  codeSentAt: string | null;
  codeExpiresAt: string | null;
  sendFailed: boolean;
  attemptsLeft: number | null;
  verifiedAt: string | null;
  createdAt: string;
}

export interface MailSettings {
  fromName: string;
  fromAddress: string;
  signature: string;
  autoAck: { enabled: boolean; subject: string; body: string };
}

/** Mail that reached `<anything>.<provider>@<mail domain>` without a client to route it to. */
export interface UnknownRecipientMail {
  recipient: string;
  from: string;
  subject: string;
  sesMessageId: string;
  receivedAt: string;
}

const addressApi = (clientId: string, address?: string, action?: string) =>
  `/v1/clients/${encodeURIComponent(clientId)}/addresses${address === undefined ? "" : `/${encodeURIComponent(address)}`}${action ? `/${action}` : ""}`;

export const listAddresses = (clientId: string) =>
  api<{ defaultAddress: string; items: SupportAddress[] }>("GET", addressApi(clientId));
export const addAddress = (clientId: string, address: string) =>
  api<SupportAddress>("POST", addressApi(clientId), { address });
export const resendAddressCode = (clientId: string, address: string) =>
  api<SupportAddress>("POST", addressApi(clientId, address, "resend"));
export const verifyAddress = (clientId: string, address: string, code: string) =>
  api<SupportAddress>("POST", addressApi(clientId, address, "verify"), { code });
export const verifyAddressDomain = (clientId: string, address: string) =>
  api<SupportAddress>("POST", addressApi(clientId, address, "verify-domain"));
export const removeAddress = (clientId: string, address: string) => api<void>("DELETE", addressApi(clientId, address));

/** Changes a client's mail settings (omitted fields stay; null restores a default), conditional on its version. */
export const updateMailSettings = (
  clientId: string,
  version: number,
  mailSettings: {
    fromName?: string | null;
    fromAddress?: string | null;
    signature?: string | null;
    autoAck?: Partial<MailSettings["autoAck"]>;
  },
) =>
  api<{ version: number; mailSettings: MailSettings }>(
    "PATCH",
    `/v1/clients/${encodeURIComponent(clientId)}`,
    { mailSettings },
    { "if-match": `"${version}"` },
  );

export function listUnknownMail(cursor?: string | null) {
  const query = new URLSearchParams({ limit: "50" });
  if (cursor) query.set("cursor", cursor);
  return api<{ items: UnknownRecipientMail[]; cursor: string | null }>("GET", `/v1/inbound/unknown?${query}`);
}
