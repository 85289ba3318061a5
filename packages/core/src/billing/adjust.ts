import * as z from "zod";
import { assertClientAccess, assertRole } from "../actor";
import { writeTime } from "../clock";
import { queryPrefixPage } from "../common/batch";
import { Cursor } from "../common/cursor";
import { isConditionFailure } from "../common/transaction";
import { Outdesk } from "../dynamo";
import { Conflict, InvalidField, NotFound } from "../error";
import { fn } from "../fn";
import { createId } from "../id";
import { versionFor } from "./contract";
import { Month } from "./schema";
import { type BillingStatement, ExclusionInput, load, rateMonth, type StoredExclusion } from "./statement";

const MonthInput = z.object({ clientId: z.string().max(64), month: Month });

export const DisputeInfo = z
  .object({
    disputeId: z.string(),
    clientId: z.string(),
    month: z.string(),
    line: z.object({ index: z.number(), description: z.string(), amount: z.number(), currency: z.string() }),
    reason: z.string().describe("plain text, render inert"),
    status: z.enum(["open", "resolved"]),
    openedBy: z.string(),
    openedByName: z.string(),
    openedAt: z.string(),
    resolution: z
      .object({
        outcome: z.enum(["upheld", "rejected"]),
        note: z.string().describe("plain text, render inert"),
        by: z.string(),
        byName: z.string(),
        at: z.string(),
      })
      .nullable(),
  })
  .meta({ id: "BillingDispute" });
export type DisputeInfo = z.infer<typeof DisputeInfo>;

type DisputeItem = NonNullable<
  Awaited<ReturnType<ReturnType<typeof Outdesk.entities.billingDispute.get>["go"]>>["data"]
>;

function toDispute(item: DisputeItem): DisputeInfo {
  const opened = item.line as DisputeInfo["line"] & { byName?: string };
  return {
    disputeId: item.disputeId,
    clientId: item.clientId,
    month: item.month,
    line: { index: opened.index, description: opened.description, amount: opened.amount, currency: opened.currency },
    reason: item.reason,
    status: item.status,
    openedBy: item.openedBy,
    openedByName: opened.byName ?? item.openedBy,
    openedAt: item.openedAt,
    resolution: (item.resolution as DisputeInfo["resolution"]) ?? null,
  };
}

const DRILLS =
  /^(created|solved|solved_fc|reopened|contacts|contact:(email|web|api|phone|chat)|time:(billable|handled|worked))$/;

export const DrillItem = z
  .discriminatedUnion("kind", [
    z.object({
      kind: z.literal("ticket"),
      ticketId: z.string(),
      ticketKey: z.string(),
      at: z.string(),
      meter: z.string(),
      channel: z.string(),
    }),
    z.object({
      kind: z.literal("time"),
      entryId: z.string(),
      ticketId: z.string(),
      ticketKey: z.string(),
      agentId: z.string(),
      agentName: z.string(),
      date: z.string(),
      startedAt: z.string(),
      workType: z.string(),
      billing: z.string(),
      workedMinutes: z.number(),
      billableMinutes: z.number(),
      status: z.enum(["approved", "invoiced"]).describe("invoiced once the month is locked"),
    }),
  ])
  .meta({ id: "BillingDrillItem" });
type DrillItem = z.infer<typeof DrillItem>;

const PAGE = 100;

export namespace BillingAdjustments {
  export const Dispute = DisputeInfo;
  export const Item = DrillItem;
  export const Exclusions = z.strictObject({
    items: z.array(ExclusionInput).max(50),
    version: z.number().int().min(0).optional().describe("the exclusions' version last read (0: none yet)"),
  });

