import type { EntityItem } from "electrodb";
import * as z from "zod";
import { assertClientAccess, assertRole, useTenant } from "../actor";
import { readByKeys } from "../common/batch";
import { Cursor, type Page, paginate } from "../common/cursor";
import { primaryKey } from "../common/keys";
import { ensureCommitted, isConditionFailure, step } from "../common/transaction";
import { Outdesk } from "../dynamo";
import { Conflict, NotFound, type OutdeskError } from "../error";
import { fn } from "../fn";
import { createId } from "../id";
import type { ClientEntity } from "./client.entity";
import { Email, Name, PageQuery, Slug, TicketPrefix, TimeZone, Version } from "./schema";

type ClientItem = EntityItem<ClientEntity>;

const SupportAddresses = z
  .array(Email)
  .max(20)
  .refine((list) => new Set(list).size === list.length, "addresses must be distinct");

export namespace Client {
  export const TicketField = z
    .strictObject({
      key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "lower-case letters, digits and underscores"),
      label: Name,
      type: z.enum(["text", "number", "boolean", "date", "select"]),
      options: z.array(z.string().min(1).max(80)).max(50).optional().describe("the choices of a select field"),
      required: z.boolean().default(false).describe("must be set before the ticket is solved"),
    })
    .refine((field) => field.type !== "select" || (field.options?.length ?? 0) > 0, {
      message: "a select field needs options",
      path: ["options"],
    })
    .meta({ id: "TicketField" });
  export type TicketField = z.infer<typeof TicketField>;

  const TicketFields = z
    .array(TicketField)
    .max(30)
    .refine((list) => new Set(list.map((f) => f.key)).size === list.length, "field keys must be distinct");
  const AutoCloseDays = z.number().int().min(1).max(90);

  export const Info = z
    .object({
      id: z.string(),
      name: z.string(),
      slug: z.string(),
      ticketPrefix: z.string(),
      timeZone: z.string(),
      supportAddresses: z.array(z.string()),
      status: z.enum(["active", "archived"]),
      archivedAt: z.string().nullable(),
      ticketFields: z.array(TicketField),
      autoCloseDays: z.number(),
      createdAt: z.string(),
      updatedAt: z.string(),
      version: z.number(),
    })
    .meta({ id: "Client" });
  export type Info = z.infer<typeof Info>;

  export const CreateInput = z
    .strictObject({
      name: Name,
      slug: Slug,
      ticketPrefix: TicketPrefix.optional().describe("defaults to the slug, upper-cased, without dashes"),
      timeZone: TimeZone,
      supportAddresses: SupportAddresses.default([]),
      ticketFields: TicketFields.default([]),
      autoCloseDays: AutoCloseDays.default(4),
    })
    .meta({ id: "ClientCreate" });

  export const UpdateInput = z
    .strictObject({
      name: Name.optional(),
      slug: Slug.optional(),
      ticketPrefix: TicketPrefix.optional(),
      timeZone: TimeZone.optional(),
      supportAddresses: SupportAddresses.optional(),
      ticketFields: TicketFields.optional(),
      autoCloseDays: AutoCloseDays.optional(),
      version: Version.optional().describe("the version you read; the update fails with 409 if it changed"),
    })
    .meta({ id: "ClientUpdate" });

  export const ListInput = PageQuery.extend({ status: z.enum(["active", "archived"]).optional() });

  export function toInfo(item: ClientItem): Info {
    return {
      id: item.clientId,
      name: item.name,
      slug: item.slug,
      ticketPrefix: item.ticketPrefix,
      timeZone: item.timeZone,
      supportAddresses: item.supportAddresses ?? [],
      status: item.status,
      archivedAt: item.archivedAt ?? null,
      ticketFields: (item.ticketFields ?? []) as TicketField[],
      autoCloseDays: item.autoCloseDays ?? 4,
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
      version: item.version,
    };
  }

  const slugTaken = (slug: string) =>
    Conflict(`The slug "${slug}" is already used by another client`, {
      issues: [{ path: ["slug"], message: "taken" }],
    });
  const prefixTaken = (prefix: string) =>
    Conflict(`The ticket prefix "${prefix}" is already used by another client`, {
      issues: [{ path: ["ticketPrefix"], message: "taken" }],
    });
  const addressTaken = (address: string) =>
    Conflict(`The support address ${address} already belongs to a client`, {
      issues: [{ path: ["supportAddresses"], message: `${address} is taken` }],
    });
  const stale = (version: number) => Conflict("The client changed since you read it", { currentVersion: version });

  export const create = fn(CreateInput, async (input) => {
    const { providerId } = assertRole("provider_admin", "system");
    const clientId = createId("client");
    const now = new Date().toISOString();
    const ticketPrefix = input.ticketPrefix ?? defaultPrefix(input.slug);
    const result = await Outdesk.transaction
      .write(({ client, unique, inboundAddress }) => [
        client.create({ providerId, clientId, ...input, ticketPrefix, createdAt: now, updatedAt: now }).commit(),
        unique.create({ providerId, kind: "client_slug", value: input.slug, ownerId: clientId }).commit(),
        unique.create({ providerId, kind: "ticket_prefix", value: ticketPrefix, ownerId: clientId }).commit(),
        ...input.supportAddresses.map((address) => inboundAddress.create({ address, providerId, clientId }).commit()),
      ])
      .go();
    ensureCommitted(result, [
      undefined,
      slugTaken(input.slug),
      prefixTaken(ticketPrefix),
      ...input.supportAddresses.map(addressTaken),
    ]);
    return toInfo({
      providerId,
      clientId,
      ...input,
      ticketPrefix,
      status: "active",
      lastTicketNumber: 0,
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
  });

  /** One GetItem; a client outside the actor's reach is a 404 without a read. */
  export async function get(clientId: string): Promise<Info> {
    const { providerId } = assertClientAccess(clientId);
    const { data } = await Outdesk.entities.client.get({ providerId, clientId }).go({ consistent: true });
    if (!data) throw NotFound("Client");
    return toInfo(data);
  }

  /**
   * Provider-wide actors page through the provider's clients (one Query a page). Actors scoped to
   * some clients read exactly those by key, so neither a page nor a total ever reflects clients
   * outside their reach.
   */
  export const list = fn(ListInput, async ({ cursor, limit, status }) => {
    const actor = useTenant();
    const { providerId, clientIds } = actor;
    if (clientIds !== "all") return listAssigned(providerId, clientIds, { cursor, limit, status });
    return paginate(
      (position) =>
        Outdesk.entities.client.query
          .byId({ providerId })
          .where((attr, op) => (status ? op.eq(attr.status, status) : ""))
          .go({ cursor: position, limit }),
      { cursor, binding: Cursor.binding(providerId, "client.list", { status }), map: toInfo },
    );
  });

  /** The actor's own clients by key, in id order, paged by the last id (positions sealed like any cursor). */
  async function listAssigned(
    providerId: string,
    clientIds: string[],
    { cursor, limit, status }: z.infer<typeof ListInput>,
  ): Promise<Page<Info>> {
    const binding = Cursor.binding(providerId, "client.list.assigned", { status });
    const after = cursor ? await Cursor.open(cursor, binding) : "";
    const wanted = [...new Set(clientIds)].sort().filter((id) => id > after);
    const entity = Outdesk.entities.client;
    const keys = wanted.map((clientId) => primaryKey(entity, { providerId, clientId }));
    const found = entity.parse((await readByKeys(keys, { consistent: false }))("client")).data as ClientItem[];
    const items = found
      .filter((client) => !status || client.status === status)
      .sort((a, b) => (a.clientId < b.clientId ? -1 : 1));
    const page = items.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toInfo),
      cursor: items.length > limit && last ? await Cursor.seal(last.clientId, binding) : null,
    };
  }

  /** Visibility first (404), then the role (403): a client outside your reach never answers 403. */
  function assertCanManage(clientId: string) {
    assertClientAccess(clientId);
    return assertRole("provider_admin", "system");
  }

  /**
   * One conditional UpdateItem returning the new item. A failed condition is a missing client
   * (404), a stale version (409), or — with `unless` — a client already in that state.
   */
  async function patchClient(
    clientId: string,
    version: number | undefined,
    changes: Partial<
      Pick<ClientItem, "name" | "timeZone" | "status" | "archivedAt" | "ticketFields" | "autoCloseDays">
    >,
    options: { remove?: "archivedAt"; unless?: { status: ClientItem["status"] } } = {},
  ): Promise<Info> {
    const { providerId } = useTenant();
    let write = Outdesk.entities.client
      .patch({ providerId, clientId })
      .set({ ...changes, updatedAt: new Date().toISOString() })
      .add({ version: 1 });
    if (options.remove) write = write.remove([options.remove]);
    try {
      const { data } = await write
        .where((attr, op) =>
          [
            version === undefined ? "" : op.eq(attr.version, version),
            options.unless ? op.ne(attr.status, options.unless.status) : "",
          ]
            .filter(Boolean)
            .join(" AND "),
        )
        .go({ response: "all_new" });
      return toInfo(data as ClientItem);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await get(clientId);
      if (version !== undefined && current.version !== version) throw stale(current.version);
      return current;
    }
  }

  export const update = fn(UpdateInput.extend({ clientId: z.string() }), async ({ clientId, version, ...changes }) => {
    const { providerId } = assertCanManage(clientId);
    const { slug, ticketPrefix, supportAddresses, ...plain } = changes;
    if (slug === undefined && ticketPrefix === undefined && supportAddresses === undefined) {
      return patchClient(clientId, version, plain);
    }
    // Unique values move their guard items: read the old ones, then one transaction.
    const current = await get(clientId);
    if (version !== undefined && version !== current.version) throw stale(current.version);
    const addresses = supportAddresses ?? current.supportAddresses;
    const added = addresses.filter((a) => !current.supportAddresses.includes(a));
    const removed = current.supportAddresses.filter((a) => !addresses.includes(a));
    const updatedAt = new Date().toISOString();

    let explain: (OutdeskError | undefined)[] = [];
    const result = await Outdesk.transaction
      .write(({ client, unique, inboundAddress }) => {
        const steps = [
          step(
            client
              .patch({ providerId, clientId })
              .set({ ...changes, supportAddresses: addresses, updatedAt, version: current.version + 1 })
              .where((attr, op) => op.eq(attr.version, current.version))
              .commit(),
            stale(current.version),
          ),
        ];
        if (slug !== undefined && slug !== current.slug) {
          steps.push(step(unique.delete({ providerId, kind: "client_slug", value: current.slug }).commit()));
          steps.push(
            step(
              unique.create({ providerId, kind: "client_slug", value: slug, ownerId: clientId }).commit(),
              slugTaken(slug),
            ),
          );
        }
        if (ticketPrefix !== undefined && ticketPrefix !== current.ticketPrefix) {
          steps.push(step(unique.delete({ providerId, kind: "ticket_prefix", value: current.ticketPrefix }).commit()));
          steps.push(
            step(
              unique.create({ providerId, kind: "ticket_prefix", value: ticketPrefix, ownerId: clientId }).commit(),
              prefixTaken(ticketPrefix),
            ),
          );
        }
        for (const address of removed) steps.push(step(inboundAddress.delete({ address }).commit()));
        for (const address of added) {
          steps.push(step(inboundAddress.create({ address, providerId, clientId }).commit(), addressTaken(address)));
        }
        explain = steps.map((s) => s.conflict);
        return steps.map((s) => s.commit);
      })
      .go();
    ensureCommitted(result, explain);
    return { ...current, ...changes, supportAddresses: addresses, updatedAt, version: current.version + 1 };
  });

  const VersionInput = z.strictObject({ clientId: z.string(), version: Version.optional() });

  /** Idempotent: archiving an archived client changes nothing and answers its current state. */
  export const archive = fn(VersionInput, async ({ clientId, version }) => {
    assertCanManage(clientId);
    const archivedAt = new Date().toISOString();
    return patchClient(clientId, version, { status: "archived", archivedAt }, { unless: { status: "archived" } });
  });

  export const restore = fn(VersionInput, async ({ clientId, version }) => {
    assertCanManage(clientId);
    return patchClient(clientId, version, { status: "active" }, { remove: "archivedAt", unless: { status: "active" } });
  });

  export function defaultPrefix(slug: string): string {
    const letters = slug
      .replace(/[^a-z0-9]/g, "")
      .toUpperCase()
      .slice(0, 10);
    return /^[A-Z]/.test(letters) && letters.length >= 2 ? letters : `C${letters}`.slice(0, 10).padEnd(2, "X");
  }
}
