import { type AttributeValue, BatchWriteItemCommand } from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { roundedMinutes, spread } from "@outdesk/core/billing/time";
import { withClock } from "@outdesk/core/clock";
import { Config } from "@outdesk/core/config";
import { Dynamo, Outdesk } from "@outdesk/core/dynamo";
import { dayIn, rollupShard } from "@outdesk/core/sla";
import { mulberry32 } from "@outdesk/local/random";
import { hourMiddle } from "../packages/core/src/billing/bands";
import { everyHour, hourIn } from "../packages/core/src/billing/usage";
import { queryPrefix } from "../packages/core/src/common/batch";
import { call, expectStatus, type Persona } from "../test/api";
import { createClient, createTicket, signup } from "../test/world";
import { runIfMain } from "./harness";

/**
 * What billing costs as a client grows, one run:
 * - a month's statement (GET …/billing-statements/{month}, and the lock) of a client with 50k
 *   tickets and 200k usage events against the same shape at 1k / 4k. Both months are written as
 *   the ticket writes and time approvals leave them (the ledger items, the usage rollups with
 *   their hours, the approved time's minute rollups), bulk-written; a few real ticket writes
 *   through the API land in each month too, and the statement must count them and read no new
 *   item. Timed in alternating rounds; items read, read units and requests beside;
 * - what metering adds to a ticket create, a public reply and a solve: requests, the items of
 *   the one TransactWriteItems (ledger and rollup items among them) and the write units with and
 *   without the metering items (those replayed alone into a scratch partition). The requests of
 *   create and reply are pinned in requests-per-operation.test.ts; billing.test.ts pins the rest.
 */
export interface BillingBenchReport {
  month: string;
  /** Rollup items a month can have at most: days × meters × shards. */
  bound: number;
  rounds: number;
  small: StatementSide;
  large: StatementSide;
  /** Median statement time, large ÷ small. */
  ratio: number;
  lockRatio: number;
  seedMs: number;
  metering: MeteringRow[];
}

export interface MonthShape {
  tickets: number;
  /** Usage events (ledger items): 4 a ticket. */
  events: number;
}

export interface StatementSide extends MonthShape {
  /** Ledger and rollup items bulk-written for the month. */
  ledgerItems: number;
  rollupItems: number;
  /** Mean attributes of the month's rollup items: a busy month fills more hours. */
  attributesPerItem: number;
  get: Measured;
  lock: Measured;
  /** Tickets created, solved, contacts and billable minutes the statement counted, and what was written. */
  counted: Totals;
  expected: Totals;
}

export interface Measured {
  medianMs: number;
  requests: number;
  readUnits: number;
  writeUnits: number;
  /** Items the Queries returned: rollups, ledger items, others (the calendar); and read (ScannedCount). */
  rollupItemsRead: number;
  ledgerItemsRead: number;
  otherItemsRead: number;
  itemsScanned: number;
}

/** A month's counts, as GET …/usage totals them. */
export interface Totals {
  ticketsCreated: number;
  ticketsSolved: number;
  ticketsSolvedFirstContact: number;
  ticketsReopened: number;
  contacts: number;
  handledMinutes: number;
  billableMinutes: number;
}

export interface MeteringRow {
  operation: string;
  requests: number;
  transactions: number;
  transactionItems: number;
  meteringItems: number;
  /** Write units as DynamoDB Local reports them (it bills a transaction by its largest item). */
  reportedWriteUnits: number;
  /** As AWS bills them: 2 a KB for each transaction item, index writes and other writes as reported. */
  writeUnits: number;
  meteringWriteUnits: number;
  /** Write units less the metering items': what the same write would cost unmetered. */
  unmeteredWriteUnits: number;
}

const TIME_ZONE = "Europe/Berlin";
const ROUNDS = 15;
const MINUTE = 60_000;
const SHARDS = 4;
const ROUNDING = { incrementMinutes: 6, minimumMinutes: 15 };

type Meter = "created" | "solved" | "solved_fc" | "reopened" | "contact";
type Billing = "billable" | "no_charge" | "do_not_bill";
/**
 * Eight kinds of ticket, four metered events (ledger items) each, in turn: every channel, solves
 * on first contact (solved_fc rides with the solve), one reopened from an earlier month and
 * solved again, one left open, and time of each billing kind. Tickets go round robin over (kind,
 * day, shard), so 8 × days × 4 tickets already fill every rollup item of the month: the small
 * month's worst case.
 */
