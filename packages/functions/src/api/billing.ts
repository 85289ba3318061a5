import { createRoute } from "@hono/zod-openapi";
import { BillingAdjustments, BillingStatements, Kpis } from "@outdesk/core/billing";
import { Month } from "@outdesk/core/billing/schema";
import * as z from "zod";
import { router } from "./context";
import { commonErrors, conflictError } from "./errors";
import { bearer, json, jsonBody } from "./http";
import { requireAuth } from "./middleware";

const month = z.object({ clientId: z.string().max(64), month: Month });
const dispute = month.extend({ disputeId: z.string().max(64) });
const tags = ["Billing"];
const base = "/{clientId}/billing-statements/{month}";
const Disputes = z.object({ items: z.array(BillingAdjustments.Dispute) }).meta({ id: "BillingDisputeList" });

/** A statement's drill-down, SLA-credit exclusions and disputes; a client's KPI pack. */
export const statementWork = router();
statementWork.use(requireAuth);
statementWork
  .openapi(
    createRoute({
      method: "get",
      path: `${base}/items`,
      tags,
      summary: "The tickets or time entries behind a statement line (provider admins and the client's admins)",
      description:
        "`of` is a line's `drill`: ledger events of a ticket meter (`created`, `solved`, `contact:email`, `contacts`, …) or the month's approved time entries (`time:billable`, `time:handled`). Pages of up to 100; pass `cursor` for the next.",
      security: bearer,
      request: {
        params: month,
        query: z.object({ of: z.string().max(40), cursor: z.string().max(2000).optional() }),
      },
      responses: {
        200: json(
          z
            .object({ of: z.string(), items: z.array(BillingAdjustments.Item), cursor: z.string().nullable() })
            .meta({ id: "BillingDrillPage" }),
          "A page of items",
        ),
        ...commonErrors,
      },
    }),
    async (c) => c.json(await BillingAdjustments.items({ ...c.req.valid("param"), ...c.req.valid("query") }), 200),
  )
  .openapi(
    createRoute({
      method: "put",
      path: `${base}/exclusions`,
      tags,
      summary: "Set a month's SLA-credit exclusions (provider admins; before the month is locked)",
      description:
        "Each exclusion names a credit allocation, tickets among that metric's breaches in the month's frozen SLA statement, a cause (client_waiting, force_majeure, other) and a reason; their breaches do not count in the allocation's compliance. Replaces the month's list; `version` guards against a concurrent edit (409). Returns the re-rated statement.",
      security: bearer,
      request: {
        params: month,
        body: jsonBody(BillingAdjustments.Exclusions.meta({ id: "BillingExclusionsInput" })),
      },
      responses: {
        200: json(BillingStatements.Info, "The statement with the exclusions"),
        ...commonErrors,
        ...conflictError,
      },
    }),
    async (c) =>
      c.json(await BillingAdjustments.setExclusions({ ...c.req.valid("param"), ...c.req.valid("json") }), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: `${base}/disputes`,
      tags,
      summary: "A month's disputed lines (provider admins and the client's admins)",
      security: bearer,
      request: { params: month },
      responses: { 200: json(Disputes, "Disputes, oldest first"), ...commonErrors },
    }),
    async (c) => c.json(await BillingAdjustments.disputes(c.req.valid("param")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: `${base}/disputes`,
      tags,
      summary: "Dispute a line of a locked statement (the client's admins)",
      description: "`line` is the line's index in the statement's `lines`. 409 until the month is locked.",
      security: bearer,
      request: {
        params: month,
        body: jsonBody(
          z
            .strictObject({ line: z.number().int().min(0), reason: z.string().max(2000) })
            .meta({ id: "BillingDisputeInput" }),
        ),
      },
      responses: { 201: json(BillingAdjustments.Dispute, "The dispute"), ...commonErrors, ...conflictError },
    }),
    async (c) => c.json(await BillingAdjustments.openDispute({ ...c.req.valid("param"), ...c.req.valid("json") }), 201),
  )
  .openapi(
    createRoute({
      method: "post",
      path: `${base}/disputes/{disputeId}/resolve`,
      tags,
      summary: "Resolve a dispute with an outcome and a note (provider admins)",
      security: bearer,
      request: {
        params: dispute,
        body: jsonBody(
          z
            .strictObject({ outcome: z.enum(["upheld", "rejected"]), note: z.string().max(2000) })
            .meta({ id: "BillingDisputeResolution" }),
        ),
      },
      responses: { 200: json(BillingAdjustments.Dispute, "The resolved dispute"), ...commonErrors, ...conflictError },
    }),
    async (c) =>
      c.json(await BillingAdjustments.resolveDispute({ ...c.req.valid("param"), ...c.req.valid("json") }), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{clientId}/kpis",
      tags: ["KPIs"],
      summary: "A client's KPI pack for a month, with the definitions (staff serving the client, its admins)",
      security: bearer,
      request: { params: z.object({ clientId: z.string().max(64) }), query: z.object({ month: Month }) },
      responses: { 200: json(Kpis.ClientInfo, "The KPI pack"), ...commonErrors },
    }),
    async (c) => c.json(await Kpis.client({ ...c.req.valid("param"), ...c.req.valid("query") }), 200),
  );

/** Provider-wide billing: open disputes across clients. */
export const providerBilling = router();
providerBilling.use(requireAuth);
providerBilling.openapi(
  createRoute({
    method: "get",
    path: "/disputes",
    tags,
    summary: "Disputes across every client, newest first (provider admins)",
    security: bearer,
    request: { query: z.object({ status: z.enum(["open", "resolved"]).optional() }) },
    responses: {
      200: json(
        z
          .object({ items: z.array(BillingAdjustments.Dispute.extend({ clientName: z.string() })) })
          .meta({ id: "ProviderDisputeList" }),
        "Disputes",
      ),
      ...commonErrors,
    },
  }),
  async (c) => c.json(await BillingAdjustments.providerDisputes(c.req.valid("query")), 200),
);

/** Provider-wide KPIs: utilisation per agent, revenue per client. */
export const providerKpis = router();
providerKpis.use(requireAuth);
providerKpis.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["KPIs"],
    summary: "Utilisation per agent and revenue per client for a month (provider admins)",
    security: bearer,
    request: { query: z.object({ month: Month }) },
    responses: { 200: json(Kpis.ProviderInfo, "Provider KPIs"), ...commonErrors },
  }),
  async (c) => c.json(await Kpis.provider(c.req.valid("query")), 200),
);