  /**
   * The tickets or approved time entries behind a statement line (`line.drill`), a page at a
   * time: ledger events of the month's meter (one Query of its sort-key range), or the month's
   * time entries by client (gsi10). Same for open, provisional and locked months: the ledger is
   * append-only and nothing is written into a locked month.
   */
  export const items = fn(
    MonthInput.extend({
      of: z.string().regex(DRILLS, "one of a statement line's `drill` values"),
      cursor: z.string().max(2000).optional(),
    }),
    async ({ clientId, month, of, cursor }) => {
      const { providerId } = assertClientAccess(clientId);
      assertRole("provider_admin", "client_admin");
      const { data: client } = await Outdesk.entities.client.get({ providerId, clientId }).go();
      if (!client) throw NotFound("Client");
      const binding = Cursor.binding(providerId, "billing.items.v1", { clientId, month, of });
      const start = cursor ? (JSON.parse(await Cursor.open(cursor, binding)) as Record<string, string>) : undefined;
      let items: DrillItem[];
      let next: Record<string, string> | null;
      if (of.startsWith("time:")) {
        const [{ data: locked }, page] = await Promise.all([
          Outdesk.entities.billingPeriod.get({ providerId, clientId, month }).go({ attributes: ["month"] }),
          Outdesk.entities.timeEntry.query
            .byClientMonth({ providerId, clientId, month })
            .where((a, { eq }) => eq(a.status, "approved"))
            .go({ limit: PAGE, cursor: start ? JSON.stringify(start) : null }),
        ]);
        const kind = of.slice("time:".length);
        items = page.data
          .filter(
            (e) => kind === "worked" || e.billing === "billable" || (kind === "handled" && e.billing === "no_charge"),
          )
          .map((e) => ({
            kind: "time",
            entryId: e.entryId,
            ticketId: e.ticketId,
            ticketKey: e.ticketKey,
            agentId: e.agentId,
            agentName: e.agentName,
            date: e.date,
            startedAt: e.startedAt,
            workType: e.workType,
            billing: e.billing,
            workedMinutes: e.minutes,
            billableMinutes: e.billedMinutes,
            status: locked ? "invoiced" : "approved",
          }));
        next = page.cursor ? (JSON.parse(page.cursor) as Record<string, string>) : null;
      } else {
        const meter = of === "contacts" ? "contact_" : of.startsWith("contact:") ? `contact_${of.slice(8)}#` : `${of}#`;
        const page = await queryPrefixPage(`${providerId}#${clientId}#${month}`, `use#${meter}`, {
          limit: PAGE,
          start,
        });
        items = Outdesk.entities.usageEvent.parse({ Items: page.items }).data.map((e) => ({
          kind: "ticket",
          ticketId: e.ticketId,
          ticketKey: e.ticketKey,
          at: e.at,
          meter: e.meter,
          channel: e.channel,
        }));
        next = page.next;
      }
      return { of, items, cursor: next ? await Cursor.seal(JSON.stringify(next), binding) : null };
    },
  );

  /**
   * Provider admins set a month's SLA-credit exclusions before it is locked: each names an
   * allocation of the contract version pricing the month, tickets among that metric's breaches
   * in the month's frozen SLA statement, a cause and a reason. Returns the re-rated statement.
   */
  export const setExclusions = fn(MonthInput.extend(Exclusions.shape), async ({ clientId, month, items, version }) => {
    const ctx = await load(clientId, month);
    const actor = assertRole("provider_admin");
    if (ctx.locked) throw Conflict(`${month} is locked: its credits do not change`);
    const terms = versionFor(ctx.versions, month)?.terms;
    if (!terms?.slaCredits) throw InvalidField(["items"], `the contract pricing ${month} has no SLA credit terms`);
    if (!ctx.sla)
      throw InvalidField(["month"], `freeze the SLA statement of ${month} first: exclusions name its breaches`);
    const sla = ctx.sla;
    const now = writeTime();
    const seen = new Set<string>();
    const stored: StoredExclusion[] = items.map((item, i) => {
      const allocation = terms.slaCredits!.allocations.find((a) => a.name === item.allocation);
      if (!allocation) throw InvalidField(["items", i, "allocation"], `no allocation named "${item.allocation}"`);
      let breaches = 0;
      item.ticketKeys.forEach((ticketKey, j) => {
        const id = `${item.allocation}|${ticketKey.toUpperCase()}`;
        if (seen.has(id)) throw InvalidField(["items", i, "ticketKeys", j], `${ticketKey} is excluded twice`);
        seen.add(id);
        const found = sla.breaches.filter(
          (b) =>
            b.ticketKey.toUpperCase() === ticketKey.toUpperCase() &&
            b.metric === allocation.metric &&
            (!allocation.priority || b.priority === allocation.priority),
        ).length;
        if (found === 0)
          throw InvalidField(
            ["items", i, "ticketKeys", j],
            `${ticketKey} has no ${allocation.metric.replaceAll("_", " ")} breach in the frozen SLA statement of ${month}`,
          );
        breaches += found;
      });
      return { ...item, breaches, by: actor.id, at: now };
    });
    const expected = version ?? ctx.exclusions?.version ?? 0;
    const key = { providerId: ctx.providerId, clientId, month };
    try {
      await Outdesk.entities.billingExclusions
        .put({ ...key, items: stored, version: expected + 1, updatedAt: now, updatedBy: actor.id })
        .where((a, { eq, notExists }) => (expected === 0 ? notExists(a.version) : eq(a.version, expected)))
        .go();
    } catch (error) {
      if (isConditionFailure(error))
        throw Conflict("The exclusions changed since you read them: reload and apply again");
      throw error;
    }
    return rateMonth(
      { ...ctx, exclusions: { ...key, items: stored, version: expected + 1, updatedAt: now, updatedBy: actor.id } },
      month,
    );
  });

