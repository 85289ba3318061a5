import { randomUUID } from "node:crypto";
import { type Actor, withActor } from "@outdesk/core/actor";
import { Aws } from "@outdesk/core/aws";
import { Config } from "@outdesk/core/config";
import { Outdesk } from "@outdesk/core/dynamo";
import {
  Addresses,
  IDENTITY_CLIENT_TAG,
  IDENTITY_PROVIDER_TAG,
  type IdentityAnswer,
  MAX_CODE_ATTEMPTS,
  MailSettings,
  renderTemplate,
  UNKNOWN_MAIL_TTL_DAYS,
} from "@outdesk/core/email/addresses";
import { Provider } from "@outdesk/core/tenancy";
import { type SentMail, sentMail } from "@outdesk/local/mail/ses";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { call, expectStatus, type Persona } from "../../../../test/api";
import { createClient, PASSWORD } from "../../../../test/world";

/**
 * Support addresses through the API against DynamoDB Local and the local SES: the code mail is
 * read back from aws-ses-v2-local's store, as a person would read it from their inbox.
 */
type Admin = Persona & { providerId: string; slug: string; email: string };

let run = 0;
/** A provider of its own per scenario, signed up through core (the sign-up route allows 5 an hour per address). */
async function provider(label: string): Promise<Admin> {
  const slug = `${label}-${++run}-${randomUUID().slice(0, 6)}`;
  const email = `admin@${slug}.example`;
  const { providerId, userId } = await Provider.signup({
    providerName: `Provider ${slug}`,
    providerSlug: slug,
    adminName: "Admin",
    adminEmail: email,
    password: PASSWORD,
  });
  const login = expectStatus(
    await call(undefined, "POST", "/v1/auth/login", { provider: slug, email, password: PASSWORD }),
    200,
  );
  return { name: slug, token: login.body.accessToken, providerId, userId, slug, email };
}

const unique = (local: string) => `${local}-${randomUUID().slice(0, 8)}@acme.example`;
const addressPath = (clientId: string, rest = "") => `/v1/clients/${clientId}/addresses${rest}`;
const mailDomain = () => Config.get("mailDomain");

/** The newest verification mail sent to `address`, and its code. */
async function codeMailTo(address: string): Promise<{ mail: SentMail; code: string }> {
  const mails = (await sentMail(Config.get("sesEndpoint")!)).filter((mail) => mail.envelope.to.includes(address));
  const mail = mails.at(-1);
  if (!mail) throw new Error(`no mail was sent to ${address}`);
  const code = /verification code: ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(mail.subject)?.[1];
  if (!code) throw new Error(`no code in "${mail.subject}"`);
  return { mail, code };
}

async function claim(admin: Persona, clientId: string, address: string) {
  return expectStatus(await call(admin, "POST", addressPath(clientId), { address }), 201).body;
}

async function verify(admin: Persona, clientId: string, address: string, code: string) {
  return call(admin, "POST", addressPath(clientId, `/${encodeURIComponent(address)}/verify`), { code });
}

async function routeOf(address: string) {
  const { routes } = await Addresses.route([address]);
  return routes[0];
}

async function stateOf(admin: Persona, clientId: string, address: string) {
  const list = expectStatus(await call(admin, "GET", addressPath(clientId)), 200).body;
  return list.items.find((item: { address: string }) => item.address === address);
}

/** A well-formed code that is not `code`. */
const wrong = (code: string) => (code === "2222-2222" ? "3333-3333" : "2222-2222");

afterEach(() => {
  vi.useRealTimers();
  Addresses.useIdentityLookup();
});

