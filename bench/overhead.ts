import { closeSync, openSync, writeSync } from "node:fs";
import * as Commands from "@aws-sdk/client-dynamodb";
import { Dynamo } from "@outdesk/core/dynamo";
import { Log } from "@outdesk/core/log";
import { app } from "@outdesk/functions/api/app";
import { handler as apiHandler } from "@outdesk/functions/api-lambda";
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import { call, expectStatus, type Persona } from "../test/api";
import { functionUrlEvent, lambdaContext } from "../test/lambda-event";
import { buildWorld } from "../test/world";
import { type Row, runIfMain } from "./harness";

/**
 * Per-request overhead, as ratios measured in one run (never asserted on time):
 * - /health: our app's time ÷ a bare Hono app's for the same request (target ≤ 1.3): the fixed
 *   work every request pays (request id, contexts, the log line).
 * - each route: the time of the DynamoDB requests it sends, replayed directly with the raw SDK
 *   client ÷ the route's time through `app.request` (target ≥ 0.8).
 * Both sides alternate within the run, so drift (JIT, GC, DynamoDB Local warming) cancels.
 */
export async function overheadRows(): Promise<Row[]> {
  return withLogLines(async () => [...(await healthRows()), ...(await routeRows())]);
}

const HEALTH = { warmup: 2_000, iterations: 20_000, batch: 1_000 };
const ROUTES = { warmup: 10, rounds: 100 };

/**
 * Writes log lines as production does, to /dev/null instead of the terminal: the line is built,
 * serialized and written (one syscall), which is what the requirement counts as fixed work.
 */
async function withLogLines<T>(work: () => Promise<T>): Promise<T> {
  const sink = openSync("/dev/null", "w");
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) =>
    (typeof chunk === "string" ? writeSync(sink, chunk) : writeSync(sink, chunk)) >= 0) as typeof write;
  Log.setQuiet(false);
  try {
    return await work();
  } finally {
    Log.setQuiet(true);
    process.stdout.write = write;
    closeSync(sink);
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const micros = (ms: number) => `${Math.round(ms * 1000)} µs`;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** One GET /health on a side; its status. */
type Side = () => Promise<number>;

/** Milliseconds for `n` sequential GET /health on `side`. */
async function healthBatch(side: Side, n: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const status = await side();
    if (status !== 200) throw new Error(`/health answered ${status}`);
  }
  return performance.now() - started;
}

type LambdaHandler = (event: never, context: never) => Promise<{ statusCode?: number }>;

/** Through `app.request` (the response is built, not read: both sides alike). */
const viaRequest =
  (target: { request: (path: string) => Response | Promise<Response> }): Side =>
  async () =>
    (await target.request("/health")).status;

/** Through the Lambda handler, from a Function URL event to the result Lambda returns: the deployed path. */
const viaLambda =
  (handler: LambdaHandler): Side =>
  async () =>
    (await handler(functionUrlEvent({ path: "/health" }) as never, lambdaContext() as never)).statusCode ?? 0;

/** Only the /health rows (a quick look at the fixed work of a request). */
export function healthOverhead(): Promise<Row[]> {
  return withLogLines(healthRows);
}

async function healthRows(): Promise<Row[]> {
  const bareApp = new Hono().get("/health", (c) => c.json({ status: "ok" }));
  const measure = async (label: string, note: string, ours: Side, bare: Side): Promise<Row> => {
    await healthBatch(ours, HEALTH.warmup);
    await healthBatch(bare, HEALTH.warmup);
    let oursMs = 0;
    let bareMs = 0;
    const ratios: number[] = [];
    for (let b = 0; b < HEALTH.iterations / HEALTH.batch; b++) {
      // Alternate which goes first, so neither always runs on a fresher heap.
      let o: number;
      let t: number;
      if (b % 2) {
        o = await healthBatch(ours, HEALTH.batch);
        t = await healthBatch(bare, HEALTH.batch);
      } else {
        t = await healthBatch(bare, HEALTH.batch);
        o = await healthBatch(ours, HEALTH.batch);
      }
      oursMs += o;
      bareMs += t;
      ratios.push(o / t);
    }
    const n = HEALTH.iterations;
    return {
      operation: label,
      measured: round2(oursMs / bareMs),
      target: 1.3,
      note: `${note}; ours ${micros(oursMs / n)} vs bare ${micros(bareMs / n)} per request; median batch ratio ${round2(median(ratios))}`,
    };
  };
  const lambda = "Function URL event → handler → result, vs bare Hono's handle()";
  const rows = [
    await measure(
      "GET /health, Lambda (log line)",
      `${lambda}; log line written`,
      viaLambda(apiHandler as LambdaHandler),
      viaLambda(handle(bareApp) as LambdaHandler),
    ),
    await measure(
      "GET /health, app.request (log line)",
      "in-process, no event conversion; log line written",
      viaRequest(app),
      viaRequest(bareApp),
    ),
  ];
  Log.setQuiet(true);
  rows.push(
    await measure(
      "GET /health, app.request (quiet)",
      "log line skipped, as tests and benches run",
      viaRequest(app),
      viaRequest(bareApp),
    ),
  );
  Log.setQuiet(false);
  return rows;
}