  /** Client admins (and provider admins) dispute a line of a locked statement, with a reason. */
  export const openDispute = fn(
    MonthInput.extend({ line: z.number().int().min(0), reason: z.string().trim().min(1).max(2000) }),
    async ({ clientId, month, line, reason }) => {
      const ctx = await load(clientId, month);
      const actor = assertRole("client_admin", "provider_admin");
      if (!ctx.locked) throw Conflict(`Only a locked statement's lines are disputed: ${month} is not locked yet`);
      const statement = ctx.locked.statement as BillingStatement;
      const disputed = statement.lines[line];
      if (!disputed) throw InvalidField(["line"], `the statement has lines 0–${statement.lines.length - 1}`);
      const item = {
        providerId: ctx.providerId,
        clientId,
        month,
        disputeId: createId("dispute"),
        line: {
          index: line,
          description: disputed.description,
          amount: disputed.amount,
          currency: statement.currency,
          byName: actor.name ?? actor.id,
        },
        reason,
        status: "open" as const,
        openedBy: actor.id,
        openedAt: writeTime(),
      };
      await Outdesk.entities.billingDispute.create(item).go();
      return toDispute(item as DisputeItem);
    },
  );

  /** Provider admins resolve an open dispute: upheld (a credit note follows) or rejected, with a note. */
  export const resolveDispute = fn(
    MonthInput.extend({
      disputeId: z.string().max(64),
      outcome: z.enum(["upheld", "rejected"]),
      note: z.string().trim().min(1).max(2000),
    }),
    async ({ clientId, month, disputeId, outcome, note }) => {
      const { providerId } = assertClientAccess(clientId);
      const actor = assertRole("provider_admin");
      const key = { providerId, clientId, month, disputeId };
      const { data: current } = await Outdesk.entities.billingDispute.get(key).go();
      if (!current) throw NotFound("Dispute");
      const resolved = Conflict("The dispute is resolved already");
      if (current.status !== "open") throw resolved;
      const resolution = { outcome, note, by: actor.id, byName: actor.name ?? actor.id, at: writeTime() };
      try {
        const { data } = await Outdesk.entities.billingDispute
          .patch(key)
          .set({ status: "resolved", resolution })
          .composite({ openedAt: current.openedAt })
          .where((a, { eq }) => eq(a.status, "open"))
          .go({ response: "all_new" });
        return toDispute(data as DisputeItem);
      } catch (error) {
        if (isConditionFailure(error)) throw resolved;
        throw error;
      }
    },
  );

  /** A month's disputes of one client, oldest first. */
  export const disputes = fn(MonthInput, async ({ clientId, month }) => {
    const { providerId } = assertClientAccess(clientId);
    assertRole("provider_admin", "client_admin");
    const [{ data: client }, { data }] = await Promise.all([
      Outdesk.entities.client.get({ providerId, clientId }).go({ attributes: ["clientId"] }),
      Outdesk.entities.billingDispute.query.byMonth({ providerId, clientId, month }).go({ pages: "all" }),
    ]);
    if (!client) throw NotFound("Client");
    return { items: data.map((d) => toDispute(d as DisputeItem)) };
  });

  /** Provider admins: disputes across every client, by status, newest first. */
  export const providerDisputes = fn(
    z.object({ status: z.enum(["open", "resolved"]).default("open") }),
    async ({ status }) => {
      const { providerId } = assertRole("provider_admin");
      const [{ data }, { data: clients }] = await Promise.all([
        Outdesk.entities.billingDispute.query
          .byStatus({ providerId })
          .begins({ status })
          .go({ pages: "all", order: "desc" }),
        Outdesk.entities.client.query.byId({ providerId }).go({ pages: "all", attributes: ["clientId", "name"] }),
      ]);
      const names = new Map(clients.map((c) => [c.clientId, c.name]));
      return {
        items: data.map((d) => ({ ...toDispute(d as DisputeItem), clientName: names.get(d.clientId) ?? d.clientId })),
      };
    },
  );
}