describe("default addresses", () => {
  let admin: Admin;
  let clientId: string;
  beforeAll(async () => {
    admin = await provider("defaults");
    clientId = await createClient(admin, "acme");
  });

  it("gives every client <client>.<provider>@<mail domain>, routed from creation", async () => {
    const client = expectStatus(await call(admin, "GET", `/v1/clients/${clientId}`), 200).body;
    const expected = `acme.${admin.slug}@${mailDomain()}`;
    expect(client.defaultAddress).toBe(expected);
    expect(expectStatus(await call(admin, "GET", addressPath(clientId)), 200).body).toEqual({
      defaultAddress: expected,
      items: [],
    });
    expect(await routeOf(expected.toUpperCase())).toEqual({
      providerId: admin.providerId,
      clientId,
      address: expected,
      kind: "default",
    });
  });

  it("routes a +tag on the default address as a reply address carrying its token", async () => {
    const [local, domain] = `acme.${admin.slug}@${mailDomain()}`.split("@");
    expect(await routeOf(`<${local}+Tok3n@${domain}>`)).toMatchObject({ kind: "reply", token: "tok3n", clientId });
  });

  it("makes one route per client, keeping the reply token, and lists the rest as unknown", async () => {
    const other = await createClient(admin, "globex");
    const acme = `acme.${admin.slug}@${mailDomain()}`;
    const reply = acme.replace("@", "+t1@");
    const stranger = `nobody.${admin.slug}@${mailDomain()}`;
    const { routes, unknown } = await Addresses.route([
      acme,
      `globex.${admin.slug}@${mailDomain()}`,
      reply,
      stranger,
      "Not An Address",
    ]);
    expect(routes.map((r) => [r.clientId, r.kind, r.token])).toEqual([
      [clientId, "reply", "t1"],
      [other, "default", undefined],
    ]);
    expect(unknown).toEqual([stranger, "not an address"]);
  });

  it("refuses addresses on the mail domain and +tagged addresses, naming the field", async () => {
    for (const address of [`x.${admin.slug}@${mailDomain()}`, "help+x@acme.example", "not-an-address"]) {
      const reply = await call(admin, "POST", addressPath(clientId), { address });
      expect(reply.status, address).toBe(400);
      expect(reply.body.issues[0].path).toEqual(["address"]);
    }
  });
});

