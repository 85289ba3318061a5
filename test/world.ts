import { randomInt } from "node:crypto";
import { type Actor, withActor } from "@outdesk/core/actor";
import { Addresses } from "@outdesk/core/email/addresses";
import { call, expectStatus, type Persona } from "./api";

export const PASSWORD = "correct horse battery";

export type PersonaName = "adminA" | "agentA1" | "clientAdminA1" | "clientAdminA2" | "adminB" | "keyA1" | "anonymous";

/**
 * Two providers built through the API: A with clients a1 and a2, an agent serving a1 only and a
 * client admin for each client; B with client b1 and its admin. Routes are probed across them.
 */
export interface World {
  personas: Record<PersonaName, Persona>;
  ids: {
    providerA: string;
    providerB: string;
    clientA1: string;
    clientA2: string;
    clientB1: string;
    agentA1: string;
    clientAdminA1: string;
    clientAdminA2: string;
    adminA: string;
    adminB: string;
    /** API keys of provider A: provider-wide, and scoped to client a1. */
    keyA: string;
    keyA1: string;
    addressA1: string;
    addressB1: string;
    /** One ticket per client; a1's has an internal note. */
    ticketA1: string;
    ticketA2: string;
    ticketB1: string;
    noteA1: string;
  };
}

/**
 * Provider slugs and support addresses are global names, and test files share a table
 * (test/setup.ts): this file's load gets a tag of its own (digits, as ticket prefixes take them),
 * so two files' worlds never collide.
 */
const fileTag = randomInt(10_000_000, 100_000_000);
let counter = 0;

export async function signup(slug: string, email = `admin@${slug}.example`) {
  const reply = expectStatus(
    await call(undefined, "POST", "/v1/signup", {
      providerName: `Provider ${slug}`,
      providerSlug: slug,
      adminName: `Admin ${slug}`,
      adminEmail: email,
      password: PASSWORD,
    }),
    201,
  );
  const { providerId, userId, tokens } = reply.body;
  return { name: `admin of ${slug}`, token: tokens.accessToken, refreshToken: tokens.refreshToken, providerId, userId };
}

/**
 * A client through the API. Its `addresses` are marked verified by the system (as demo data is),
 * so they route mail at once; addresses.test.ts covers claiming and verifying them for real.
 */
export async function createClient(admin: Persona, slug: string, addresses: string[] = []) {
  const reply = expectStatus(
    await call(admin, "POST", "/v1/clients", { name: `Client ${slug}`, slug, timeZone: "Europe/Berlin" }),
    201,
  );
  const clientId = reply.body.id as string;
  const system: Actor = {
    type: "system",
    providerId: admin.providerId!,
    id: "world",
    role: "system",
    clientIds: "all",
  };
  for (const address of addresses) await withActor(system, () => Addresses.markVerified({ clientId, address }));
  return clientId;
}

export async function inviteAndAccept(
  inviter: Persona,
  input: { email: string; role: string; clientIds: string[]; name?: string },
): Promise<Persona & { userId: string; refreshToken: string }> {
  const invited = expectStatus(
    await call(inviter, "POST", "/v1/users", { name: input.name ?? input.email, ...input }),
    201,
  );
  const accepted = expectStatus(
    await call(undefined, "POST", "/v1/auth/accept-invite", { token: invited.body.inviteToken, password: PASSWORD }),
    200,
  );
  return {
    name: input.email,
    token: accepted.body.accessToken,
    refreshToken: accepted.body.refreshToken,
    providerId: inviter.providerId,
    userId: invited.body.user.id,
  };
}

export async function buildWorld(): Promise<World> {
  const n = `${fileTag}${++counter}`;
  const adminA = await signup(`prov-a${n}`);
  const adminB = await signup(`prov-b${n}`);
  const addressA1 = `help${n}@acme.example`;
  const addressB1 = `help${n}@initech.example`;
  const clientA1 = await createClient(adminA, `acme${n}`, [addressA1]);
  const clientA2 = await createClient(adminA, `globex${n}`, [`support${n}@globex.example`]);
  const clientB1 = await createClient(adminB, `initech${n}`, [addressB1]);
  const agentA1 = await inviteAndAccept(adminA, { email: `agent${n}@a.example`, role: "agent", clientIds: [clientA1] });
  const clientAdminA1 = await inviteAndAccept(adminA, {
    email: `boss${n}@acme.example`,
    role: "client_admin",
    clientIds: [clientA1],
  });
  const clientAdminA2 = await inviteAndAccept(adminA, {
    email: `boss${n}@globex.example`,
    role: "client_admin",
    clientIds: [clientA2],
  });
  const keyA = expectStatus(await call(adminA, "POST", "/v1/api-keys", { name: "integration" }), 201).body;
  const keyA1 = expectStatus(
    await call(adminA, "POST", "/v1/api-keys", { name: "acme portal", clientId: clientA1 }),
    201,
  ).body;
  const ticketA1 = await createTicket(adminA, clientA1, "Printer on fire");
  const ticketA2 = await createTicket(adminA, clientA2, "VPN drops");
  const ticketB1 = await createTicket(adminB, clientB1, "TPS reports");
  const note = expectStatus(
    await call(adminA, "POST", `/v1/clients/${clientA1}/tickets/${ticketA1}/notes`, {
      body: "Internal: customer is VIP",
    }),
    201,
  );
  return {
    personas: {
      adminA,
      agentA1,
      clientAdminA1,
      clientAdminA2,
      adminB,
      keyA1: { name: "API key of a1", token: keyA1.secret, providerId: adminA.providerId },
      anonymous: { name: "anonymous" },
    },
    ids: {
      providerA: adminA.providerId,
      providerB: adminB.providerId,
      clientA1,
      clientA2,
      clientB1,
      agentA1: agentA1.userId,
      clientAdminA1: clientAdminA1.userId,
      clientAdminA2: clientAdminA2.userId,
      adminA: adminA.userId,
      adminB: adminB.userId,
      keyA: keyA.apiKey.id,
      keyA1: keyA1.apiKey.id,
      addressA1,
      addressB1,
      ticketA1,
      ticketA2,
      ticketB1,
      noteA1: note.body.message.id,
    },
  };
}

export async function createTicket(
  persona: Persona,
  clientId: string,
  subject: string,
  extra: Record<string, unknown> = {},
) {
  const reply = expectStatus(
    await call(persona, "POST", "/v1/tickets", {
      clientId,
      subject,
      body: `${subject}: please help.`,
      requester: { name: "Riley Requester", email: "riley@customer.example" },
      ...extra,
    }),
    201,
  );
  return reply.body.id as string;
}
