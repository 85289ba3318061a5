import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { EntityItem } from "electrodb";
import * as z from "zod";
import { assertClientAccess, assertRole, useTenant } from "../actor";
import { signingKeys } from "../auth/keys";
import { RateLimit } from "../auth/rate-limit";
import { Aws } from "../aws";
import { readByKeys } from "../common/batch";
import { Cursor, paginate } from "../common/cursor";
import { primaryKey } from "../common/keys";
import { isConditionFailure, step, writeTransaction } from "../common/transaction";
import { Config } from "../config";
import { Dynamo, Outdesk } from "../dynamo";
import { Conflict, Forbidden, InvalidField, NotFound, OutdeskError } from "../error";
import { fn } from "../fn";
import { Log } from "../log";
import type { ClientEntity } from "../tenancy/client.entity";
import type { InboundAddressEntity } from "../tenancy/inbound-address.entity";
import { Email, PageQuery } from "../tenancy/schema";
import {
  type AddressClaimEntity,
  ClaimStates,
  type VerificationMethod,
  VerificationMethods,
} from "./address-claim.entity";
import type { UnknownMailEntity } from "./unknown-mail.entity";

export { MailSettings, renderTemplate, type TemplateValues } from "./mail-settings";

type ClaimItem = EntityItem<AddressClaimEntity>;
type ClientItem = EntityItem<ClientEntity>;
type RouteItem = EntityItem<InboundAddressEntity>;
type UnknownItem = EntityItem<UnknownMailEntity>;

/** Where one envelope recipient of an inbound mail goes. */
export interface MailRoute {
  providerId: string;
  clientId: string;
  /** The envelope recipient, normalised: lower-case, without its +tag. */
  address: string;
  /** default: `<client>.<provider>@<mail domain>`; custom: a verified address of the client; reply: a default address with a +tag. */
  kind: "default" | "custom" | "reply";
  /** The +tag of a reply address (the signed token). */
  token?: string;
  /** Read from this instance's cache: delivery checks it against the client's own item. */
  cached?: true;
}

/** Headers as postal-mime gives them: lower-case keys. */
export type MailHeaders = { key: string; value: string }[];

/** A verification code lives a day; five wrong tries lock it until a new one is sent. */
export const CODE_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_CODE_ATTEMPTS = 5;
/** Addresses (claims included) one client may hold: every claim mails a stranger's address. */
export const MAX_ADDRESSES_PER_CLIENT = 20;
/** Between two code mails to one address, and verification mails a provider may send an hour. */
export const RESEND_COOLDOWN_SECONDS = 60;
export const VERIFICATION_MAILS_PER_HOUR = 30;
/** Unknown-recipient mail is kept this long, for providers and in the system log alike. */
export const UNKNOWN_MAIL_TTL_DAYS = 90;
const DOMAIN_CHECKS_PER_MINUTE = 20;

// Crockford-like: no 0/O, 1/I, so a code read aloud or typed from a phone survives. 32 symbols, 8 of them: 40 bits.
const CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const CODE_IN_MAIL = /verification code:?\s*([2-9A-HJ-NP-Z]{4}-?[2-9A-HJ-NP-Z]{4})\b/i;
const VERIFICATION_HEADER = "x-outdesk-verification";

/** The SES answer for a domain identity, as far as verification reads it (GetEmailIdentity). */
export interface IdentityAnswer {
  VerificationStatus?: string;
  VerifiedForSendingStatus?: boolean;
  Tags?: { Key?: string; Value?: string }[];
}
type IdentityLookup = (domain: string) => Promise<IdentityAnswer | undefined>;

/** A domain identity proves a claim only when tagged for the claiming provider (an SES identity is account-wide). */
export const IDENTITY_PROVIDER_TAG = "outdesk:provider";
export const IDENTITY_CLIENT_TAG = "outdesk:client";

async function sesIdentity(domain: string): Promise<IdentityAnswer | undefined> {
  const [client, { GetEmailIdentityCommand }] = await Promise.all([Aws.sesClient(), import("@aws-sdk/client-sesv2")]);
  try {
    return await client.send(new GetEmailIdentityCommand({ EmailIdentity: domain }));
  } catch (error) {
    if ((error as { name?: string }).name === "NotFoundException") return undefined;
    throw error;
  }
}

let identityLookup: IdentityLookup = sesIdentity;

const providerSlugs = new Map<string, Promise<string>>();

/**
 * Routing items this instance read, for this long: a burst of mail to one address reads its
 * routing item once. An address can move (removed, re-verified elsewhere, a renamed slug), so
 * a cached route is only trusted once the client's own item, which delivery reads anyway,
 * still lists the address; otherwise the route is read again. Addresses that route nowhere
 * are not cached: a new client's first mail must not wait for the cache.
 */