/** One DynamoDB operation a route sent: its command, its marshalled input and when it ran. */
interface Sent {
  command: string;
  input: unknown;
  start: number;
  end: number;
}

const CAPTURE = "overheadCapture";
const CAPTURE_INPUT = "overheadCaptureInput";

/**
 * Records every operation `work` sends through the shared client. The initialize step times the
 * operation and gives its order; a second middleware right after serialization copies the input
 * as DynamoDB receives it (ElectroDB sends document-client commands, marshalled only there).
 * With `dryWrite`, TransactWriteItems is recorded but not sent: it answers as if it succeeded.
 */
async function capture<T>(work: () => Promise<T>, dryWrite = false): Promise<{ result: T; sent: Sent[] }> {
  const stack = Dynamo.raw().middlewareStack;
  const sent: Sent[] = [];
  const byContext = new WeakMap<object, Sent>();
  stack.add(
    (next, context) => async (args) => {
      const record: Sent = { command: context.commandName ?? "", input: undefined, start: performance.now(), end: 0 };
      sent.push(record);
      byContext.set(context, record);
      try {
        return await next(args);
      } finally {
        record.end = performance.now();
      }
    },
    { step: "initialize", name: CAPTURE },
  );
  type Args = { input: unknown };
  type Next = (args: Args) => Promise<{ output: unknown; response: unknown }>;
  const copyInput = (next: Next, context: { commandName?: string }) => async (args: Args) => {
    const record = byContext.get(context);
    if (record) record.input = structuredClone(args.input);
    if (dryWrite && context.commandName === "TransactWriteItemsCommand")
      return { output: { $metadata: {} }, response: {} };
    return next(args);
  };
  // A serialize-step middleware: the stack's union of middleware types can't infer its parameters.
  stack.addRelativeTo(copyInput as unknown as Parameters<typeof stack.addRelativeTo>[0], {
    relation: "after",
    toMiddleware: "serializerMiddleware",
    name: CAPTURE_INPUT,
  });
  try {
    return { result: await work(), sent };
  } finally {
    stack.remove(CAPTURE);
    stack.remove(CAPTURE_INPUT);
  }
}

/** Operations that overlapped in time were sent in parallel: one phase, replayed with Promise.all. */
function phases(sent: Sent[]): Sent[][] {
  const groups: Sent[][] = [];
  let end = Number.NEGATIVE_INFINITY;
  for (const s of [...sent].sort((a, b) => a.start - b.start)) {
    if (groups.length > 0 && s.start < end) groups.at(-1)!.push(s);
    else groups.push([s]);
    end = Math.max(end, s.end);
  }
  return groups;
}

type SendArg = Parameters<Commands.DynamoDBClient["send"]>[0];
type CommandClass = new (input: unknown) => SendArg;
type Plan = { command: CommandClass; input: unknown }[][];

/** The captured operations as a replay plan: the raw SDK command of each, with a copy of its input. */
function planOf(groups: Sent[][]): Plan {
  const commands = Commands as unknown as Record<string, CommandClass>;
  return groups.map((phase) =>
    phase.map((s) => {
      const command = commands[s.command];
      if (!command || s.input === undefined) throw new Error(`cannot replay ${s.command}`);
      return { command, input: structuredClone(s.input) };
    }),
  );
}

/** Sends the plan with the raw client: phase after phase, each phase's requests at once. */
async function sendDirect(plan: Plan): Promise<void> {
  const raw = Dynamo.raw();
  for (const phase of plan) await Promise.all(phase.map(({ command, input }) => raw.send(new command(input))));
}

