import type { EntityItem } from "electrodb";
import * as z from "zod";
import { assertClientAccess, assertRole, useTenant } from "../actor";
import { readByKeys } from "../common/batch";
import { Cursor, type Page, paginate } from "../common/cursor";
import { primaryKey } from "../common/keys";
import { ensureCommitted, isConditionFailure, step } from "../common/transaction";
import { Outdesk } from "../dynamo";
import { Addresses } from "../email/addresses";
import { MailSettings } from "../email/mail-settings";
import { Conflict, InvalidField, NotFound, type OutdeskError } from "../error";
import { fn } from "../fn";
import { createId } from "../id";
import type { ClientEntity } from "./client.entity";
import { Name, PageQuery, Slug, TicketPrefix, TimeZone, Version } from "./schema";

type ClientItem = EntityItem<ClientEntity>;

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
      supportAddresses: z
        .array(z.string())
        .describe("the client's own verified addresses; manage them under /v1/clients/{clientId}/addresses"),
      defaultAddress: z.string().describe("<client>.<provider>@<mail domain>: always routes here; forward to it"),
      mailSettings: MailSettings.Info,
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
      ticketFields: TicketFields.optional(),
      autoCloseDays: AutoCloseDays.optional(),
      mailSettings: MailSettings.Input.optional().describe(
        "From name and address, signature, auto-acknowledgement; omitted fields stay, null restores the default",
      ),
      version: Version.optional().describe("the version you read; the update fails with 409 if it changed"),
    })
    .meta({ id: "ClientUpdate" });

  export const ListInput = PageQuery.extend({ status: z.enum(["active", "archived"]).optional() });

  export function toInfo(item: ClientItem): Info {
    const supportAddresses = item.supportAddresses ?? [];
    const defaultAddress = item.defaultAddress ?? "";
    return {
      id: item.clientId,
      name: item.name,
      slug: item.slug,
      ticketPrefix: item.ticketPrefix,
      timeZone: item.timeZone,
      supportAddresses,
      defaultAddress,
      mailSettings: MailSettings.resolve(item.mailSettings, { name: item.name, defaultAddress, supportAddresses }),
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
  // Default addresses are unique by construction (slugs are unique, and the dot splits them); a
  // collision means a stale routing item, never another tenant's data.
  const addressTaken = (address: string) => Conflict(`The default address ${address} is already in use`);
  const stale = (version: number) => Conflict("The client changed since you read it", { currentVersion: version });

  export const create = fn(CreateInput, async (input) => {
    const { providerId } = assertRole("provider_admin", "system");
    const clientId = createId("client");
    const now = new Date().toISOString();
    const ticketPrefix = input.ticketPrefix ?? defaultPrefix(input.slug);
    const defaultAddress = Addresses.defaultAddress(input.slug, await Addresses.providerSlug(providerId));
    const fields = { ...input, ticketPrefix, supportAddresses: [], defaultAddress, createdAt: now, updatedAt: now };
    const result = await Outdesk.transaction
      .write(({ client, unique, inboundAddress }) => [
        client.create({ providerId, clientId, ...fields }).commit(),
        unique.create({ providerId, kind: "client_slug", value: input.slug, ownerId: clientId }).commit(),
        unique.create({ providerId, kind: "ticket_prefix", value: ticketPrefix, ownerId: clientId }).commit(),
        inboundAddress.create({ address: defaultAddress, providerId, clientId }).commit(),
      ])
      .go();
    ensureCommitted(result, [
      undefined,
      slugTaken(input.slug),
      prefixTaken(ticketPrefix),
      addressTaken(defaultAddress),
    ]);
    return toInfo({ providerId, clientId, ...fields, status: "active", lastTicketNumber: 0, version: 1 });
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
    const { slug, ticketPrefix, mailSettings, ...plain } = changes;
    if (slug === undefined && ticketPrefix === undefined && mailSettings === undefined) {
      return patchClient(clientId, version, plain);
    }
    // Unique values move their guard items and the default address its routing item: read the
    // old ones, then one transaction. Mail settings are checked against the addresses read.
    const { data: current } = await Outdesk.entities.client.get({ providerId, clientId }).go({ consistent: true });
    if (!current) throw NotFound("Client");
    if (version !== undefined && version !== current.version) throw stale(current.version);
    const renamed = slug !== undefined && slug !== current.slug;
    const defaultAddress = renamed
      ? Addresses.defaultAddress(slug, await Addresses.providerSlug(providerId))
      : (current.defaultAddress ?? "");
    const settings =
      mailSettings === undefined
        ? undefined
        : MailSettings.merge(MailSettings.stored(current.mailSettings), mailSettings, defaultAddress);
    if (settings?.fromAddress && !(current.supportAddresses ?? []).includes(settings.fromAddress)) {
      throw InvalidField(
        ["mailSettings", "fromAddress"],
        "not a verified address of this client: use its default address or one verified under its addresses",
      );
    }
    const updatedAt = new Date().toISOString();
    const next = {
      ...plain,
      ...(slug === undefined ? {} : { slug }),
      ...(ticketPrefix === undefined ? {} : { ticketPrefix }),
      ...(settings === undefined ? {} : { mailSettings: settings }),
      ...(renamed ? { defaultAddress } : {}),
      updatedAt,
      version: current.version + 1,
    };

    let explain: (OutdeskError | undefined)[] = [];
    const result = await Outdesk.transaction
      .write(({ client, unique, inboundAddress }) => {
        const steps = [
          step(
            client
              .patch({ providerId, clientId })
              .set(next)
              .where((attr, op) => op.eq(attr.version, current.version))
              .commit(),
            stale(current.version),
          ),
        ];
        if (renamed) {
          steps.push(step(unique.delete({ providerId, kind: "client_slug", value: current.slug }).commit()));
          steps.push(
            step(
              unique.create({ providerId, kind: "client_slug", value: slug, ownerId: clientId }).commit(),
              slugTaken(slug),
            ),
          );
          // The default address moves with the slug; mail to the old one is kept as unknown-recipient mail.
          if (current.defaultAddress) {
            const old = current.defaultAddress;
            steps.push(
              step(
                inboundAddress
                  .delete({ address: old })
                  .where((attr, op) => `${op.eq(attr.providerId, providerId)} AND ${op.eq(attr.clientId, clientId)}`)
                  .commit(),
              ),
            );
          }
          steps.push(
            step(
              inboundAddress.create({ address: defaultAddress, providerId, clientId }).commit(),
              addressTaken(defaultAddress),
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
        explain = steps.map((s) => s.conflict);
        return steps.map((s) => s.commit);
      })
      .go();
    ensureCommitted(result, explain);
    return toInfo({ ...current, ...next });
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
