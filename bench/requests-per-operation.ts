import { call, expectStatus, type Reply } from "../test/api";
import { buildWorld, PASSWORD } from "../test/world";
import { printTable, type Row, runIfMain, usagePer } from "./harness";

/**
 * DynamoDB requests each API operation sends, measured through the public surface
 * (`app.request`) against DynamoDB Local. Target: 1 per read, 1 per write.
 */
export async function requestsPerOperation(): Promise<Row[]> {
  const world = await buildWorld();
  const { adminA, agentA1, clientAdminA1, keyA1 } = world.personas;
  const { body: me } = await call(agentA1, "GET", "/v1/me");
  const slug = me.provider.slug;
  const N = 5;
  const ok = (status: number) => (reply: Reply) => expectStatus(reply, status);
  const rows: Row[] = [];
  const row = async (operation: string, target: number, work: (i: number) => Promise<unknown>, note?: string) => {
    const usage = await usagePer(N, work);
    rows.push({
      operation,
      measured: usage.requests,
      target,
      note,
      readUnits: usage.readUnits,
      writeUnits: usage.writeUnits,
    });
  };

  await row("GET /v1/me", 1, () => call(agentA1, "GET", "/v1/me").then(ok(200)), "BatchGet provider + user");
  await row("GET /v1/clients", 1, () => call(agentA1, "GET", "/v1/clients").then(ok(200)));
  await row("GET /v1/clients/:id", 1, () =>
    call(clientAdminA1, "GET", `/v1/clients/${world.ids.clientA1}`).then(ok(200)),
  );
  await row(
    "POST /v1/clients",
    1,
    (i) =>
      call(adminA, "POST", "/v1/clients", {
        name: `Bench ${i}`,
        slug: `bench-${i}`,
        timeZone: "UTC",
      }).then(ok(201)),
    "1 transaction: client + slug + prefix guards + default address route",
  );
  await row("PATCH /v1/clients/:id (name)", 1, (i) =>
    call(adminA, "PATCH", `/v1/clients/${world.ids.clientA1}`, { name: `Acme ${i}` }).then(ok(200)),
  );
  await row(
    "PATCH /v1/clients/:id (slug)",
    1,
    (i) => call(adminA, "PATCH", `/v1/clients/${world.ids.clientA2}`, { slug: `globex-${i}` }).then(ok(200)),
    "+1 read: the old guard items to swap",
  );
  await row("POST /v1/clients/:id/archive", 1, (i) =>
    call(adminA, "POST", `/v1/clients/${world.ids.clientA2}/${i % 2 ? "restore" : "archive"}`).then(ok(200)),
  );
  await row("GET /v1/users", 1, () => call(adminA, "GET", "/v1/users").then(ok(200)));
  await row("GET /v1/users/:id", 1, () => call(adminA, "GET", `/v1/users/${world.ids.agentA1}`).then(ok(200)));
  await row(
    "POST /v1/users (agent)",
    1,
    (i) =>
      call(adminA, "POST", "/v1/users", {
        email: `bench${i}@a.example`,
        name: "Bench",
        role: "agent",
        clientIds: [world.ids.clientA1],
      }).then(ok(201)),
    "+1 BatchGet: assigned clients must exist",
  );
  await row(
    "PATCH /v1/users/:id (name)",
    1,
    (i) => call(adminA, "PATCH", `/v1/users/${world.ids.agentA1}`, { name: `Agent ${i}` }).then(ok(200)),
    "+1 read: permissions depend on the target",
  );
  await row("GET /v1/api-keys", 1, () => call(adminA, "GET", "/v1/api-keys").then(ok(200)));
  await row("POST /v1/api-keys", 1, (i) => call(adminA, "POST", "/v1/api-keys", { name: `k${i}` }).then(ok(201)));
  const keys: string[] = [];
  for (let i = 0; i < N; i++) keys.push((await call(adminA, "POST", "/v1/api-keys", { name: `r${i}` })).body.apiKey.id);
  await row("DELETE /v1/api-keys/:id", 1, (i) => call(adminA, "DELETE", `/v1/api-keys/${keys[i]}`).then(ok(200)));
  await row(
    "GET /v1/clients (API key)",
    1,
    () => call(keyA1, "GET", "/v1/clients").then(ok(200)),
    "key lookup cached per instance for 60 s",
  );
  await row(
    "POST /v1/auth/login",
    2,
    () =>
      call(undefined, "POST", "/v1/auth/login", { provider: slug, email: me.user.email, password: PASSWORD }).then(
        ok(200),
      ),
    "slug route + user by email, 1 transaction, +1 rate-limit counter",
  );
  const refresh = (
    await call(undefined, "POST", "/v1/auth/login", { provider: slug, email: me.user.email, password: PASSWORD })
  ).body.refreshToken as string;
  let token = refresh;
  await row(
    "POST /v1/auth/refresh",
    2,
    async () => {
      const reply = expectStatus(await call(undefined, "POST", "/v1/auth/refresh", { refreshToken: token }), 200);
      token = reply.body.refreshToken;
    },
    "TransactGet session + user, 1 conditional rotate",
  );
  await ticketRows(world, row);
  return rows;
}

/** A typical first message and reply: a few sentences, as agents and requesters write them. */
const TYPICAL_REQUEST =
  "Hi, since this morning none of our team can sign in to the customer portal. We get 'invalid session' right after the SSO page. Nothing changed on our side. Can you take a look? Thanks, Riley";
const TYPICAL_REPLY =
  "Hi Riley, thanks for the details. We found that the portal's SSO certificate was rotated overnight; we have rolled it back, so sign-in works again. Could you confirm on your side? Best, Maya";