export const ROUTE_CACHE_MS = 60_000;
const ROUTE_CACHE_SIZE = 2_000;
const routeCache = new Map<string, { item: RouteItem; at: number }>();

const lower = (value: string) => value.trim().toLowerCase();

function mailDomain(): string {
  return lower(Config.get("mailDomain"));
}

function onMailDomain(domain: string): boolean {
  const ours = mailDomain();
  return domain === ours || domain.endsWith(`.${ours}`);
}

/** `local@domain` of an envelope recipient, lower-cased, `<…>` and a +tag removed. */
function parseRecipient(recipient: string): { local: string; domain: string; tag?: string } | undefined {
  const bare = lower(recipient).replace(/^<(.*)>$/, "$1");
  const at = bare.lastIndexOf("@");
  if (at <= 0 || at === bare.length - 1) return undefined;
  const [local, tag] = splitTag(bare.slice(0, at));
  return tag === undefined ? { local, domain: bare.slice(at + 1) } : { local, domain: bare.slice(at + 1), tag };
}

function splitTag(local: string): [string, string | undefined] {
  const plus = local.indexOf("+");
  return plus < 0 ? [local, undefined] : [local.slice(0, plus), local.slice(plus + 1)];
}

function formatCode(code: string) {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

function newCode(): string {
  return [...randomBytes(8)].map((byte) => CODE_ALPHABET[byte & 31]).join("");
}

async function codeHash(claim: Pick<ClaimItem, "providerId" | "clientId" | "address">, code: string) {
  const { mailKey } = await signingKeys();
  return createHmac("sha256", mailKey)
    .update(["address-verification", claim.providerId, claim.clientId, claim.address, code].join("\n"))
    .digest("base64url");
}

function sameHash(a: string, b: string) {
  const [left, right] = [Buffer.from(a), Buffer.from(b)];
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A typed code, normalised: upper-case, without spaces or the dash. */
function normaliseCode(input: string): string | undefined {
  const code = input.toUpperCase().replace(/[\s-]/g, "");
  return /^[2-9A-HJ-NP-Z]{8}$/.test(code) ? code : undefined;
}

const codeIssue = (message: string) => InvalidField(["code"], message);

const ClaimAddress = Email.refine((address) => !splitTag(address.slice(0, address.lastIndexOf("@")))[1], {
  message: "without a +tag: the plain address receives its tagged mail too",
}).describe("the client's own support address, e.g. help@acme.example");

export namespace Addresses {
  export const Info = z
    .object({
      address: z.string(),
      state: z.enum(ClaimStates).describe("pending: routes nothing yet; verified: routes mail; conflict: see below"),
      method: z.enum(VerificationMethods).nullable().describe("how the address was verified"),
      codeSentAt: z.string().nullable().describe("when the current code was mailed; null while unsent"),
      codeExpiresAt: z.string().nullable(),
      sendFailed: z.boolean().describe("the code mail could not be sent: resend it"),
      attemptsLeft: z.number().nullable().describe("wrong codes allowed before a new code is needed"),
      verifiedAt: z.string().nullable(),
      createdAt: z.string(),
    })
    .meta({
      id: "SupportAddress",
      description:
        "A client's own address. `conflict`: control was proven, but the address already receives mail for another account.",
    });
  export type Info = z.infer<typeof Info>;

  export const List = z
    .object({
      defaultAddress: z.string().describe("always routes to the client; forward the client's own addresses here"),
      items: z.array(Info),
    })
    .meta({ id: "SupportAddressList" });
  export type List = z.infer<typeof List>;

  export const UnknownInfo = z
    .object({
      recipient: z.string(),
      from: z.string(),
      subject: z.string(),
      sesMessageId: z.string().describe("the raw message stays in the raw-mail bucket under inbound/<id>"),
      receivedAt: z.string(),
    })
    .meta({ id: "UnknownRecipientMail" });
  export type UnknownInfo = z.infer<typeof UnknownInfo>;

  /** `<clientSlug>.<providerSlug>@<mail domain>`: slugs are [a-z0-9-], so the dot keeps it unique. */
  export function defaultAddress(clientSlug: string, providerSlug: string): string {
    return `${clientSlug}.${providerSlug}@${mailDomain()}`;
  }

  /** A provider's slug (it never changes, so it is read once per process). */
  export function providerSlug(providerId: string): Promise<string> {
    let slug = providerSlugs.get(providerId);
    if (!slug) {
      slug = Outdesk.entities.provider
        .get({ providerId })
        .go({ attributes: ["slug"] })
        .then(({ data }) => {
          if (!data) throw NotFound("Provider");
          return data.slug;
        });
      slug.catch(() => providerSlugs.delete(providerId));
      providerSlugs.set(providerId, slug);
    }
    return slug;
  }

  /** Whether an address is on the inbound mail domain (those are ours, never claimable). */
  export function isOnMailDomain(address: string): boolean {
    const parsed = parseRecipient(address);
    return parsed !== undefined && onMailDomain(parsed.domain);
  }

  /**
   * Resolves envelope recipients to clients with one BatchGet of routing items: lower-cased,
   * +tags stripped (a tag on the mail domain is a reply address's token), one route per client
   * (reply before custom before default, so a token is never lost). Only verified addresses
   * and default addresses have routing items: a pending claim routes nothing. Items read in the
   * last ROUTE_CACHE_MS come from this instance's cache unless `fresh`.
   */
  export async function route(
    recipients: string[],
    options: { fresh?: boolean } = {},
  ): Promise<{ routes: MailRoute[]; unknown: string[] }> {
    await Dynamo.ready();
    const parsed = recipients.map((recipient) => ({ recipient: lower(recipient), at: parseRecipient(recipient) }));
    const addresses = [...new Set(parsed.flatMap(({ at }) => (at ? [`${at.local}@${at.domain}`] : [])))];
    const now = Date.now();
    const cached = new Set<string>();
    const found: RouteItem[] = [];
    for (const address of addresses) {
      const hit = options.fresh ? undefined : routeCache.get(address);
      if (hit && now - hit.at < ROUTE_CACHE_MS) {
        cached.add(address);
        found.push(hit.item);
      }
    }
    const entity = Outdesk.entities.inboundAddress;
    const keys = addresses.filter((address) => !cached.has(address)).map((address) => primaryKey(entity, { address }));
    if (keys.length > 0) {
      for (const item of entity.parse((await readByKeys(keys))("inboundAddress")).data as RouteItem[]) {
        found.push(item);
        routeCache.delete(item.address);
        routeCache.set(item.address, { item, at: now });
      }
      // Oldest first in a Map: trim from the front.
      for (const address of routeCache.keys()) {
        if (routeCache.size <= ROUTE_CACHE_SIZE) break;
        routeCache.delete(address);
      }
    }
    const byAddress = new Map(found.map((item) => [item.address, item]));
    const rank = { reply: 0, custom: 1, default: 2 } as const;
    const routes = new Map<string, MailRoute>();
    const unknown: string[] = [];
    for (const { recipient, at } of parsed) {
      const item = at && byAddress.get(`${at.local}@${at.domain}`);
      if (!at || !item) {
        if (!unknown.includes(recipient)) unknown.push(recipient);
        continue;
      }
      const ours = onMailDomain(at.domain);
      const kind = ours ? (at.tag ? "reply" : "default") : "custom";
      const next: MailRoute = {
        providerId: item.providerId,
        clientId: item.clientId,
        address: item.address,
        kind,
        ...(kind === "reply" && at.tag ? { token: at.tag } : {}),
        ...(cached.has(item.address) ? { cached: true as const } : {}),
      };
      const key = `${item.providerId}/${item.clientId}`;
      const current = routes.get(key);
      if (!current || rank[kind] < rank[current.kind]) routes.set(key, next);
    }
    return { routes: [...routes.values()], unknown };
  }

  /** Whether the client's own item still holds the address a (cached) route took the mail to. */
  export function stillRoutes(
    client: Pick<ClientItem, "defaultAddress" | "supportAddresses">,
    route: MailRoute,
  ): boolean {
    return route.kind === "custom"
      ? (client.supportAddresses ?? []).some((address) => lower(address) === route.address)
      : lower(client.defaultAddress ?? "") === route.address;
  }

  /**
   * Keeps mail no address routes (never drops it). On the mail domain, `<anything>.<providerSlug>`
   * names a provider: stored for its admins. Anything else goes to the system-wide log, which no
   * tenant reads; in particular a provider never sees mail to an address it has only claimed.
   * Idempotent: the key comes from the delivery (pass the SES receipt time as receivedAt).
   */
  export async function recordUnknown(mail: {
    recipient: string;
    sesMessageId: string;
    from: string;
    subject: string;
    receivedAt: string;
  }): Promise<{ storedFor: "provider" | "system"; providerId?: string }> {
    await Dynamo.ready();
    const recipient = lower(mail.recipient).slice(0, 320);
    const receivedAt = new Date(mail.receivedAt).toISOString();
    const fields = {
      recipient,
      sesMessageId: mail.sesMessageId,
      from: mail.from.slice(0, 320),
      subject: mail.subject.slice(0, 998),
      receivedAt,
      expiresAt: Math.floor(Date.parse(receivedAt) / 1000) + UNKNOWN_MAIL_TTL_DAYS * 86_400,
    };
    const at = parseRecipient(recipient);
    const dot = at?.local.lastIndexOf(".") ?? -1;
    const slug = at && onMailDomain(at.domain) && dot >= 0 ? at.local.slice(dot + 1) : "";
    const owner = /^[a-z0-9-]{1,40}$/.test(slug)
      ? (await Outdesk.entities.providerSlug.get({ slug }).go()).data?.providerId
      : undefined;
    if (owner) {
      await Outdesk.entities.unknownMail.put({ providerId: owner, ...fields }).go({ response: "none" });
      return { storedFor: "provider", providerId: owner };
    }
    await Outdesk.entities.unroutedMail.put({ day: receivedAt.slice(0, 10), ...fields }).go({ response: "none" });
    return { storedFor: "system" };
  }

  export const UnknownListInput = PageQuery;

  /** Provider admins: mail to unknown addresses of their own (`….<providerSlug>@<mail domain>`), newest first. */
  export const listUnknown = fn(UnknownListInput, async ({ cursor, limit }) => {
    const { providerId } = assertRole("provider_admin", "system");
    return paginate(
      (position) =>
        Outdesk.entities.unknownMail.query.byProvider({ providerId }).go({ cursor: position, limit, order: "desc" }),
      {
        cursor,
        binding: Cursor.binding(providerId, "unknownMail.list", {}),
        map: (item: UnknownItem): UnknownInfo => ({
          recipient: item.recipient,
          from: item.from,
          subject: item.subject,
          sesMessageId: item.sesMessageId,
          receivedAt: item.receivedAt,
        }),
      },
    );
  });

  /** Visibility first (404), then the role (403), as for the client itself. */
  function assertCanManage(clientId: string) {
    assertClientAccess(clientId);
    return assertRole("provider_admin", "system");
  }

  async function readClient(providerId: string, clientId: string): Promise<ClientItem> {
    const { data } = await Outdesk.entities.client.get({ providerId, clientId }).go({ consistent: true });
    if (!data) throw NotFound("Client");
    return data;
  }

  async function readClaims(providerId: string, clientId: string): Promise<ClaimItem[]> {
    const claims: ClaimItem[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: ClaimItem[]; cursor: string | null } = await Outdesk.entities.addressClaim.query
        .byClient({ providerId, clientId })
        .go({ cursor, consistent: true });
      claims.push(...page.data);
      cursor = page.cursor;
    } while (cursor);
    return claims;
  }

  async function readClaim(providerId: string, clientId: string, address: string): Promise<ClaimItem | undefined> {
    const { data } = await Outdesk.entities.addressClaim
      .get({ providerId, clientId, address })
      .go({ consistent: true });
    return data ?? undefined;
  }

  function toInfo(claim: ClaimItem): Info {
    const pending = claim.state === "pending";
    return {
      address: claim.address,
      state: claim.state,
      method: claim.method ?? null,
      codeSentAt: pending ? (claim.codeSentAt ?? null) : null,
      codeExpiresAt: pending ? (claim.codeExpiresAt ?? null) : null,
      sendFailed: pending && claim.sendFailed === true,
      attemptsLeft: pending ? Math.max(0, MAX_CODE_ATTEMPTS - claim.attempts) : null,
      verifiedAt: claim.verifiedAt ?? null,
      createdAt: claim.createdAt,
    };
  }

  /** An address that routes to the client without a claim item (written before claims existed). */
  function routedWithoutClaim(client: ClientItem, address: string): Info {
    return {
      address,
      state: "verified",
      method: null,
      codeSentAt: null,
      codeExpiresAt: null,
      sendFailed: false,
      attemptsLeft: null,
      verifiedAt: null,
      createdAt: client.createdAt,
    };
  }

  const ClientInput = z.strictObject({ clientId: z.string().max(64) });
  const AddressInput = ClientInput.extend({ address: ClaimAddress });

  export const list = fn(ClientInput, async ({ clientId }): Promise<List> => {
    const { providerId } = assertCanManage(clientId);
    const [client, claims] = await Promise.all([readClient(providerId, clientId), readClaims(providerId, clientId)]);
    const claimed = new Set(claims.map((claim) => claim.address));
    const legacy = (client.supportAddresses ?? []).filter((address) => !claimed.has(address));
    const items = [...claims.map(toInfo), ...legacy.map((address) => routedWithoutClaim(client, address))];
    return {
      defaultAddress: client.defaultAddress ?? "",
      items: items.sort((a, b) => (a.address < b.address ? -1 : 1)),
    };
  });

  function refuseOurDomain(address: string) {
    if (isOnMailDomain(address)) {
      throw InvalidField(["address"], "addresses on the inbound mail domain are assigned by Outdesk, not claimed");
    }
  }

  const alreadyAdded = (address: string) =>
    Conflict(`${address} is already an address of this client`, {
      issues: [{ path: ["address"], message: "already added to this client" }],
    });

  /**
   * Claims an address for the client: a pending claim (which routes nothing and blocks no one)
   * and a code mailed to the address. The answer is the same whether or not anyone else claims
   * or owns the address. The mail is sent after the claim is stored; if sending fails the claim
   * stays pending and the code can be resent.
   */
  export const add = fn(AddressInput, async ({ clientId, address }): Promise<Info> => {
    const { providerId } = assertCanManage(clientId);
    refuseOurDomain(address);
    const [client, claims] = await Promise.all([readClient(providerId, clientId), readClaims(providerId, clientId)]);
    if (claims.some((claim) => claim.address === address) || client.supportAddresses?.includes(address)) {
      throw alreadyAdded(address);
    }
    const held = new Set([...claims.map((claim) => claim.address), ...(client.supportAddresses ?? [])]);
    if (held.size >= MAX_ADDRESSES_PER_CLIENT) {
      throw InvalidField(["address"], `a client has at most ${MAX_ADDRESSES_PER_CLIENT} addresses; remove one first`);
    }
    await RateLimit.consume(`verify-mail#${providerId}`, VERIFICATION_MAILS_PER_HOUR, 3600);
    const code = newCode();
    const now = new Date();
    const claim: ClaimItem = {
      providerId,
      clientId,
      address,
      state: "pending",
      codeHash: await codeHash({ providerId, clientId, address }, code),
      codeExpiresAt: new Date(now.getTime() + CODE_TTL_MS).toISOString(),
      attempts: 0,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    try {
      await Outdesk.entities.addressClaim.create(claim).go({ response: "none" });
    } catch (error) {
      if (isConditionFailure(error)) throw alreadyAdded(address);
      throw error;
    }
    return toInfo(await sendCode(claim, code, client.defaultAddress ?? ""));
  });

  /** A new code (the old one stops working, tries start again), mailed to the address. */
  export const resend = fn(AddressInput, async ({ clientId, address }): Promise<Info> => {
    const { providerId } = assertCanManage(clientId);
    const [client, claim] = await Promise.all([
      readClient(providerId, clientId),
      readClaim(providerId, clientId, address),
    ]);
    if (!claim) throw NotFound("Address");
    if (claim.state === "verified") {
      throw Conflict(`${address} is already verified`, {
        issues: [{ path: ["address"], message: "already verified" }],
      });
    }
    const since = claim.codeSentAt ? (Date.now() - Date.parse(claim.codeSentAt)) / 1000 : Number.POSITIVE_INFINITY;
    if (since < RESEND_COOLDOWN_SECONDS) {
      const retryAfterSeconds = Math.ceil(RESEND_COOLDOWN_SECONDS - since);
      throw new OutdeskError(
        "rate_limited",
        `A code was sent ${Math.floor(since)} s ago; wait before sending another`,
        {
          retryAfterSeconds,
        },
      );
    }
    await RateLimit.consume(`verify-mail#${providerId}`, VERIFICATION_MAILS_PER_HOUR, 3600);
    const code = newCode();
    const now = new Date();
    const changes = {
      state: "pending" as const,
      codeHash: await codeHash(claim, code),
      codeExpiresAt: new Date(now.getTime() + CODE_TTL_MS).toISOString(),
      attempts: 0,
      updatedAt: now.toISOString(),
    };
    try {
      await Outdesk.entities.addressClaim
        .patch({ providerId, clientId, address })
        .set(changes)
        .remove(["codeSentAt", "sendFailed", "sesMessageId"])
        .where((attr, op) => op.ne(attr.state, "verified"))
        .go({ response: "none" });
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await readClaim(providerId, clientId, address);
      if (!current) throw NotFound("Address");
      return toInfo(current);
    }
    const { codeSentAt: _sent, sendFailed: _failed, sesMessageId: _id, ...rest } = claim;
    return toInfo(await sendCode({ ...rest, ...changes }, code, client.defaultAddress ?? ""));
  });

  /**
   * Mails the code and records the outcome on the claim. A failed send is logged and leaves the
   * claim pending with `sendFailed`, for a resend; the SDK already retried transient errors.
   */
  async function sendCode(claim: ClaimItem, code: string, forwardTo: string): Promise<ClaimItem> {
    const shown = formatCode(code);
    const text = [
      "Hello,",
      "",
      `Someone asked Outdesk, a help desk service, to receive support mail sent to ${claim.address}.`,
      "",
      `Verification code: ${shown}`,
      "",
      `The code is valid for ${CODE_TTL_MS / 3_600_000} hours. To confirm that ${claim.address} may be used, do one of these:`,
      "",
      `- If mail to ${claim.address} is forwarded to ${forwardTo}, nothing: this message reaches us through the forwarding and confirms the address by itself. If it reached you before the forwarding was set up, forward this message to ${forwardTo} unchanged.`,
      "- Or give the code to the administrator who added the address; they enter it in Outdesk under Mail settings.",
      "",
      "If you did not expect this message, ignore it: no mail to this address goes anywhere until it is confirmed.",
      "",
      "-- ",
      "Outdesk address verification (an automated message)",
    ].join("\n");
    const now = new Date().toISOString();
    const keys = { providerId: claim.providerId, clientId: claim.clientId, address: claim.address };
    try {
      const [client, { SendEmailCommand }] = await Promise.all([Aws.sesClient(), import("@aws-sdk/client-sesv2")]);
      const configurationSet = Config.get("sesConfigurationSet");
      const output = await client.send(
        new SendEmailCommand({
          FromEmailAddress: `Outdesk verification <verify@${mailDomain()}>`,
          Destination: { ToAddresses: [claim.address] },
          ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
          Content: {
            Simple: {
              Subject: { Data: `Outdesk verification code: ${shown}`, Charset: "UTF-8" },
              Body: { Text: { Data: text, Charset: "UTF-8" } },
              Headers: [
                { Name: "Auto-Submitted", Value: "auto-generated" },
                { Name: "X-Outdesk-Verification", Value: shown },
              ],
            },
          },
        }),
      );
      const sent = { codeSentAt: now, sesMessageId: output.MessageId ?? "", updatedAt: now };
      await Outdesk.entities.addressClaim
        .patch(keys)
        .set(sent)
        .remove(["sendFailed"])
        .where((attr, op) => op.eq(attr.codeHash, claim.codeHash ?? ""))
        .go({ response: "none" })
        .catch((error) => {
          if (!isConditionFailure(error)) throw error; // a newer code replaced this one
        });
      const { sendFailed: _failed, ...rest } = claim;
      return { ...rest, ...sent };
    } catch (error) {
      Log.error("verification mail not sent", { providerId: claim.providerId, error: (error as Error).message });
      await Outdesk.entities.addressClaim
        .patch(keys)
        .set({ sendFailed: true, updatedAt: now })
        .where((attr, op) => op.eq(attr.codeHash, claim.codeHash ?? ""))
        .go({ response: "none" })
        .catch(() => undefined);
      return { ...claim, sendFailed: true, updatedAt: now };
    }
  }

  const CodeInput = AddressInput.extend({
    code: z.string().max(32).describe("the code from the verification mail, e.g. 7KQ2-M9XD"),
  });

  /**
   * Verifies a claim with the code the admin typed. Each try is counted before the code is
   * compared (a conditional write), so parallel guesses cannot exceed the bound.
   */
  export const verifyCode = fn(CodeInput, async ({ clientId, address, code: typed }): Promise<Info> => {
    const { providerId } = assertCanManage(clientId);
    const claim = await readClaim(providerId, clientId, address);
    if (!claim) throw NotFound("Address");
    if (claim.state === "verified") return toInfo(claim);
    const code = normaliseCode(typed);
    if (!code) throw codeIssue("8 letters and digits, as in the mail (XXXX-XXXX)");
    if (!claim.codeHash || !claim.codeExpiresAt || Date.parse(claim.codeExpiresAt) <= Date.now()) {
      throw codeIssue("the code has expired; send a new one");
    }
    if (claim.attempts >= MAX_CODE_ATTEMPTS) throw codeIssue("too many wrong codes; send a new one");
    try {
      await Outdesk.entities.addressClaim
        .patch({ providerId, clientId, address })
        .add({ attempts: 1 })
        .set({ updatedAt: new Date().toISOString() })
        .where(
          (attr, op) =>
            `${op.lt(attr.attempts, MAX_CODE_ATTEMPTS)} AND ${op.eq(attr.codeHash, claim.codeHash ?? "")} AND ${op.ne(attr.state, "verified")}`,
        )
        .go({ response: "none" });
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await readClaim(providerId, clientId, address);
      if (current?.state === "verified") return toInfo(current);
      throw codeIssue(
        current?.codeHash === claim.codeHash ? "too many wrong codes; send a new one" : "a new code was sent; use it",
      );
    }
    if (!sameHash(await codeHash(claim, code), claim.codeHash)) {
      const left = MAX_CODE_ATTEMPTS - claim.attempts - 1;
      throw codeIssue(
        left > 0 ? `wrong code; ${left} ${left === 1 ? "try" : "tries"} left` : "wrong code; send a new one",
      );
    }
    return toInfo(await commitVerification(claim, "code"));
  });

  /**
   * Verifies a claim through its domain: an SES identity (GetEmailIdentity) that is verified and
   * tagged for this provider (`outdesk:provider`, and `outdesk:client` if it names one). The
   * answer for an unverified domain and for one verified for someone else is the same.
   */
  export const verifyDomain = fn(AddressInput, async ({ clientId, address }): Promise<Info> => {
    const { providerId } = assertCanManage(clientId);
    const claim = await readClaim(providerId, clientId, address);
    if (!claim) throw NotFound("Address");
    if (claim.state === "verified") return toInfo(claim);
    await RateLimit.consume(`verify-domain#${providerId}`, DOMAIN_CHECKS_PER_MINUTE, 60);
    const domain = address.slice(address.lastIndexOf("@") + 1);
    const answer = await identityLookup(domain);
    const tag = (key: string) => answer?.Tags?.find((t) => t.Key === key)?.Value;
    const verified = answer?.VerificationStatus === "SUCCESS" || answer?.VerifiedForSendingStatus === true;
    const clientTag = tag(IDENTITY_CLIENT_TAG);
    if (!verified || tag(IDENTITY_PROVIDER_TAG) !== providerId || (clientTag !== undefined && clientTag !== clientId)) {
      throw InvalidField(
        ["address"],
        `${domain} is not verified as an SES identity for your account; verify with the mailed code instead`,
      );
    }
    return toInfo(await commitVerification(claim, "domain"));
  });

  const takenElsewhere = (address: string) =>
    Conflict(`${address} already receives mail for another account; ask Outdesk support to release it`, {
      issues: [{ path: ["address"], message: "already verified by another account" }],
    });

  /**
   * Control is proven: one transaction marks the claim verified, writes the global routing item
   * (conditional: an address routes to one client) and adds the address to the client's list.
   * When someone else's routing item is there, the claim becomes `conflict` and the answer is a
   * 409: only whoever proved control ever learns that the address is taken.
   */
  async function commitVerification(claim: ClaimItem, method: VerificationMethod): Promise<ClaimItem> {
    const { providerId, clientId, address } = claim;
    const now = new Date().toISOString();
    const { codeHash: expectedHash, codeExpiresAt: _expires, ...kept } = claim;
    const verifiedClaim: ClaimItem = { ...kept, state: "verified", method, verifiedAt: now, updatedAt: now };
    const { data: existing } = await Outdesk.entities.inboundAddress.get({ address }).go({ consistent: true });
    const ours = existing?.providerId === providerId && existing.clientId === clientId;
    if (existing && !ours) {
      await Outdesk.entities.addressClaim
        .patch({ providerId, clientId, address })
        .set({ state: "conflict", updatedAt: now })
        .remove(["codeHash", "codeExpiresAt"])
        .where((attr, op) => op.ne(attr.state, "verified"))
        .go({ response: "none" })
        .catch((error) => {
          if (!isConditionFailure(error)) throw error;
        });
      throw takenElsewhere(address);
    }
    await writeTransaction(({ addressClaim, inboundAddress, client }) => [
      step(
        addressClaim
          .put(verifiedClaim)
          .where((attr, op) =>
            expectedHash ? `${op.eq(attr.codeHash, expectedHash)} AND ${op.ne(attr.state, "verified")}` : "",
          )
          .commit(),
        Conflict("The address changed while it was being verified; reload and retry"),
      ),
      ...(ours
        ? []
        : [
            step(inboundAddress.create({ address, providerId, clientId }).commit(), takenElsewhere(address)),
            step(
              client
                .patch({ providerId, clientId })
                // No version bump: an added address invalidates no edit (removal does; see remove).
                .append({ supportAddresses: [address] })
                .set({ updatedAt: now })
                .commit(),
              NotFound("Client"),
            ),
          ]),
    ]);
    return verifiedClaim;
  }

  /**
   * Called first by inbound mail handling: is this our verification mail coming back through a
   * forwarding? The client's address forwards to its default address, so the mail arrives with
   * the default address as envelope recipient. It confirms a claim only of the client the mail
   * was routed to, and only when the code matches that claim. Mail without a code costs nothing.
   * True: it was a verification mail and is consumed (no ticket).
   */
  export async function confirmFromMail(mail: {
    routes: MailRoute[];
    subject: string;
    text: string;
    headers: MailHeaders;
  }): Promise<boolean> {
    const header = mail.headers.find((h) => h.key.toLowerCase() === VERIFICATION_HEADER)?.value ?? "";
    const candidates = new Set(
      [header.trim(), CODE_IN_MAIL.exec(mail.subject)?.[1], CODE_IN_MAIL.exec(mail.text.slice(0, 20_000))?.[1]]
        .map((found) => (found ? normaliseCode(found) : undefined))
        .filter((code): code is string => code !== undefined),
    );
    if (candidates.size === 0) return false;
    await Dynamo.ready();
    const clients = new Map(mail.routes.map((r) => [`${r.providerId}/${r.clientId}`, r]));
    for (const { providerId, clientId } of clients.values()) {
      const pending = (await readClaims(providerId, clientId)).filter(
        (claim) =>
          claim.state === "pending" &&
          claim.codeHash &&
          claim.codeExpiresAt &&
          Date.parse(claim.codeExpiresAt) > Date.now(),
      );
      for (const claim of pending) {
        for (const code of candidates) {
          if (!sameHash(await codeHash(claim, code), claim.codeHash ?? "")) continue;
          try {
            await commitVerification(claim, "mail");
          } catch (error) {
            // Taken elsewhere: the claim now says so; the mail was ours either way.
            if (!(error instanceof OutdeskError && error.code === "conflict")) throw error;
          }
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The system marks an address verified without a code: demo data and test worlds only (the
   * seed's clients own example.com-style addresses no one can receive mail at).
   */
  export const markVerified = fn(AddressInput, async ({ clientId, address }): Promise<Info> => {
    const actor = useTenant();
    if (actor.type !== "system") throw Forbidden("Only the system may mark an address verified");
    refuseOurDomain(address);
    await readClient(actor.providerId, clientId);
    const now = new Date().toISOString();
    const existing = await readClaim(actor.providerId, clientId, address);
    if (existing?.state === "verified") return toInfo(existing);
    const claim: ClaimItem = existing ?? {
      providerId: actor.providerId,
      clientId,
      address,
      state: "pending",
      attempts: 0,
      createdAt: now,
      updatedAt: now,
    };
    const { codeHash: _hash, ...unconditional } = claim;
    return toInfo(await commitVerification(unconditional, "system"));
  });

  /**
   * Removes an address: its claim, and if it was verified its routing item (only if it is this
   * client's) and its place in the client's list and as From address. Mail to it is unknown again.
   */
  export const remove = fn(AddressInput, async ({ clientId, address }): Promise<void> => {
    const { providerId } = assertCanManage(clientId);
    const [client, claim] = await Promise.all([
      readClient(providerId, clientId),
      readClaim(providerId, clientId, address),
    ]);
    const routed = claim?.state === "verified" || (client.supportAddresses?.includes(address) ?? false);
    if (!claim && !routed) throw NotFound("Address");
    const now = new Date().toISOString();
    const settings = client.mailSettings as { fromAddress?: string } | undefined;
    const stale = Conflict("The client changed while the address was being removed; retry", {
      currentVersion: client.version,
    });
    const { fromAddress: _from, ...keptSettings } = settings ?? {};
    await writeTransaction(({ addressClaim, inboundAddress, client: clients }) => [
      ...(claim ? [step(addressClaim.delete({ providerId, clientId, address }).commit())] : []),
      ...(routed
        ? [
            step(
              inboundAddress
                .delete({ address })
                .where((attr, op) => `${op.eq(attr.providerId, providerId)} AND ${op.eq(attr.clientId, clientId)}`)
                .commit(),
              Conflict("The address's routing changed while it was being removed; reload and retry"),
            ),
            step(
              clients
                .patch({ providerId, clientId })
                .set({
                  supportAddresses: (client.supportAddresses ?? []).filter((a) => a !== address),
                  ...(settings?.fromAddress === address ? { mailSettings: keptSettings } : {}),
                  updatedAt: now,
                  version: client.version + 1,
                })
                .where((attr, op) => op.eq(attr.version, client.version))
                .commit(),
              stale,
            ),
          ]
        : []),
    ]);
  });

  /**
   * Replaces the SES GetEmailIdentity call (tests: aws-ses-v2-local does not implement it, and
   * DKIM on a real domain cannot be run locally). No argument restores the SES call.
   */
  export function useIdentityLookup(lookup?: IdentityLookup): void {
    identityLookup = lookup ?? sesIdentity;
  }
}