const KINDS: { channel: string; events: Meter[]; billing: Billing }[] = [
  { channel: "email", events: ["created", "contact", "contact", "solved"], billing: "billable" },
  { channel: "email", events: ["created", "contact", "solved", "solved_fc"], billing: "billable" },
  { channel: "web", events: ["created", "contact", "contact", "solved"], billing: "no_charge" },
  { channel: "chat", events: ["created", "contact", "contact", "contact"], billing: "billable" },
  { channel: "phone", events: ["created", "contact", "contact", "solved"], billing: "do_not_bill" },
  { channel: "api", events: ["created", "contact", "contact", "solved"], billing: "billable" },
  { channel: "email", events: ["reopened", "contact", "contact", "solved"], billing: "billable" },
  { channel: "web", events: ["created", "contact", "solved", "solved_fc"], billing: "billable" },
];
const TOTAL_OF: Record<Meter, keyof Totals> = {
  created: "ticketsCreated",
  solved: "ticketsSolved",
  solved_fc: "ticketsSolvedFirstContact",
  reopened: "ticketsReopened",
  contact: "contacts",
};
/** Meters a day and shard can have: 4 ticket meters, 5 contact channels, 4 minute meters. */
const METERS = 4 + 5 + 4;
/** Relative weight of each hour of the day a ticket opens in: office hours, evenings, nights. */
const HOUR_WEIGHTS = [1, 1, 1, 1, 1, 1, 2, 4, 9, 10, 10, 10, 9, 10, 10, 10, 9, 7, 5, 4, 3, 2, 2, 1];

async function writeAll(items: Record<string, AttributeValue>[]) {
  const writer = batchWriter();
  for (const item of items) await writer.add(item);
  await writer.done();
}

/** The last finished month in the client's zone (a month is locked once it is over). */
export function lastMonth(now = Date.now()): string {
  const [year, month] = dayIn(TIME_ZONE, now).slice(0, 7).split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, month - 2, 1)).toISOString().slice(0, 7);
}

/** The days of a month, 1 to 28–31. */
const monthDays = (month: string) => {
  const [year, m] = month.split("-").map(Number) as [number, number];
  return Array.from({ length: new Date(Date.UTC(year, m, 0)).getUTCDate() }, (_, i) => i + 1);
};

/** An instant `minute` minutes into a day of the client's zone. */
const instant = (day: string, minute: number) =>
  hourMiddle(day, Math.floor(minute / 60), TIME_ZONE) - 30 * MINUTE + (minute % 60) * MINUTE;

const noTotals = (): Totals => ({
  ticketsCreated: 0,
  ticketsSolved: 0,
  ticketsSolvedFirstContact: 0,
  ticketsReopened: 0,
  contacts: 0,
  handledMinutes: 0,
  billableMinutes: 0,
});

/** BatchWriteItem in the background, 25 items a request and `concurrency` requests at once; unprocessed items are sent again. */
function batchWriter(concurrency = 8) {
  const running = new Set<Promise<void>>();
  let batch: Record<string, AttributeValue>[] = [];
  const send = async (items: Record<string, AttributeValue>[]) => {
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const output = await Dynamo.raw().send(
        new BatchWriteItemCommand({ RequestItems: { [Dynamo.table()]: pending } }),
      );
      pending = (output.UnprocessedItems?.[Dynamo.table()] ?? []) as typeof pending;
    }
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const sending = send(batch).finally(() => running.delete(sending));
    running.add(sending);
    batch = [];
    if (running.size >= concurrency) await Promise.race(running);
  };
  return {
    written: 0,
    async add(item: Record<string, AttributeValue>) {
      batch.push(item);
      this.written++;
      if (batch.length === 25) await flush();
    },
    async done() {
      await flush();
      await Promise.all(running);
    },
  };
}

const S = (value: string): AttributeValue => ({ S: value });

/**
 * A ledger item as `usageEvent.create` writes it, built by hand: ElectroDB's put().params() costs
 * half a millisecond an item. Every 1,000th is compared with ElectroDB's own.
 */
function ledgerItem(fields: {
  providerId: string;
  clientId: string;
  month: string;
  at: string;
  ticketId: string;
  ticketKey: string;
  meter: string;
  channel: string;
  actorId: string;
}): Record<string, AttributeValue> {
  const { providerId, clientId, month, at, ticketId, meter } = fields;
  return {
    providerId: S(providerId),
    clientId: S(clientId),
    month: S(month),
    at: S(at),
    ticketId: S(ticketId),
    seq: { N: "0" },
    ticketKey: S(fields.ticketKey),
    meter: S(meter),
    channel: S(fields.channel),
    actorId: S(fields.actorId),
    pk: S(`${providerId}#${clientId}#${month}`),
    sk: S(`use#${meter}#${at}#${ticketId}#0`),
    e: S("usageEvent"),
    v: S("1"),
  };
}

function assertLedgerShape(item: Record<string, AttributeValue>) {
  const fields = unmarshall(item);
  const electro = marshall(Outdesk.entities.usageEvent.put(fields as never).params().Item, {
    removeUndefinedValues: true,
  });
  const sorted = (o: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(o).sort()));
  if (sorted(item) !== sorted(electro))
    throw new Error(`a seeded ledger item differs from usageEvent's: ${sorted(item)} vs ${sorted(electro)}`);
}