interface Call {
  path: string;
  body?: unknown;
}

interface RouteCase {
  operation: string;
  persona: Persona;
  method: string;
  status: number;
  /** The next call; write routes aim each call at a fresh ticket, in the same state as the others. */
  next: () => Call;
  /**
   * Write routes: a replay can't resend a captured ticket write (its version condition fails the
   * second time). Before each replay, a dry run of the route on its own fresh ticket records what
   * the route would send for it (reads sent, TransactWriteItems held back); the replay then
   * sends exactly that, and the write succeeds as the route's does.
   */
  writes?: boolean;
  note?: string;
}

function requestInit(route: RouteCase, next: Call): RequestInit {
  const headers: Record<string, string> = { authorization: `Bearer ${route.persona.token}` };
  if (next.body === undefined) return { method: route.method, headers };
  const body = JSON.stringify(next.body);
  // As an HTTP client sends it: with a length, so bodyLimit checks the header, not the stream.
  headers["content-type"] = "application/json";
  headers["content-length"] = String(Buffer.byteLength(body));
  return { method: route.method, headers, body };
}

/** One route call through `app.request`, the body read as a client would; its body. */
async function sendRoute(route: RouteCase, next: Call, init = requestInit(route, next)): Promise<string> {
  const response = await app.request(next.path, init);
  const body = await response.text();
  if (response.status !== route.status) {
    throw new Error(`${route.operation}: expected ${route.status}, got ${response.status}: ${body}`);
  }
  return body;
}

/** Wall milliseconds and this process's CPU microseconds (all threads) of `work`. */
async function timed(work: () => Promise<unknown>): Promise<{ ms: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpu: used.user + used.system };
}

async function measureRoute(route: RouteCase): Promise<Row> {
  const rounds = ROUTES.warmup + ROUTES.rounds;
  const groups = phases((await capture(() => sendRoute(route, route.next()), route.writes)).sent);
  // Each write replay's requests, from dry runs on fresh tickets, before anything is timed.
  const writes: Sent[][][] = [];
  while (route.writes && writes.length < rounds) {
    writes.push(phases((await capture(() => sendRoute(route, route.next()), true)).sent));
  }
  const routeRuns: { ms: number; cpu: number }[] = [];
  const directRuns: { ms: number; cpu: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    const replay = planOf(writes[round] ?? groups);
    const call = route.next();
    const init = requestInit(route, call);
    const viaRoute = () => timed(() => sendRoute(route, call, init));
    const direct = () => timed(() => sendDirect(replay));
    let r: { ms: number; cpu: number };
    let d: { ms: number; cpu: number };
    // Alternate which goes first: neither always follows the other's garbage.
    if (round % 2) {
      r = await viaRoute();
      d = await direct();
    } else {
      d = await direct();
      r = await viaRoute();
    }
    if (round < ROUTES.warmup) continue;
    routeRuns.push(r);
    directRuns.push(d);
  }
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const [routeMs, directMs] = [mean(routeRuns.map((r) => r.ms)), mean(directRuns.map((r) => r.ms))];
  const [routeCpu, directCpu] = [mean(routeRuns.map((r) => r.cpu)), mean(directRuns.map((r) => r.cpu))];
  const shape = groups.map((phase) => phase.map((s) => s.command.replace(/Command$/, "")).join(" ‖ ")).join(" → ");
  return {
    operation: route.operation,
    measured: round2(directMs / routeMs),
    target: 0.8,
    note: [
      `route ${micros(routeMs)}, direct ${micros(directMs)}`,
      `median ratio ${round2(median(directRuns.map((r) => r.ms)) / median(routeRuns.map((r) => r.ms)))}`,
      // Our CPU on top of the same requests, which DynamoDB's latency does not hide.
      `CPU ${micros(routeCpu / 1000)} vs ${micros(directCpu / 1000)}`,
      shape,
      route.note,
    ]
      .filter(Boolean)
      .join("; "),
  };
}

const REQUEST =
  "Hi, since this morning none of our team can sign in to the customer portal. We get 'invalid session' right after the SSO page. Nothing changed on our side. Can you take a look? Thanks, Riley";
const REPLY =
  "Hi Riley, thanks for the details. We found that the portal's SSO certificate was rotated overnight; we have rolled it back, so sign-in works again. Could you confirm on your side? Best, Maya";

