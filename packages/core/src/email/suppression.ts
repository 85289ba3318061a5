import * as z from "zod";
import { assertRole } from "../actor";
import { byEntity, readByKeys } from "../common/batch";
import { Cursor, type Page, paginate } from "../common/cursor";
import { primaryKey } from "../common/keys";
import { isConditionFailure } from "../common/transaction";
import { Dynamo, Outdesk } from "../dynamo";
import { Conflict, NotFound } from "../error";
import { fn } from "../fn";
import { Email, PageQuery } from "../tenancy/schema";
import { type SuppressionReason, SuppressionReasons } from "./suppression.entity";

/** Longest address SMTP allows (RFC 5321 path limit); anything longer is not a mailbox. */
const MAX_ADDRESS = 254;

/**
 * A provider's suppression list: addresses its mail no longer goes to. Bounces and complaints
 * (core/email/delivery.ts) add to it, provider admins list, add and clear entries, and outbound
 * mail checks every recipient against it first (`filter`).
 */
export namespace Suppression {
  export const Info = z
    .object({
      address: z.string(),
      reason: z.enum(SuppressionReasons),
      detail: z.string().nullable().describe("what SES reported (bounce type, diagnostic) or the admin's note"),
      mailId: z.string().nullable().describe("the outbound mail that bounced or drew the complaint"),
      clientId: z.string().nullable(),
      ticketId: z.string().nullable(),
      createdBy: z.string().nullable().describe("who added it by hand"),
      createdAt: z.string(),
    })
    .meta({ id: "Suppression" });
  export type Info = z.infer<typeof Info>;

  export const ListInput = PageQuery.extend({
    prefix: z
      .string()
      .trim()
      .toLowerCase()
      .min(1)
      .max(MAX_ADDRESS)
      .optional()
      .describe("only addresses starting with this"),
  });

  export const AddInput = z
    .strictObject({
      address: Email,
      detail: z.string().trim().max(500).optional().describe("why, for the other admins"),
    })
    .meta({ id: "SuppressionCreate" });

  const AddressInput = z.object({
    address: z.string().trim().min(1, "must not be empty").max(MAX_ADDRESS).toLowerCase(),
  });

  /** The bare, lower-cased address of `Name <a@b>` or `a@b`; undefined when there is none. */
  export function normalize(value: string): string | undefined {
    const bracketed = /<([^<>]*)>\s*$/.exec(value);
    const address = (bracketed ? bracketed[1]! : value).trim().toLowerCase();
    if (address.length === 0 || address.length > MAX_ADDRESS || !address.includes("@")) return undefined;
    return address;
  }

  function toInfo(item: {
    address: string;
    reason: SuppressionReason;
    detail?: string | undefined;
    mailId?: string | undefined;
    clientId?: string | undefined;
    ticketId?: string | undefined;
    createdBy?: string | undefined;
    createdAt: string;
  }): Info {
    return {
      address: item.address,
      reason: item.reason,
      detail: item.detail ?? null,
      mailId: item.mailId ?? null,
      clientId: item.clientId ?? null,
      ticketId: item.ticketId ?? null,
      createdBy: item.createdBy ?? null,
      createdAt: item.createdAt,
    };
  }

  /** Provider admins: one page in address order, optionally only addresses with a prefix. */
  export const list = fn(ListInput, async ({ cursor, limit, prefix }): Promise<Page<Info>> => {
    const { providerId } = assertRole("provider_admin");
    return paginate(
      (position) =>
        Outdesk.entities.suppression.query
          .byAddress({ providerId })
          .begins({ address: prefix ?? "" })
          .go({ cursor: position, count: limit }),
      { cursor, binding: Cursor.binding(providerId, "suppression.list", { prefix }), map: toInfo },
    );
  });

  /** Provider admins suppress an address by hand; one already on the list is a 409. */
  export const add = fn(AddInput, async ({ address, detail }) => {
    const actor = assertRole("provider_admin");
    try {
      const { data } = await Outdesk.entities.suppression
        .create({
          providerId: actor.providerId,
          address,
          reason: "manual",
          detail,
          createdBy: actor.id,
          createdAt: new Date().toISOString(),
        })
        .go();
      return toInfo(data);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw Conflict("The address is already on the suppression list");
    }
  });

  /** Provider admins clear an entry: mail goes to the address again. */
  export const remove = fn(AddressInput, async ({ address }) => {
    const { providerId } = assertRole("provider_admin");
    try {
      const { data } = await Outdesk.entities.suppression.remove({ providerId, address }).go({ response: "all_old" });
      if (!data) throw NotFound("Suppression");
      return toInfo(data);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw NotFound("Suppression");
    }
  });

  /**
   * Splits recipients into those the provider still mails and those it suppressed, in the order
   * given, each address once: one BatchGetItem (per 100 addresses). Outbound mail calls it before
   * sending and tells the agent which addresses it left out. Eventually consistent: an entry
   * added in the last second may be missed once.
   */
  export async function filter(
    providerId: string,
    addresses: string[],
  ): Promise<{ allowed: string[]; suppressed: string[] }> {
    await Dynamo.ready();
    const seen = new Set<string>();
    const wanted: { given: string; address: string | undefined }[] = [];
    for (const given of addresses) {
      const address = normalize(given);
      const identity = address ?? given;
      if (seen.has(identity)) continue;
      seen.add(identity);
      wanted.push({ given, address });
    }
    const lookups = [...new Set(wanted.flatMap(({ address }) => (address ? [address] : [])))];
    const keys = lookups.map((address) => primaryKey(Outdesk.entities.suppression, { providerId, address }));
    const found = keys.length ? await readByKeys(keys, { consistent: false }) : byEntity([]);
    const { data } = Outdesk.entities.suppression.parse(found("suppression"));
    const listed = new Set(data.filter((item) => item.providerId === providerId).map((item) => item.address));
    const allowed: string[] = [];
    const suppressed: string[] = [];
    for (const { given, address } of wanted) (address && listed.has(address) ? suppressed : allowed).push(given);
    return { allowed, suppressed };
  }

  /**
   * Puts an address on the list after a bounce or complaint; the first entry stays (a repeat
   * notification changes nothing). Returns whether it added the address.
   */
  export async function record(entry: {
    providerId: string;
    address: string;
    reason: Exclude<SuppressionReason, "manual">;
    detail?: string | undefined;
    mailId: string;
    /** Unset for mail outside a ticket (invitations). */
    clientId?: string;
    ticketId?: string;
    at: string;
  }): Promise<boolean> {
    const address = normalize(entry.address);
    if (!address) return false;
    try {
      await Outdesk.entities.suppression
        .create({
          providerId: entry.providerId,
          address,
          reason: entry.reason,
          detail: entry.detail,
          mailId: entry.mailId,
          clientId: entry.clientId,
          ticketId: entry.ticketId,
          createdAt: entry.at,
        })
        .go();
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