/**
 * A client's month of tickets written as the ledger and rollup items their writes leave: per
 * ticket, its kind's four events (created, contacts, solved, solved on first contact, reopened),
 * each a ledger item and a count in its hour's rollup; and one approved time entry, its minutes
 * spread over the hours it covers in the worked, handled, billable (rounded) and no-charge
 * rollups, as an approval adds them. Ledger items are written while they are made.
 */
export async function seedMonth(
  providerId: string,
  clientId: string,
  month: string,
  tickets: number,
  seed: number,
  days = monthDays(month),
) {
  const next = mulberry32(seed);
  const cells = days.length * SHARDS;
  if (tickets < KINDS.length * cells)
    throw new Error(
      `${tickets} tickets leave rollup items of ${days.length} days empty: at least ${KINDS.length * cells}`,
    );
  const rollups = new Map<string, { day: string; meter: string; shard: string; add: Record<string, number> }>();
  const addTo = (day: string, meter: string, shard: string, add: Record<string, number>) => {
    const id = `${day}|${meter}|${shard}`;
    const into = rollups.get(id) ?? { day, meter, shard, add: {} };
    rollups.set(id, into);
    for (const [name, by] of Object.entries(add)) into.add[name] = (into.add[name] ?? 0) + by;
  };
  const ledger = batchWriter();
  let sample: Record<string, AttributeValue> | undefined;
  const expected = noTotals();
  const hourTotal = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
  const pickHour = () => {
    let left = next() * hourTotal;
    for (const [hour, weight] of HOUR_WEIGHTS.entries()) {
      left -= weight;
      if (left < 0) return hour;
    }
    return 23;
  };
  const midnights = new Map<string, number>();
  const minuteOf = (day: string, minute: number) => {
    const midnight = midnights.get(day) ?? instant(day, 0);
    midnights.set(day, midnight);
    return midnight + minute * MINUTE;
  };
  for (let i = 0; i < tickets; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const cell = Math.floor(i / KINDS.length) % cells;
    const day = `${month}-${String(days[cell % days.length]).padStart(2, "0")}`;
    const shard = String(Math.floor(cell / days.length));
    let attempt = 0;
    let ticketId = `tkt_bill${seed}x${i}`;
    while (rollupShard(ticketId) !== shard) ticketId = `tkt_bill${seed}x${i}x${++attempt}`;
    // Events from the opening on, up to 90 minutes apart, all inside the day.
    const opened = pickHour() * 60 + Math.floor(next() * 60);
    const gap = Math.max(0, Math.min(90, Math.floor((1439 - opened) / kind.events.length)));
    let minute = opened;
    for (const [k, meter] of kind.events.entries()) {
      // Seconds and milliseconds as a write stamps them; a ticket's events never share an instant.
      const at = new Date(minuteOf(day, minute) + k * 1000 + Math.floor(next() * 999)).toISOString();
      const name = meter === "contact" ? `contact_${kind.channel}` : meter;
      const item = ledgerItem({
        providerId,
        clientId,
        month,
        at,
        ticketId,
        ticketKey: `BILL-${i + 1}`,
        meter: name,
        channel: kind.channel,
        actorId: "usr_bench",
      });
      if (ledger.written % 1000 === 0) assertLedgerShape(item);
      sample ??= item;
      await ledger.add(item);
      addTo(dayIn(TIME_ZONE, at), name, shard, { [`h${hourIn(TIME_ZONE, at)}`]: 1, total: 1 });
      expected[TOTAL_OF[meter]]++;
      minute += Math.floor(gap * (0.1 + 0.9 * next()));
    }
    // One approved entry of 6–45 minutes, started during the ticket's work.
    const minutes = 6 + Math.floor(next() * 40);
    const startedAt = new Date(minuteOf(day, Math.min(opened + 5, 1439 - 60))).toISOString();
    const billed = kind.billing === "billable" ? roundedMinutes(minutes, ROUNDING) : 0;
    const meters: [string, number][] = [["worked", minutes]];
    if (kind.billing !== "do_not_bill") meters.push(["handled", minutes]);
    if (kind.billing === "billable") meters.push(["billable", billed]);
    if (kind.billing === "no_charge") meters.push(["no_charge", minutes]);
    for (const [meter, n] of meters)
      for (const [spanDay, add] of spread(startedAt, n, TIME_ZONE)) addTo(spanDay, meter, shard, add);
    if (kind.billing !== "do_not_bill") expected.handledMinutes += minutes;
    expected.billableMinutes += billed;
  }
  await ledger.done();
  const rollupItems = [...rollups.values()].map(({ add, ...keys }) =>
    marshall(
      Outdesk.entities.usageRollup.put({ providerId, clientId, ...keys, ...everyHour(add) } as never).params().Item,
      {
        removeUndefinedValues: true,
      },
    ),
  );
  await writeAll(rollupItems);
  const attributes = rollupItems.reduce((n, item) => n + Object.keys(item).length, 0) / rollupItems.length;
  return {
    ledgerItems: ledger.written,
    rollupItems: rollupItems.length,
    attributesPerItem: Math.round(attributes * 10) / 10,
    /** Attribute names of the seeded items, hours folded, for comparison with real writes'. */
    shapes: {
      "use#": attributeNames([unmarshall(sample!)]),
      "usr#": attributeNames(rollupItems.map((r) => unmarshall(r))),
    },
    expected,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

// --- What each request sent and got back, beside Dynamo.measure's totals ---

interface Sent {
  command: string;
  input: Record<string, unknown>;
  output: Record<string, unknown>;
}
const sent: Sent[] = [];
const watched = new WeakSet<object>();
let recording = false;

/** Runs `work` with every DynamoDB command it sends recorded (input and output), and its usage. */
export async function recorded<T>(work: () => Promise<T>) {
  const client = Dynamo.raw();
  if (!watched.has(client)) {
    watched.add(client);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (recording)
          sent.push({
            command: context.commandName ?? "",
            input: args.input as Record<string, unknown>,
            output: result.output as unknown as Record<string, unknown>,
          });
        return result;
      },
      { step: "initialize", name: "benchBillingRecorder" },
    );
  }
  sent.length = 0;
  recording = true;
  try {
    const usage = await Dynamo.measure(work);
    return { ...usage, sent: [...sent] };
  } finally {
    recording = false;
  }
}