async function routeRows(): Promise<Row[]> {
  const world = await buildWorld();
  const { agentA1: agent, adminA: admin } = world.personas;
  const client = world.ids.clientA1;
  const ticketPath = (id: string, rest = "") => `/v1/clients/${client}/tickets/${id}${rest}`;
  let created = 0;
  const newTicket = () => ({
    clientId: client,
    subject: `Cannot sign in to the customer portal since this morning (${created++})`,
    body: REQUEST,
    requester: { name: "Riley Requester", email: "riley.requester@customer.example" },
  });
  const create = async () => expectStatus(await call(agent, "POST", "/v1/tickets", newTicket()), 201).body.id as string;
  const reply = async (id: string) =>
    expectStatus(await call(agent, "POST", ticketPath(id, "/replies"), { body: REPLY }), 201);

  // Tickets in the same state for each write call and each replay: a first dry run, then two per round.
  const perWrite = 1 + 2 * (ROUTES.warmup + ROUTES.rounds);
  const untouched: string[] = [];
  const answered: string[] = [];
  for (let i = 0; i < perWrite; i++) untouched.push(await create());
  for (let i = 0; i < perWrite; i++) {
    const id = await create();
    await reply(id);
    answered.push(id);
  }
  // A typical ticket page: the request, two replies, a note and a change.
  const page = await create();
  await reply(page);
  await reply(page);
  expectStatus(await call(agent, "POST", ticketPath(page, "/notes"), { body: "Checked the SSO logs." }), 201);
  expectStatus(await call(agent, "PATCH", ticketPath(page), { priority: "high" }), 200);

  const take = (pool: string[]) => () => {
    const id = pool.shift();
    if (!id) throw new Error("the pool of fresh tickets ran out");
    return id;
  };
  const read = (operation: string, persona: Persona, path: string, note?: string): RouteCase => ({
    operation,
    persona,
    method: "GET",
    status: 200,
    next: () => ({ path }),
    note,
  });
  const nextUntouched = take(untouched);
  const nextAnswered = take(answered);
  const routes: RouteCase[] = [
    read("GET /v1/me", agent, "/v1/me"),
    read("GET /v1/clients", agent, "/v1/clients"),
    read("GET ticket page", agent, ticketPath(page), "4 messages, 2 event items"),
    read("GET /v1/tickets?view=client", agent, `/v1/tickets?view=client&clientId=${client}&status=open`, "page of 50"),
    read("GET /v1/tickets?view=all", admin, "/v1/tickets?view=all&status=new", "admin, 2 clients; page of 50"),
    read("GET /v1/tickets/counts", agent, "/v1/tickets/counts"),
    {
      operation: "POST /v1/tickets",
      persona: agent,
      method: "POST",
      status: 201,
      next: () => ({ path: "/v1/tickets", body: newTicket() }),
      writes: true,
    },
    {
      operation: "PATCH ticket (priority)",
      persona: agent,
      method: "PATCH",
      status: 200,
      next: () => {
        const id = nextUntouched();
        return { path: ticketPath(id), body: { priority: "high" } };
      },
      writes: true,
    },
    {
      operation: "POST reply",
      persona: agent,
      method: "POST",
      status: 201,
      next: () => {
        const id = nextAnswered();
        return { path: ticketPath(id, "/replies"), body: { body: REPLY } };
      },
      writes: true,
    },
  ];
  const rows: Row[] = [];
  for (const route of routes) rows.push(await measureRoute(route));
  return rows;
}

/** Ratios above 1 are ceilings (our time ÷ bare Hono's); below 1, floors (direct time ÷ route time). */
const meets = (row: Row) => (row.target > 1 ? row.measured <= row.target : row.measured >= row.target);

export function printOverhead(rows: Row[]) {
  const width = Math.max(...rows.map((row) => row.operation.length), 9);
  const lines = [
    "Per-request overhead (ratios of mean times, measured in one run)",
    `${"operation".padEnd(width)}  ratio  target  ok  note`,
    `${"-".repeat(width)}  -----  ------  --  ----`,
    ...rows.map(
      (row) =>
        `${row.operation.padEnd(width)}  ${row.measured.toFixed(2).padStart(5)}  ${`${row.target > 1 ? "≤" : "≥"} ${row.target}`.padStart(6)}  ${meets(row) ? "✓ " : "✗ "}  ${row.note ?? ""}`,
    ),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

await runIfMain(import.meta.url, async () => {
  printOverhead(await overheadRows());
});
