import * as z from "zod";
import { assertClientAccess, type TenantActor, useTenant } from "../actor";
import { Outdesk } from "../dynamo";
import { InvalidField, NotFound } from "../error";
import { fn } from "../fn";
import { Statuses } from "../ticket/constants";
import { type Hit, highlightsOf, searchIndexes } from "./engine";
import { segmentOf } from "./segment";
import { documentsOf } from "./store";

export { documentOf, type SearchDocument } from "./document";
export { emptyIndex, MAX_SCORED, searchIndex } from "./engine";
export { COMPACT_AFTER, compact, indexChanges, type StreamRecord } from "./indexer";
export { dropSegments } from "./segment";
export { saveSnapshot } from "./store";

/** A day (UTC) or an instant; `to` as a day includes the whole day. */
const Instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export namespace Search {
  export const Query = z.object({
    q: z.string().trim().min(1).max(200).describe("words, a ticket number (ACME-1042), a name or an address"),
    clientId: z.string().max(40).optional().describe("only this client's tickets"),
    status: z.enum(Statuses).optional(),
    from: Instant.optional().describe("created at or after (YYYY-MM-DD or an ISO time)"),
    to: Instant.optional().describe("created at or before (a day includes all of it)"),
    limit: z.coerce.number().int().min(1).max(50).default(20),
  });
  export type Query = z.infer<typeof Query>;

  export const Highlight = z
    .object({
      field: z.enum(["number", "subject", "requester", "tags", "fields", "message", "note"]),
      text: z.string().describe("the field's text, or a snippet of it around the first match"),
      ranges: z.array(z.tuple([z.number(), z.number()])).describe("[start, end) offsets of matched words in text"),
    })
    .meta({ id: "SearchHighlight" });

  export const Result = z
    .object({
      id: z.string(),
      clientId: z.string(),
      number: z.number(),
      key: z.string().describe("human key, e.g. ACME-1042"),
      subject: z.string(),
      status: z.enum(Statuses),
      requester: z.object({ name: z.string().nullable(), email: z.string() }),
      createdAt: z.string(),
      updatedAt: z.string(),
      score: z.number().describe("relevance: higher first"),
      highlights: z.array(Highlight),
    })
    .meta({ id: "SearchResult" });
  export type Result = z.infer<typeof Result>;

  export const Results = z.object({ items: z.array(Result) }).meta({ id: "SearchResults" });
  export type Results = z.infer<typeof Results>;

  /** Clients the actor may search: the one asked for (404 when out of reach or missing), or all of theirs. */
  async function clientsToSearch(actor: TenantActor, clientId: string | undefined): Promise<string[]> {
    const { providerId } = actor;
    if (clientId) {
      assertClientAccess(clientId);
      const { data } = await Outdesk.entities.client.get({ providerId, clientId }).go();
      if (!data) throw NotFound("Client");
      return [clientId];
    }
    if (actor.clientIds !== "all") return [...new Set(actor.clientIds)];
    const { data } = await Outdesk.entities.client.query
      .byId({ providerId })
      .go({ pages: "all", attributes: ["clientId"] });
    return data.map((client) => client.clientId);
  }

  function bounds(from: string | undefined, to: string | undefined) {
    const start = from ? new Date(from.length === 10 ? `${from}T00:00:00Z` : from).toISOString() : undefined;
    const end = to
      ? new Date(to.length === 10 ? Date.parse(`${to}T00:00:00Z`) + 86_400_000 - 1 : Date.parse(to)).toISOString()
      : undefined;
    if (start && end && start > end) throw InvalidField(["to"], "must not be before from");
    return { start, end };
  }

  /**
   * Tickets matching `q` in the clients the actor may see, best first, with the matched words
   * marked. Client admins search replies only: notes are neither matched nor read for them.
   */
  export const search = fn(Query, async ({ q, clientId, status, from, to, limit }): Promise<Results> => {
    const actor = useTenant();
    const internal = actor.role !== "client_admin";
    const { start, end } = bounds(from, to);
    const clientIds = await clientsToSearch(actor, clientId);
    const filter = (hit: Hit) =>
      (!status || hit.status === status) && (!start || hit.createdAt >= start) && (!end || hit.createdAt <= end);
    const indexes = await Promise.all(clientIds.map((id) => segmentOf(actor.providerId, id)));
    const hits = searchIndexes(indexes, q, { internal, filter, limit })
      .sort((a, b) => b.score - a.score || (a.updatedAt < b.updatedAt ? 1 : -1))
      .slice(0, limit);
    const texts = new Map<string, Awaited<ReturnType<typeof documentsOf>>>();
    await Promise.all(
      [...new Set(hits.map((hit) => hit.clientId))].map(async (id) => {
        const ids = hits.filter((hit) => hit.clientId === id).map((hit) => String(hit.id));
        texts.set(id, await documentsOf(actor.providerId, id, ids, internal));
      }),
    );
    return {
      items: hits.map((hit) => {
        const stored = texts.get(hit.clientId)?.get(String(hit.id));
        const doc = stored && !("deleted" in stored) ? stored : hit;
        return {
          id: String(hit.id),
          clientId: hit.clientId,
          number: hit.number,
          key: hit.key,
          subject: hit.subject,
          status: hit.status as Result["status"],
          requester: { name: hit.requesterName || null, email: hit.requesterEmail },
          createdAt: hit.createdAt,
          updatedAt: hit.updatedAt,
          score: Math.round(hit.score * 1000) / 1000,
          highlights: highlightsOf(doc, hit.terms, internal),
        };
      }),
    };
  });
}