const skOf = (item: unknown): string => {
  const sk = (item as { sk?: AttributeValue | string } | undefined)?.sk;
  return typeof sk === "string" ? sk : (sk?.S ?? "");
};
const isMetering = (sk: string) => sk.startsWith("use#") || sk.startsWith("usr#");

/** Items the Queries of a recording returned (rollup, ledger, other) and read. */
export function queried(records: Sent[]) {
  const read = { rollupItemsRead: 0, ledgerItemsRead: 0, otherItemsRead: 0, itemsScanned: 0 };
  for (const { command, output } of records) {
    if (command !== "QueryCommand") continue;
    read.itemsScanned += (output.ScannedCount as number) ?? 0;
    for (const item of (output.Items as unknown[]) ?? []) {
      const sk = skOf(item);
      if (sk.startsWith("usr#")) read.rollupItemsRead++;
      else if (sk.startsWith("use#")) read.ledgerItemsRead++;
      else read.otherItemsRead++;
    }
  }
  return read;
}

/** The TransactWriteItems of a recording: their items, and the ledger and rollup items among them. */
export function transactions(records: Sent[]) {
  const writes = records.filter((r) => r.command === "TransactWriteItemsCommand");
  const items = writes.flatMap(
    (w) => (w.input.TransactItems as Record<string, { Item?: unknown; Key?: unknown }>[]) ?? [],
  );
  const metering = items.filter((item) => {
    const body = item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck;
    return isMetering(skOf(body?.Item ?? body?.Key));
  });
  return { transactions: writes.length, items, metering };
}