describe("claiming and verifying a support address", () => {
  let admin: Admin;
  let clientId: string;
  beforeAll(async () => {
    admin = await provider("claims");
    clientId = await createClient(admin, "acme");
  });

  it("starts pending, routes nothing, and mails a code from verify@<mail domain>", async () => {
    const address = unique("help");
    const pending = await claim(admin, clientId, address);
    expect(pending).toMatchObject({ address, state: "pending", method: null, attemptsLeft: MAX_CODE_ATTEMPTS });
    expect(pending.codeSentAt).toBeTruthy();
    expect(Date.parse(pending.codeExpiresAt) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
    const { mail, code } = await codeMailTo(address);
    expect(mail.fromEmailAddress).toBe(`Outdesk verification <verify@${mailDomain()}>`);
    expect(mail.body.text).toContain(`Verification code: ${code}`);
    expect(mail.body.text).toContain(`forwarded to acme.${admin.slug}@${mailDomain()}`);
    expect(mail.headers).toEqual(expect.arrayContaining([{ name: "Auto-Submitted", value: "auto-generated" }]));
    // Pending: no route, and not in the client's addresses.
    expect(await Addresses.route([address])).toEqual({ routes: [], unknown: [address] });
    const client = expectStatus(await call(admin, "GET", `/v1/clients/${clientId}`), 200).body;
    expect(client.supportAddresses).not.toContain(address);
    const again = await call(admin, "POST", addressPath(clientId), { address });
    expect(again.status).toBe(409);
    expect(again.body.issues[0].path).toEqual(["address"]);
  });

  it("verifies with the typed code (any case, dash optional); then A's address routes to A", async () => {
    const address = unique("verified");
    await claim(admin, clientId, address);
    const { code } = await codeMailTo(address);
    const verified = expectStatus(await verify(admin, clientId, address, code.replace("-", "").toLowerCase()), 200);
    expect(verified.body).toMatchObject({ address, state: "verified", method: "code", attemptsLeft: null });
    expect(await routeOf(address)).toEqual({ providerId: admin.providerId, clientId, address, kind: "custom" });
    const client = expectStatus(await call(admin, "GET", `/v1/clients/${clientId}`), 200).body;
    expect(client.supportAddresses).toContain(address);
    // Verifying again changes nothing.
    expect(expectStatus(await verify(admin, clientId, address, code), 200).body.state).toBe("verified");
  });

  it("bounds wrong codes, also when they arrive in parallel", async () => {
    const address = unique("guess");
    await claim(admin, clientId, address);
    const { code } = await codeMailTo(address);
    const first = await verify(admin, clientId, address, wrong(code));
    expect(first.status).toBe(400);
    expect(first.body.issues).toEqual([{ path: ["code"], message: `wrong code; ${MAX_CODE_ATTEMPTS - 1} tries left` }]);
    const guesses = await Promise.all(Array.from({ length: 8 }, () => verify(admin, clientId, address, wrong(code))));
    expect(guesses.map((g) => g.status)).toEqual(Array(8).fill(400));
    expect((await stateOf(admin, clientId, address)).attemptsLeft).toBe(0);
    // Locked: even the right code is refused now, and nothing routes.
    const locked = await verify(admin, clientId, address, code);
    expect(locked.status).toBe(400);
    expect(locked.body.issues[0].message).toBe("too many wrong codes; send a new one");
    expect(await routeOf(address)).toBeUndefined();
    // A resend waits a minute, then issues a new code; the old one stays dead.
    const soon = await call(admin, "POST", addressPath(clientId, `/${address}/resend`));
    expect(soon.status).toBe(429);
    expect(Number(soon.headers.get("retry-after"))).toBeGreaterThan(0);
    vi.useFakeTimers({ now: Date.now() + 61_000, toFake: ["Date"] });
    const resent = expectStatus(await call(admin, "POST", addressPath(clientId, `/${address}/resend`)), 200).body;
    expect(resent).toMatchObject({ state: "pending", attemptsLeft: MAX_CODE_ATTEMPTS });
    const { code: fresh } = await codeMailTo(address);
    expect(fresh).not.toBe(code);
    expect((await verify(admin, clientId, address, code)).status).toBe(400);
    expect(expectStatus(await verify(admin, clientId, address, fresh), 200).body.state).toBe("verified");
  });

  it("lets codes expire", async () => {
    const address = unique("late");
    await claim(admin, clientId, address);
    const { code } = await codeMailTo(address);
    vi.useFakeTimers({ now: Date.now() + 25 * 3600 * 1000, toFake: ["Date"] });
    // The old access token expired too: log in again, a day later.
    const login = expectStatus(
      await call(undefined, "POST", "/v1/auth/login", { provider: admin.slug, email: admin.email, password: PASSWORD }),
      200,
    );
    const later = { ...admin, token: login.body.accessToken };
    const expired = await verify(later, clientId, address, code);
    expect(expired.status).toBe(400);
    expect(expired.body.issues).toEqual([{ path: ["code"], message: "the code has expired; send a new one" }]);
    expect(await routeOf(address)).toBeUndefined();
  });

  it("removes an address: it stops routing, leaves the From address, and is free for others", async () => {
    const address = unique("leaving");
    await claim(admin, clientId, address);
    expectStatus(await verify(admin, clientId, address, (await codeMailTo(address)).code), 200);
    const set = expectStatus(
      await call(admin, "PATCH", `/v1/clients/${clientId}`, { mailSettings: { fromAddress: address } }),
      200,
    );
    expect(set.body.mailSettings.fromAddress).toBe(address);
    expectStatus(await call(admin, "DELETE", addressPath(clientId, `/${address}`)), 204);
    expect(await routeOf(address)).toBeUndefined();
    const client = expectStatus(await call(admin, "GET", `/v1/clients/${clientId}`), 200).body;
    expect(client.supportAddresses).not.toContain(address);
    expect(client.mailSettings.fromAddress).toBe(client.defaultAddress);
    expect((await call(admin, "DELETE", addressPath(clientId, `/${address}`))).status).toBe(404);
    const other = await provider("next-owner");
    const otherClient = await createClient(other, "acme");
    await claim(other, otherClient, address);
    expectStatus(await verify(other, otherClient, address, (await codeMailTo(address)).code), 200);
    expect((await routeOf(address))?.providerId).toBe(other.providerId);
  });
});

describe("two providers and one address", () => {
  let a: Admin;
  let b: Admin;
  let clientA: string;
  let clientB: string;
  beforeAll(async () => {
    [a, b] = [await provider("owner"), await provider("squatter")];
    [clientA, clientB] = [await createClient(a, "acme"), await createClient(b, "acme")];
  });

  /** Everything of a claim's answer that does not name the address or the time. */
  const shape = (info: Record<string, unknown>) => ({
    ...info,
    address: "-",
    codeSentAt: typeof info.codeSentAt,
    codeExpiresAt: typeof info.codeExpiresAt,
    createdAt: typeof info.createdAt,
  });

  it("B cannot squat A's verified address and learns nothing from trying", async () => {
    const owned = unique("owned");
    await claim(a, clientA, owned);
    expectStatus(await verify(a, clientA, owned, (await codeMailTo(owned)).code), 200);
    // B claims A's address and a fresh one: the same answers, the same mail, the same refusals.
    const fresh = unique("fresh");
    const [onOwned, onFresh] = [await claim(b, clientB, owned), await claim(b, clientB, fresh)];
    expect(shape(onOwned)).toEqual(shape(onFresh));
    expect(shape(await stateOf(b, clientB, owned))).toEqual(shape(await stateOf(b, clientB, fresh)));
    const guessOwned = await verify(b, clientB, owned, "2222-2222");
    const guessFresh = await verify(b, clientB, fresh, "2222-2222");
    expect([guessOwned.status, guessOwned.body.issues]).toEqual([guessFresh.status, guessFresh.body.issues]);
    const text = JSON.stringify([onOwned, await call(b, "GET", addressPath(clientB))]);
    for (const leak of [a.providerId, clientA, a.slug]) expect(text).not.toContain(leak);
    // The mail went to the address's owner, not to B; A's route is untouched, and A sees nothing of B.
    expect((await codeMailTo(owned)).mail.envelope.to).toEqual([owned]);
    expect(await routeOf(owned)).toMatchObject({ providerId: a.providerId, clientId: clientA });
    const listA = JSON.stringify(expectStatus(await call(a, "GET", addressPath(clientA)), 200).body);
    for (const leak of [b.providerId, clientB, b.slug]) expect(listA).not.toContain(leak);
  });

  it("pending claims of both block neither; the first to prove control owns it; the other gets 409 only after proving it", async () => {
    const shared = unique("shared");
    await claim(b, clientB, shared);
    const codeB = (await codeMailTo(shared)).code;
    await claim(a, clientA, shared);
    const codeA = (await codeMailTo(shared)).code;
    expect(codeA).not.toBe(codeB);
    expect(await routeOf(shared)).toBeUndefined();
    // Each code works only for its own claim.
    expect((await verify(a, clientA, shared, codeB)).status).toBe(400);
    expectStatus(await verify(a, clientA, shared, codeA), 200);
    expect(await routeOf(shared)).toMatchObject({ providerId: a.providerId, clientId: clientA });
    // B proves control too (the owner gave B its code): now, and only now, B learns it is taken.
    const taken = await verify(b, clientB, shared, codeB);
    expect(taken.status).toBe(409);
    expect(taken.body.issues).toEqual([{ path: ["address"], message: "already verified by another account" }]);
    expect((await stateOf(b, clientB, shared)).state).toBe("conflict");
    expect(await routeOf(shared)).toMatchObject({ providerId: a.providerId });
  });
});

describe("verification through inbound mail", () => {
  let admin: Admin;
  let clientId: string;
  const system = (providerId: string): Actor => ({
    type: "system",
    providerId,
    id: "test",
    role: "system",
    clientIds: "all",
  });
  beforeAll(async () => {
    admin = await provider("forwarding");
    clientId = await createClient(admin, "acme");
    await createClient(admin, "globex");
  });

  /** The code mail as it arrives forwarded: envelope recipient = the default address of `toClient`. */
  async function forwarded(address: string, toClientSlug: string) {
    const { mail } = await codeMailTo(address);
    const { routes } = await Addresses.route([`${toClientSlug}.${admin.slug}@${mailDomain()}`]);
    return {
      routes,
      subject: `Fwd: ${mail.subject}`,
      text: mail.body.text ?? "",
      headers: (mail.headers ?? []).map((h) => ({ key: h.name.toLowerCase(), value: h.value })),
    };
  }

  it("confirms the claim when the code mail comes back through the client's default address", async () => {
    const address = unique("forwarded");
    await claim(admin, clientId, address);
    const mail = await forwarded(address, "acme");
    // Another client's default address: not that client's claim, not consumed.
    expect(await Addresses.confirmFromMail({ ...mail, routes: (await forwarded(address, "globex")).routes })).toBe(
      false,
    );
    expect((await stateOf(admin, clientId, address)).state).toBe("pending");
    expect(await Addresses.confirmFromMail(mail)).toBe(true);
    expect(await stateOf(admin, clientId, address)).toMatchObject({ state: "verified", method: "mail" });
    expect(await routeOf(address)).toMatchObject({ clientId });
  });

  it("finds the code in the subject or text alone, and ignores ordinary mail and wrong codes", async () => {
    const address = unique("bodyonly");
    await claim(admin, clientId, address);
    const mail = await forwarded(address, "acme");
    const ordinary = { ...mail, subject: "Printer on fire", text: "Please help", headers: [] };
    expect(await Addresses.confirmFromMail(ordinary)).toBe(false);
    expect(await Addresses.confirmFromMail({ ...ordinary, text: "Verification code: 2222-2222" })).toBe(false);
    expect((await stateOf(admin, clientId, address)).attemptsLeft).toBe(MAX_CODE_ATTEMPTS);
    expect(await Addresses.confirmFromMail({ ...mail, subject: "Fwd: (no subject)", headers: [] })).toBe(true);
    expect((await stateOf(admin, clientId, address)).state).toBe("verified");
  });

  it("does not confirm a claim of another provider's client, even with its code", async () => {
    const other = await provider("elsewhere");
    const theirClient = await createClient(other, "acme");
    const address = unique("theirs");
    await claim(other, theirClient, address);
    const mail = await forwarded(address, "acme");
    expect(mail.routes[0]?.providerId).toBe(admin.providerId);
    expect(await Addresses.confirmFromMail(mail)).toBe(false);
    expect((await stateOf(other, theirClient, address)).state).toBe("pending");
  });

  it("lets only the system mark an address verified without a code (demo data)", async () => {
    const address = unique("demo");
    await withActor(system(admin.providerId), () => Addresses.markVerified({ clientId, address }));
    expect(await stateOf(admin, clientId, address)).toMatchObject({ state: "verified", method: "system" });
    const user: Actor = {
      type: "user",
      providerId: admin.providerId,
      id: admin.userId!,
      role: "provider_admin",
      clientIds: "all",
    };
    await expect(withActor(user, () => Addresses.markVerified({ clientId, address: unique("x") }))).rejects.toThrow(
      /Only the system/,
    );
  });
});

describe("verification through the domain's SES identity", () => {
  let admin: Admin;
  let clientId: string;
  beforeAll(async () => {
    admin = await provider("domain");
    clientId = await createClient(admin, "acme");
  });

  it("cannot be run locally: aws-ses-v2-local does not implement GetEmailIdentity", async () => {
    const [client, { GetEmailIdentityCommand }] = await Promise.all([Aws.sesClient(), import("@aws-sdk/client-sesv2")]);
    await expect(client.send(new GetEmailIdentityCommand({ EmailIdentity: "acme.example" }))).rejects.toThrow();
  });

  it("verifies only for an identity that is verified and tagged for this provider, answering the same otherwise", async () => {
    const address = unique("domain");
    await claim(admin, clientId, address);
    const answers: Record<string, IdentityAnswer | undefined> = {
      missing: undefined,
      unverified: { VerificationStatus: "PENDING", Tags: [{ Key: IDENTITY_PROVIDER_TAG, Value: admin.providerId }] },
      foreign: { VerificationStatus: "SUCCESS", Tags: [{ Key: IDENTITY_PROVIDER_TAG, Value: "prv_someoneelse0" }] },
      otherClient: {
        VerifiedForSendingStatus: true,
        Tags: [
          { Key: IDENTITY_PROVIDER_TAG, Value: admin.providerId },
          { Key: IDENTITY_CLIENT_TAG, Value: "cli_another00000" },
        ],
      },
    };
    const refusals = [];
    for (const answer of Object.values(answers)) {
      const asked: string[] = [];
      Addresses.useIdentityLookup(async (domain) => {
        asked.push(domain);
        return answer;
      });
      const reply = await call(admin, "POST", addressPath(clientId, `/${address}/verify-domain`));
      expect(asked).toEqual(["acme.example"]);
      refusals.push([reply.status, reply.body.issues]);
    }
    expect(new Set(refusals.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(refusals[0]?.[0]).toBe(400);
    expect(await routeOf(address)).toBeUndefined();
    Addresses.useIdentityLookup(async () => ({
      VerificationStatus: "SUCCESS",
      Tags: [{ Key: IDENTITY_PROVIDER_TAG, Value: admin.providerId }],
    }));
    const verified = expectStatus(await call(admin, "POST", addressPath(clientId, `/${address}/verify-domain`)), 200);
    expect(verified.body).toMatchObject({ state: "verified", method: "domain" });
    expect(await routeOf(address)).toMatchObject({ clientId });
  });
});

describe("unknown recipients", () => {
  let a: Admin;
  let b: Admin;
  let clientA: string;
  beforeAll(async () => {
    [a, b] = [await provider("unknown-a"), await provider("unknown-b")];
    clientA = await createClient(a, "acme");
  });

  const mail = (recipient: string, sesMessageId = `ses-${randomUUID()}`) => ({
    recipient,
    sesMessageId,
    from: "Someone <someone@customer.example>",
    subject: "Where did my ticket go?",
    receivedAt: new Date().toISOString(),
  });

  it("keeps mail to <anything>.<provider>@<mail domain> for that provider's admins only, once per delivery", async () => {
    const recipient = `old-name.${a.slug}@${mailDomain()}`;
    const delivery = mail(recipient.toUpperCase());
    expect(await Addresses.recordUnknown(delivery)).toEqual({ storedFor: "provider", providerId: a.providerId });
    await Addresses.recordUnknown(delivery); // a retried handler
    const listed = expectStatus(await call(a, "GET", "/v1/inbound/unknown"), 200).body;
    expect(listed.items).toEqual([
      {
        recipient,
        from: delivery.from,
        subject: delivery.subject,
        sesMessageId: delivery.sesMessageId,
        receivedAt: delivery.receivedAt,
      },
    ]);
    expect(JSON.stringify((await call(b, "GET", "/v1/inbound/unknown")).body)).not.toContain(recipient);
  });

  it("logs everything else system-wide for 90 days, including mail to an address a provider only claimed", async () => {
    const claimed = unique("claimed");
    await claim(a, clientA, claimed);
    for (const recipient of [claimed, `stray@${mailDomain()}`, `x.no-such-provider-${run}@${mailDomain()}`]) {
      const delivery = mail(recipient);
      expect(await Addresses.recordUnknown(delivery)).toEqual({ storedFor: "system" });
      const { data } = await Outdesk.entities.unroutedMail.query
        .byDay({ day: delivery.receivedAt.slice(0, 10) })
        .where((attr, op) => op.eq(attr.sesMessageId, delivery.sesMessageId))
        .go();
      expect(data.map((item) => item.recipient)).toEqual([recipient]);
      const ttl = data[0]!.expiresAt - Date.parse(delivery.receivedAt) / 1000;
      expect(Math.round(ttl / 86_400)).toBe(UNKNOWN_MAIL_TTL_DAYS);
    }
    const listed = JSON.stringify(expectStatus(await call(a, "GET", "/v1/inbound/unknown"), 200).body);
    expect(listed).not.toContain(claimed);
  });

  it("is for provider admins", async () => {
    expect((await call(undefined, "GET", "/v1/inbound/unknown")).status).toBe(401);
  });
});

describe("mail settings", () => {
  let admin: Admin;
  let clientId: string;
  beforeAll(async () => {
    admin = await provider("settings");
    clientId = await createClient(admin, "acme");
  });

  it("defaults to the client's name and default address, with the auto-acknowledgement on", async () => {
    const client = expectStatus(await call(admin, "GET", `/v1/clients/${clientId}`), 200).body;
    expect(client.mailSettings).toEqual({
      fromName: "Client acme",
      fromAddress: client.defaultAddress,
      signature: "",
      autoAck: MailSettings.DEFAULT_AUTO_ACK,
    });
  });

  it("changes field by field; null restores a default", async () => {
    const changed = expectStatus(
      await call(admin, "PATCH", `/v1/clients/${clientId}`, {
        mailSettings: { fromName: "Acme Support", signature: "— {{client.name}} support", autoAck: { enabled: false } },
      }),
      200,
    ).body;
    expect(changed.mailSettings).toMatchObject({
      fromName: "Acme Support",
      signature: "— {{client.name}} support",
      autoAck: { ...MailSettings.DEFAULT_AUTO_ACK, enabled: false },
    });
    const reset = expectStatus(
      await call(admin, "PATCH", `/v1/clients/${clientId}`, {
        mailSettings: { fromName: null, autoAck: { subject: "Re: {{ticket.subject}} [{{ ticket.key }}]" } },
      }),
      200,
    ).body;
    expect(reset.mailSettings).toMatchObject({
      fromName: "Client acme",
      signature: "— {{client.name}} support",
      autoAck: { enabled: false, subject: "Re: {{ticket.subject}} [{{ ticket.key }}]" },
    });
  });

  it("refuses unknown placeholders and unverified From addresses, naming the field", async () => {
    const cases: [unknown, string[], RegExp][] = [
      [{ autoAck: { body: "Ticket {{ticket.number}}" } }, ["mailSettings", "autoAck", "body"], /ticket\.number/],
      [{ signature: "{{agent.name}}" }, ["mailSettings", "signature"], /unknown placeholder/],
      [{ autoAck: { subject: "Hi {{ticket.key" } }, ["mailSettings", "autoAck", "subject"], /not closed/],
      [{ autoAck: { subject: "Two\nlines" } }, ["mailSettings", "autoAck", "subject"], /one line/],
      [{ fromName: "Evil\r\nBcc: x@y.example" }, ["mailSettings", "fromName"], /one line/],
      [{ fromAddress: "help@acme.example" }, ["mailSettings", "fromAddress"], /not a verified address/],
    ];
    for (const [mailSettings, path, message] of cases) {
      const reply = await call(admin, "PATCH", `/v1/clients/${clientId}`, { mailSettings });
      expect(reply.status, JSON.stringify(mailSettings)).toBe(400);
      expect(reply.body.issues[0].path).toEqual(path);
      expect(reply.body.issues[0].message).toMatch(message);
    }
    // A pending claim is not a From address either; the verified one is.
    const address = unique("from");
    await claim(admin, clientId, address);
    const pending = await call(admin, "PATCH", `/v1/clients/${clientId}`, { mailSettings: { fromAddress: address } });
    expect(pending.status).toBe(400);
    expectStatus(await verify(admin, clientId, address, (await codeMailTo(address)).code), 200);
    const set = expectStatus(
      await call(admin, "PATCH", `/v1/clients/${clientId}`, { mailSettings: { fromAddress: address } }),
      200,
    );
    expect(set.body.mailSettings.fromAddress).toBe(address);
  });

  it("renders placeholders as plain one-line text", () => {
    const text = "[{{ticket.key}}] {{ ticket.subject }} for {{requester.name}} at {{client.name}} {{other}}";
    expect(
      renderTemplate(text, {
        "ticket.key": "ACME-7",
        "ticket.subject": "Broken\r\nBcc: victim@x.example",
        "client.name": "Acme",
      }),
    ).toBe("[ACME-7] Broken Bcc: victim@x.example for  at Acme {{other}}");
  });
});
