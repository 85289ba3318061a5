import { api } from "./api";
import { withQuery } from "./paths";

export interface SearchHighlight {
  field: "number" | "subject" | "requester" | "tags" | "fields" | "message" | "note";
  text: string;
  ranges: [number, number][];
}

export interface SearchResult {
  id: string;
  clientId: string;
  number: number;
  key: string;
  subject: string;
  status: string;
  requester: { name: string | null; email: string };
  createdAt: string;
  updatedAt: string;
  score: number;
  highlights: SearchHighlight[];
}

/** What a search is: the words and the filters, as the console's URL and the API both spell them. */
export interface SearchParams {
  q: string;
  clientId?: string;
  status?: string;
  /** Local calendar days (YYYY-MM-DD), as a date input gives them. */
  from?: string;
  to?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function searchParamsOf(query: URLSearchParams): SearchParams {
  const day = (name: string) => {
    const value = query.get(name) ?? undefined;
    return value && DAY.test(value) ? value : undefined;
  };
  return {
    q: query.get("q") ?? "",
    clientId: query.get("clientId") || undefined,
    status: query.get("status") || undefined,
    from: day("from"),
    to: day("to"),
  };
}

export const searchLink = (params: SearchParams) =>
  withQuery("/search", {
    q: params.q || undefined,
    clientId: params.clientId,
    status: params.status,
    from: params.from,
    to: params.to,
  });

/** The day's first and last instants in the viewer's zone: the API takes instants. */
const startOfDay = (day: string) => new Date(`${day}T00:00:00`).toISOString();
const endOfDay = (day: string) => new Date(`${day}T23:59:59.999`).toISOString();

export function searchTickets(params: SearchParams, limit = 25) {
  return api<{ items: SearchResult[] }>(
    "GET",
    withQuery("/v1/search", {
      q: params.q.trim(),
      clientId: params.clientId,
      status: params.status,
      from: params.from ? startOfDay(params.from) : undefined,
      to: params.to ? endOfDay(params.to) : undefined,
      limit: String(limit),
    }),
  );
}