/** A value's size as DynamoDB counts it: UTF-8 bytes, numbers ≈ 1 byte per 2 digits + 1, 3 bytes a list or map. */
function sizeOf(value: unknown): number {
  if (typeof value === "string") return Buffer.byteLength(value);
  if (typeof value === "number")
    return (
      Math.ceil(
        String(Math.abs(value))
          .replace(/[.-]|e.*$/g, "")
          .replace(/^0+/, "").length / 2,
      ) + 1
    );
  if (typeof value === "boolean" || value === null) return 1;
  if (value instanceof Uint8Array) return value.length;
  if (value instanceof Set) return [...value].reduce((n, v) => n + sizeOf(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((n, v) => n + 1 + sizeOf(v), 0);
  return 3 + Object.entries(value as object).reduce((n, [k, v]) => n + 1 + Buffer.byteLength(k) + sizeOf(v), 0);
}
const itemSize = (item: Record<string, unknown>) =>
  Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + sizeOf(v), 0);

/**
 * Write units of each item of the recorded transactions as AWS bills a transaction: 2 per KB of
 * the item (the written item for a put; for an update, check or delete the item as it is after
 * the write, read back here). DynamoDB Local reports a transaction by its largest item alone.
 */
async function transactionItemUnits(items: Record<string, Record<string, unknown>>[]) {
  const { GetItemCommand } = Dynamo.commands();
  const units: number[] = [];
  for (const item of items) {
    const body = (item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck)!;
    let image = body.Item as Record<string, unknown> | undefined;
    if (!image) {
      const key = marshall(body.Key as Record<string, unknown>);
      const { Item } = await Dynamo.raw().send(new GetItemCommand({ TableName: Dynamo.table(), Key: key }));
      image = Item ? unmarshall(Item) : (body.Key as Record<string, unknown>);
    }
    units.push(2 * Math.max(1, Math.ceil(itemSize(image) / 1024)));
  }
  return units;
}

/** The table's (not the indexes') write units DynamoDB Local reported for the recorded transactions. */
function reportedTableUnits(records: Sent[]) {
  let units = 0;
  for (const { command, output } of records) {
    if (command !== "TransactWriteItemsCommand") continue;
    for (const c of (output.ConsumedCapacity as { Table?: { CapacityUnits?: number } }[] | undefined) ?? [])
      units += c.Table?.CapacityUnits ?? 0;
  }
  return units;
}

// --- (a) the month's statement at two sizes ---

const calendarSchedule = {
  timeZone: TIME_ZONE,
  hours: ["mon", "tue", "wed", "thu", "fri"].map((day) => ({ day, from: "08:00", to: "18:00" })),
  holidays: [{ date: "2026-11-01", name: "All Saints' Day", yearly: true }],
};

const termsWith = (calendarId: string) => ({
  name: "Managed desk",
  currency: "EUR",
  components: [
    { kind: "fixed_fee", name: "Platform", amount: 250_000 },
    {
      kind: "per_unit",
      name: "Solved tickets",
      meter: "tickets_solved",
      pricing: "graduated",
      tiers: [
        { upTo: 1_000, unitPrice: 300 },
        { upTo: 10_000, unitPrice: 200 },
        { upTo: null, unitPrice: 100 },
      ],
    },
    {
      kind: "per_unit",
      name: "Chat contacts",
      meter: "contacts",
      channel: "chat",
      pricing: "volume",
      tiers: [
        { upTo: 5_000, unitPrice: 50 },
        { upTo: null, unitPrice: 30 },
      ],
    },
    { kind: "agent_hours", name: "Agent time", hourlyRate: 4_500 },
  ],
  rounding: ROUNDING,
  multipliers: { calendarId, afterHours: 1.5, weekend: 2, holiday: 2 },
});

type Counted = Pick<Totals, "ticketsCreated" | "ticketsSolved" | "contacts" | "handledMinutes" | "billableMinutes">;
const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/** What a statement rated, in the bench's totals. */
function ratedOf(body: {
  usage: {
    ticketsCreated: number;
    ticketsSolved: number;
    contacts: Record<string, number>;
    handledMinutes: Record<string, number>;
    billableMinutes: Record<string, number>;
  };
}): Counted {
  return {
    ticketsCreated: body.usage.ticketsCreated,
    ticketsSolved: body.usage.ticketsSolved,
    contacts: sum(body.usage.contacts),
    handledMinutes: sum(body.usage.handledMinutes),
    billableMinutes: sum(body.usage.billableMinutes),
  };
}

/** Every count of the month, from GET …/usage. */
async function usageTotals(admin: Persona, clientId: string, month: string): Promise<Totals> {
  const { totals } = expectStatus(await call(admin, "GET", `/v1/clients/${clientId}/usage?month=${month}`), 200).body;
  return {
    ticketsCreated: totals.ticketsCreated,
    ticketsSolved: totals.ticketsSolved,
    ticketsSolvedFirstContact: totals.ticketsSolvedFirstContact,
    ticketsReopened: totals.ticketsReopened,
    contacts: sum(totals.contacts),
    handledMinutes: totals.handledMinutes,
    billableMinutes: totals.billableMinutes,
  };
}

/** Throws unless `got` has `want`'s numbers. */
function expectCounts(what: string, got: Partial<Totals>, want: Totals) {
  for (const [key, n] of Object.entries(got))
    if (n !== want[key as keyof Totals])
      throw new Error(`${what}: ${key} is ${n}, expected ${want[key as keyof Totals]}`);
}

/**
 * A few writes through the API into the month, at its own instants: tickets created (web), a
 * public reply each, solved, and an approved 20-minute time entry each. Returns what they meter.
 */
async function realWrites(
  admin: Persona,
  clientId: string,
  month: string,
  days: number[],
  tickets: number,
): Promise<Totals> {
  const path = (id: string, rest = "") => `/v1/clients/${clientId}/tickets/${id}${rest}`;
  const added = noTotals();
  // In a month of every day: a Tuesday morning, a Saturday, a Saturday evening (three bands).
  for (const [n, wanted] of [3, 14, 21].slice(0, tickets).entries()) {
    const day = `${month}-${String(days.includes(wanted) ? wanted : days[0]!).padStart(2, "0")}`;
    const opened = instant(day, [9 * 60 + 10, 11 * 60, 19 * 60 + 40][n]!);
    const id = await withClock(opened, () => createTicket(admin, clientId, `Real write ${n}`, { channel: "web" }));
    await withClock(opened + 20 * MINUTE, () =>
      call(admin, "POST", path(id, "/replies"), { body: "Looking into it.", email: { send: false } }),
    ).then((r) => expectStatus(r, 201));
    await withClock(opened + 50 * MINUTE, () => call(admin, "PATCH", path(id), { status: "solved" })).then((r) =>
      expectStatus(r, 200),
    );
    const entry = expectStatus(
      await call(admin, "POST", path(id, "/time-entries"), {
        minutes: 20,
        startedAt: new Date(opened + 5 * MINUTE).toISOString(),
      }),
      201,
    ).body;
    expectStatus(await call(admin, "POST", path(id, `/time-entries/${entry.id}/approve`), {}), 200);
    // Created, one public reply, solved: a solve on first contact too.
    added.ticketsCreated++;
    added.contacts++;
    added.ticketsSolved++;
    added.ticketsSolvedFirstContact++;
    added.handledMinutes += 20;
    added.billableMinutes += roundedMinutes(20, ROUNDING);
  }
  return added;
}

/** The attribute names items carry, hours folded into one (`h*`), sorted. */
function attributeNames(items: Record<string, unknown>[]) {
  const names = new Set(items.flatMap((item) => Object.keys(item).map((name) => (/^h\d+$/.test(name) ? "h*" : name))));
  return [...names].sort().join(",");
}

export interface StatementOptions {
  small: MonthShape;
  large: MonthShape;
  rounds?: number;
  /** Days of the month the tickets fall on (default: every day). */
  days?: number[];
  /** Tickets written through the API into each month (1–3, default 3). */
  realTickets?: number;
}

export async function statementsAtScale(admin: Persona, options: StatementOptions) {
  const month = lastMonth();
  const rounds = options.rounds ?? ROUNDS;
  const days = options.days ?? monthDays(month);
  const realTickets = options.realTickets ?? 3;
  const calendar = expectStatus(
    await call(admin, "POST", "/v1/calendars", { name: "Office hours", schedule: calendarSchedule }),
    201,
  ).body;
  const started = performance.now();
  const sides = [];
  for (const [n, shape] of [options.small, options.large].entries()) {
    if (shape.events !== shape.tickets * 4) throw new Error("the bench's tickets meter 4 events each");
    const clientId = await createClient(admin, `billing-${n}-${shape.tickets}-${Date.now().toString(36)}`);
    expectStatus(
      await call(admin, "POST", `/v1/clients/${clientId}/contract/versions`, {
        effectiveFrom: month,
        terms: termsWith(calendar.id),
      }),
      201,
    );
    const seeded = await seedMonth(admin.providerId!, clientId, month, shape.tickets, n + 1, days);
    sides.push({ shape, clientId, seeded });
  }
  const seedMs = performance.now() - started;

  const statementPath = (clientId: string) => `/v1/clients/${clientId}/billing-statements`;
  const get = (clientId: string) =>
    recorded(async () => expectStatus(await call(admin, "GET", `${statementPath(clientId)}/${month}`), 200).body);
  const lock = async (clientId: string) => {
    const result = await recorded(async () =>
      expectStatus(await call(admin, "POST", statementPath(clientId), { month }), 201),
    );
    // Unlocked again outside the measure, so every round locks the same month.
    await Outdesk.entities.billingPeriod.delete({ providerId: admin.providerId!, clientId, month }).go();
    return result;
  };

  // The seeded months as written, then with the real writes in them: counted, and no new item read.
  const checks: { counted: Totals; expected: Totals }[] = [];
  for (const side of sides) {
    const before = await get(side.clientId);
    expectCounts("the seeded month's statement", ratedOf(before.result), side.seeded.expected);
    expectCounts("the seeded month's usage", await usageTotals(admin, side.clientId, month), side.seeded.expected);
    const added = await realWrites(admin, side.clientId, month, days, realTickets);
    const expected = { ...side.seeded.expected };
    for (const key of Object.keys(added) as (keyof Totals)[]) expected[key] += added[key];
    const after = await get(side.clientId);
    expectCounts("with real writes, the statement", ratedOf(after.result), expected);
    const counted = await usageTotals(admin, side.clientId, month);
    expectCounts("with real writes, the usage", counted, expected);
    const [readBefore, readAfter] = [queried(before.sent).rollupItemsRead, queried(after.sent).rollupItemsRead];
    if (readAfter !== readBefore)
      throw new Error(
        `real writes made new rollup items (${readBefore} → ${readAfter}): seeded keys differ from real ones`,
      );
    checks.push({ counted, expected });
  }
  // The seeded items carry the attributes real writes give theirs: the same writes into a client of their own.
  const probe = await createClient(admin, `billing-probe-${Date.now().toString(36)}`);
  await realWrites(admin, probe, month, days, realTickets);
  for (const prefix of ["use#", "usr#"] as const) {
    const [pk, sk] =
      prefix === "use#"
        ? [`${admin.providerId}#${probe}#${month}`, prefix]
        : [`${admin.providerId}#${probe}`, `${prefix}${month}`];
    const real = attributeNames(await queryPrefix(pk, sk));
    const written = sides[0]!.seeded.shapes[prefix];
    if (real !== written) throw new Error(`${prefix} items: real writes give ${real}, the seed ${written}`);
  }

  for (const side of sides) await get(side.clientId);
  const times = { get: [[], []] as number[][], lock: [[], []] as number[][] };
  const last: { get: Awaited<ReturnType<typeof get>>[]; lock: Awaited<ReturnType<typeof lock>>[] } = {
    get: [],
    lock: [],
  };
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first, so neither always runs on a calmer machine.
    for (const n of round % 2 ? [1, 0] : [0, 1]) {
      const clientId = sides[n]!.clientId;
      let t = performance.now();
      last.get[n] = await get(clientId);
      times.get[n]!.push(performance.now() - t);
      t = performance.now();
      last.lock[n] = await lock(clientId);
      times.lock[n]!.push(performance.now() - t);
    }
  }
  const measured = (what: "get" | "lock", n: number): Measured => {
    const run = last[what][n]!;
    return {
      medianMs: median(times[what][n]!),
      requests: run.requests,
      readUnits: run.readUnits,
      writeUnits: run.writeUnits,
      ...queried(run.sent),
    };
  };
  const [small, large] = sides.map(
    (side, n): StatementSide => ({
      ...side.shape,
      ledgerItems: side.seeded.ledgerItems,
      rollupItems: side.seeded.rollupItems,
      attributesPerItem: side.seeded.attributesPerItem,
      get: measured("get", n),
      lock: measured("lock", n),
      ...checks[n]!,
    }),
  ) as [StatementSide, StatementSide];
  return {
    month,
    bound: days.length * METERS * SHARDS,
    rounds,
    small,
    large,
    ratio: large.get.medianMs / small.get.medianMs,
    lockRatio: large.lock.medianMs / small.lock.medianMs,
    seedMs,
  };
}

