/** The console's API client: bearer tokens in localStorage, one silent refresh on 401, typed errors. */

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
  /** "field: message" for the first issue, else the message. */
  get detail(): string {
    const issue = this.body.issues?.[0];
    return issue ? `${issue.path.join(".")}: ${issue.message}` : this.body.message;
  }
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

const KEY = "outdesk.tokens";
let tokens: Tokens | null = JSON.parse(localStorage.getItem(KEY) ?? "null");
const listeners = new Set<() => void>();

export function setTokens(next: Tokens | null) {
  tokens = next;
  if (next) localStorage.setItem(KEY, JSON.stringify(next));
  else localStorage.removeItem(KEY);
  for (const listener of listeners) listener();
}

export const isLoggedIn = () => tokens !== null;
export function onAuthChange(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

let refreshing: Promise<boolean> | null = null;
async function refresh(): Promise<boolean> {
  if (!tokens) return false;
  refreshing ??= fetch("/v1/auth/refresh", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ refreshToken: tokens.refreshToken }),
  })
    .then(async (response) => {
      if (!response.ok) return false;
      setTokens((await response.json()) as Tokens);
      return true;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const send = () =>
    fetch(path, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(tokens ? { authorization: `Bearer ${tokens.accessToken}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  let response = await send();
  if (response.status === 401 && tokens && !path.startsWith("/v1/auth/")) {
    if (await refresh()) response = await send();
    else setTokens(null);
  }
  if (response.status === 204) return undefined as T;
  const data = await response.json().catch(() => ({ code: "bad_response", message: response.statusText }));
  if (!response.ok) throw new ApiError(response.status, data as ApiErrorBody);
  return data as T;
}

export async function login(provider: string, email: string, password: string) {
  setTokens(await api<Tokens>("POST", "/v1/auth/login", { provider, email, password }));
}

export async function logout() {
  const current = tokens;
  setTokens(null);
  if (current) await api("POST", "/v1/auth/logout", { refreshToken: current.refreshToken }).catch(() => undefined);
}