type RowFn = (operation: string, target: number, work: (i: number) => Promise<unknown>, note?: string) => Promise<void>;

/** Ticket routes: reads are one request; writes are one read (TransactGet) and one transaction. */
async function ticketRows(world: Awaited<ReturnType<typeof buildWorld>>, row: RowFn) {
  const { agentA1: agent } = world.personas;
  const client = world.ids.clientA1;
  const ok = (status: number) => (reply: Reply) => expectStatus(reply, status);
  const path = (id: string, rest = "") => `/v1/clients/${client}/tickets/${id}${rest}`;
  const create = (i: number) =>
    call(agent, "POST", "/v1/tickets", {
      clientId: client,
      subject: `Cannot sign in to the customer portal since this morning (${i})`,
      body: TYPICAL_REQUEST,
      requester: { name: "Riley Requester", email: "riley.requester@customer.example" },
    }).then(ok(201));
  const ids: string[] = [];
  await row(
    "POST /v1/tickets",
    3,
    async (i) => ids.push((await create(i)).body.id),
    "BatchGet to check client (+ assignee), number in 1 UpdateItem, then 1 transaction",
  );
  await row(
    "GET ticket page",
    1,
    (i) => call(agent, "GET", path(ids[i]!)).then(ok(200)),
    "one Query: ticket+messages+events",
  );
  await row(
    "PATCH ticket (priority)",
    2,
    (i) => call(agent, "PATCH", path(ids[i]!), { priority: "high" }).then(ok(200)),
    "1 BatchGet + 1 transaction",
  );
  const unmailed = { send: false };
  await row(
    "POST first reply (new → open)",
    2,
    (i) => call(agent, "POST", path(ids[i]!, "/replies"), { body: TYPICAL_REPLY, email: unmailed }).then(ok(201)),
    "1 BatchGet + 1 transaction (+ status event, moved keys)",
  );
  await row("POST reply", 2, (i) =>
    call(agent, "POST", path(ids[i]!, "/replies"), { body: TYPICAL_REPLY, email: unmailed }).then(ok(201)),
  );
  await row(
    "POST reply (mailed)",
    2,
    (i) => call(agent, "POST", path(ids[i]!, "/replies"), { body: TYPICAL_REPLY }).then(ok(201)),
    "+ the suppression BatchGet and the sent state, after the commit",
  );
  await row(
    "POST note",
    2,
    (i) =>
      call(agent, "POST", path(ids[i]!, "/notes"), {
        body: "Checked the SSO logs: the IdP rejects the assertion.",
      }).then(ok(201)),
    "1 BatchGet + 1 transaction",
  );
  await row(
    "PATCH ticket (status)",
    2,
    (i) => call(agent, "PATCH", path(ids[i]!), { status: "pending" }).then(ok(200)),
    "1 BatchGet + 1 transaction",
  );
  await row(
    "POST take",
    2,
    (i) => call(agent, "POST", path(ids[i]!, "/take")).then(ok(200)),
    "1 BatchGet + 1 transaction",
  );
  await row(
    "POST escalate",
    2,
    (i) => call(agent, "POST", path(ids[i]!, "/escalate"), { tier: "L2", reason: "bench" }).then(ok(200)),
    "1 BatchGet + 1 transaction",
  );
  await row("GET /v1/tickets?view=client", 1, () =>
    call(agent, "GET", `/v1/tickets?view=client&clientId=${client}&status=open`).then(ok(200)),
  );
  await row(
    "GET /v1/tickets?view=client&priority=",
    2,
    () => call(agent, "GET", `/v1/tickets?view=client&clientId=${client}&status=pending&priority=high`).then(ok(200)),
    "keys-only index Query + BatchGet of the page",
  );
  await row(
    "GET /v1/tickets?view=mine",
    2,
    () => call(agent, "GET", "/v1/tickets?view=mine").then(ok(200)),
    "counters (which clients) + 1 Query per client with tickets",
  );
  await row(
    "GET /v1/tickets?view=unassigned",
    2,
    () => call(agent, "GET", "/v1/tickets?view=unassigned").then(ok(200)),
    "counters + 1 Query per client with tickets",
  );
  await row(
    "GET /v1/tickets?view=all",
    2,
    () => call(agent, "GET", "/v1/tickets?view=all&status=pending").then(ok(200)),
    "counters + 1 Query per client with tickets",
  );
  await row("GET /v1/tickets/counts", 1, () => call(agent, "GET", "/v1/tickets/counts").then(ok(200)));
  const targets: string[] = [];
  for (let i = 0; i < 5; i++) targets.push((await create(100 + i)).body.id);
  await row(
    "POST merge",
    4,
    (i) => call(agent, "POST", path(ids[i]!, "/merge"), { targetTicketId: targets[i] }).then(ok(200)),
    "BatchGet, Query (messages) ‖ Get (target), 1 transaction",
  );
  const bulk: string[] = [];
  for (let i = 0; i < 100; i++) bulk.push((await create(200 + i)).body.id);
  await row(
    "POST bulk (100 tickets)",
    102,
    async (i) => {
      const reply = await call(agent, "POST", "/v1/tickets/bulk", {
        tickets: bulk.map((ticketId) => ({ clientId: client, ticketId })),
        status: i % 2 ? "open" : "pending",
      }).then(ok(200));
      if (reply.body.results.some((r: { ok: boolean }) => !r.ok)) throw new Error("bulk update failed");
    },
    "BatchGet tickets ‖ clients (+ assignee), then 1 transaction per ticket",
  );
}

await runIfMain(import.meta.url, async () => {
  printTable("DynamoDB requests per API operation (mean of 5 runs)", await requestsPerOperation());
});