// --- (b) what metering adds to a ticket write ---

/** Mean requests, transaction items and write units of `times` runs of each ticket write, metered or not. */
export async function meteringPerOperation(admin: Persona, times = 5): Promise<MeteringRow[]> {
  const clientId = await createClient(admin, `billing-ops-${Date.now().toString(36)}`);
  const path = (id: string, rest = "") => `/v1/clients/${clientId}/tickets/${id}${rest}`;
  const create = (i: number) =>
    call(admin, "POST", "/v1/tickets", {
      clientId,
      subject: `Cannot sign in to the portal (${i})`,
      body: "Since this morning none of our team can sign in. Can you take a look?",
      requester: { name: "Riley Requester", email: "riley@customer.example" },
    }).then((r) => expectStatus(r, 201).body.id as string);
  const ids: string[] = [];
  const rows: MeteringRow[] = [];
  const row = async (operation: string, work: (i: number) => Promise<unknown>) => {
    const total = {
      requests: 0,
      transactions: 0,
      transactionItems: 0,
      meteringItems: 0,
      reported: 0,
      writeUnits: 0,
      metering: 0,
    };
    for (let i = 0; i < times; i++) {
      const run = await recorded(() => work(i));
      const tx = transactions(run.sent);
      total.requests += run.requests;
      total.transactions += tx.transactions;
      total.transactionItems += tx.items.length;
      total.meteringItems += tx.metering.length;
      total.reported += run.writeUnits;
      const units = await transactionItemUnits(tx.items as never);
      const billed = units.reduce((a, b) => a + b, 0);
      total.writeUnits += run.writeUnits - reportedTableUnits(run.sent) + billed;
      total.metering += tx.items.reduce((n, item, k) => n + (tx.metering.includes(item) ? units[k]! : 0), 0);
    }
    const mean = (n: number) => Math.round((n / times) * 100) / 100;
    rows.push({
      operation,
      requests: mean(total.requests),
      transactions: mean(total.transactions),
      transactionItems: mean(total.transactionItems),
      meteringItems: mean(total.meteringItems),
      reportedWriteUnits: mean(total.reported),
      writeUnits: mean(total.writeUnits),
      meteringWriteUnits: mean(total.metering),
      unmeteredWriteUnits: mean(total.writeUnits - total.metering),
    });
  };
  const reply = { body: "We rolled the certificate back; sign-in works again.", email: { send: false } };
  await row("create ticket (meters created)", async (i) => ids.push(await create(i)));
  await row("first public reply (contact; new → open)", (i) => call(admin, "POST", path(ids[i]!, "/replies"), reply));
  await row("public reply (contact)", (i) => call(admin, "POST", path(ids[i]!, "/replies"), reply));
  await row("internal note (meters nothing)", (i) =>
    call(admin, "POST", path(ids[i]!, "/notes"), { body: "Checked the IdP logs." }).then((r) => expectStatus(r, 201)),
  );
  await row("PATCH status: pending (meters nothing)", (i) =>
    call(admin, "PATCH", path(ids[i]!), { status: "pending" }).then((r) => expectStatus(r, 200)),
  );
  await row("solve (PATCH status: solved)", (i) =>
    call(admin, "PATCH", path(ids[i]!), { status: "solved" }).then((r) => expectStatus(r, 200)),
  );
  await row("reopen (PATCH status: open)", (i) =>
    call(admin, "PATCH", path(ids[i]!), { status: "open" }).then((r) => expectStatus(r, 200)),
  );
  return rows;
}

export async function billingReport(): Promise<BillingBenchReport> {
  // Costs on a warm instance: the session re-check (a BatchGet per session every
  // credentialCacheMs) is a rate per session, not part of a statement or a write.
  const cache = Config.get("credentialCacheMs");
  Config.configure({ credentialCacheMs: 600_000 });
  try {
    const admin = await signup(`billing-bench-${Date.now().toString(36)}`);
    const statements = await statementsAtScale(admin, {
      small: { tickets: 1_000, events: 4_000 },
      large: { tickets: 50_000, events: 200_000 },
    });
    return { ...statements, metering: await meteringPerOperation(admin) };
  } finally {
    Config.configure({ credentialCacheMs: cache });
  }
}

export function printBilling(report: BillingBenchReport) {
  const side = (s: StatementSide) => {
    const what = (name: string, m: Measured) =>
      `${name} ${m.medianMs.toFixed(1).padStart(6)} ms  ${String(m.rollupItemsRead).padStart(4)} rollup items read (${m.ledgerItemsRead} ledger, ${m.otherItemsRead} other; ${m.itemsScanned} scanned)  ${m.requests} requests  ${m.readUnits} RRU  ${m.writeUnits} WRU`;
    return [
      `  ${`${s.tickets.toLocaleString("en")} tickets / ${s.events.toLocaleString("en")} events`.padEnd(27)} ${what("get", s.get)}`,
      `  ${"".padEnd(27)} ${what("lock", s.lock)}`,
      `  ${"".padEnd(27)} (${s.ledgerItems.toLocaleString("en")} ledger + ${s.rollupItems} rollup items written, ${s.attributesPerItem} attributes a rollup; counted with the real tickets' writes: ${s.counted.ticketsCreated} created, ${s.counted.ticketsSolved} solved (${s.counted.ticketsSolvedFirstContact} first contact), ${s.counted.ticketsReopened} reopened, ${s.counted.contacts} contacts, ${s.counted.billableMinutes} billable minutes, as written)`,
    ];
  };
  const r = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const { small, large } = report;
  const width = Math.max(...report.metering.map((m) => m.operation.length));
  const lines = [
    `Billing statement, ${report.month} (target: ≤ 1.5× from 1k tickets / 4k events to 50k / 200k; at most ${report.bound} rollup items a month), median of ${report.rounds} alternating rounds; months written in ${(report.seedMs / 1000).toFixed(1)} s`,
    ...side(small),
    ...side(large),
    `  time ratio 50k ÷ 1k: get ${report.ratio.toFixed(2)}×, lock ${report.lockRatio.toFixed(2)}×   rollup items read: ${r(large.get.rollupItemsRead, small.get.rollupItemsRead)}   RRU: ${r(large.get.readUnits, small.get.readUnits)}   requests: ${r(large.get.requests, small.get.requests)}   attributes a rollup: ${r(large.attributesPerItem, small.attributesPerItem)}`,
    "What metering adds to a ticket write (target: 0 requests; ledger + rollup items inside the one TransactWriteItems), mean of 5 runs;",
    "  WCU as AWS bills a transaction (2 a KB per item; DynamoDB Local reports only its largest item: 'Local WRU')",
    `${"  operation".padEnd(width + 2)}  requests  transactions  items  metering items  Local WRU  WCU  metering WCU  WCU unmetered`,
    ...report.metering.map(
      (m) =>
        `  ${m.operation.padEnd(width)}  ${String(m.requests).padStart(8)}  ${String(m.transactions).padStart(12)}  ${String(m.transactionItems).padStart(5)}  ${String(m.meteringItems).padStart(14)}  ${String(m.reportedWriteUnits).padStart(9)}  ${String(m.writeUnits).padStart(3)}  ${String(m.meteringWriteUnits).padStart(12)}  ${String(m.unmeteredWriteUnits).padStart(13)}`,
    ),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

await runIfMain(import.meta.url, async () => printBilling(await billingReport()));
