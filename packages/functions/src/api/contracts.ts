import { createRoute } from "@hono/zod-openapi";
import { BillingStatements, BillingUsage, Contracts } from "@outdesk/core/billing";
import { Month } from "@outdesk/core/billing/schema";
import * as z from "zod";
import { router } from "./context";
import { commonErrors, conflictError } from "./errors";
import { bearer, etag, json, jsonBody } from "./http";
import { requireAuth } from "./middleware";

const params = z.object({ clientId: z.string().max(64) });
const tags = ["Billing"];

export const contracts = router();
contracts.use(requireAuth);
contracts
  .openapi(
    createRoute({
      method: "get",
      path: "/{clientId}/contract",
      tags,
      summary: "The client's contract with every version (provider admins)",
      description:
        "Versions price months: each from `effectiveFrom` to `effectiveTo` (or until the next version starts). Money is integer minor units of the contract's currency.",
      security: bearer,
      request: { params },
      responses: { 200: json(Contracts.Info, "The contract"), ...commonErrors },
    }),
    async (c) => {
      const contract = await Contracts.get(c.req.valid("param"));
      etag(c, contract.version);
      return c.json(contract, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{clientId}/contract/versions",
      tags,
      summary: "Add a contract version from a month on (provider admins)",
      description:
        "Pricing components (fixed fee, per unit with graduated or volume tiers, agent hours, FTEs, retainer with overage and rollover, minimum commitment), rounding, after-hours multipliers and SLA credit terms. Refused (400, naming the field) when it overlaps another version or starts more than a month back; 409 when the contract changed since `version`.",
      security: bearer,
      request: { params, body: jsonBody(Contracts.Input) },
      responses: { 201: json(Contracts.Info, "The contract with its new version"), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const contract = await Contracts.addVersion({ ...c.req.valid("json"), ...c.req.valid("param") });
      etag(c, contract.version);
      return c.json(contract, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{clientId}/contract/preview",
      tags,
      summary: "Price terms against a month's usage without saving them (provider admins)",
      description: "The console's live preview while a contract is edited: the lines, their working and the totals.",
      security: bearer,
      request: {
        params,
        body: jsonBody(
          z.strictObject({ terms: Contracts.Terms, usage: Contracts.Usage }).meta({ id: "ContractPreviewInput" }),
        ),
      },
      responses: { 200: json(Contracts.Preview, "What the terms would charge"), ...commonErrors },
    }),
    async (c) => c.json(await Contracts.preview({ ...c.req.valid("json"), ...c.req.valid("param") }), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{clientId}/usage",
      tags,
      summary: "A client's metered usage of a month, live (provider admins and the client's admins)",
      description:
        "Tickets created, solved (each ticket once a month) and reopened, and contacts (public staff replies) by channel, per day in the client's time zone. Kept in the same transaction as each ticket write: a month costs a bounded number of reads whatever the volume (`reads`).",
      security: bearer,
      request: { params, query: z.object({ month: Month }) },
      responses: { 200: json(BillingUsage.Info, "The month's usage"), ...commonErrors },
    }),
    async (c) => c.json(await BillingUsage.month({ ...c.req.valid("param"), ...c.req.valid("query") }), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{clientId}/billing-statements",
      tags,
      summary: "A client's locked billing months, newest first (provider admins and the client's admins)",
      security: bearer,
      request: { params },
      responses: {
        200: json(
          z.object({ items: z.array(z.object({ month: z.string(), lockedAt: z.string(), lockedBy: z.string() })) }),
          "Locked months",
        ),
        ...commonErrors,
      },
    }),
    async (c) => c.json(await BillingStatements.periods(c.req.valid("param")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{clientId}/billing-statements/{month}",
      tags,
      summary: "A month's billing statement: locked as it was, or rated now (open, provisional)",
      description:
        "Lines (quantity, unit price, amount in minor units, working), SLA credits computed from the frozen SLA statement with their working, earn-backs and totals. Provider admins and the client's own admins see the same numbers.",
      security: bearer,
      request: { params: params.extend({ month: Month }) },
      responses: { 200: json(BillingStatements.Info, "The statement"), ...commonErrors },
    }),
    async (c) => c.json(await BillingStatements.get(c.req.valid("param")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{clientId}/billing-statements/{month}/csv",
      tags,
      summary: "A month's billing statement as CSV (cells a spreadsheet would run are prefixed with ')",
      security: bearer,
      request: { params: params.extend({ month: Month }) },
      responses: { 200: { description: "text/csv", content: { "text/csv": { schema: z.string() } } }, ...commonErrors },
    }),
    async (c) => {
      const { clientId, month } = c.req.valid("param");
      const statement = await BillingStatements.get({ clientId, month });
      c.header("content-type", "text/csv; charset=utf-8");
      c.header("content-disposition", `attachment; filename="billing-${month}.csv"`);
      return c.body(BillingStatements.csv(statement), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{clientId}/billing-statements",
      tags,
      summary: "Lock a finished month's billing statement (provider admins; once)",
      description:
        "Rates the month under its contract version, with SLA credits from the month's frozen SLA statement (freeze it first when the contract has credit terms), and stores it: it never changes after. 409 when locked already; 400 at `month` when it is not over in the client's time zone.",
      security: bearer,
      request: { params, body: jsonBody(z.strictObject({ month: Month }).meta({ id: "BillingLockInput" })) },
      responses: { 201: json(BillingStatements.Info, "The locked statement"), ...commonErrors, ...conflictError },
    }),
    async (c) => c.json(await BillingStatements.lock({ ...c.req.valid("json"), ...c.req.valid("param") }), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{clientId}/billing-statements/{month}/invoice",
      tags,
      summary: "A locked month as invoice lines for Xero or QuickBooks Online import (provider admins)",
      description:
        "`format=xero` gives Xero's sales-invoice import columns (account code 200, tax type Tax Exempt), `format=quickbooks` QuickBooks Online's invoice import columns. 409 until the month is locked.",
      security: bearer,
      request: {
        params: params.extend({ month: Month }),
        query: z.object({ format: z.enum(BillingStatements.InvoiceFormats) }),
      },
      responses: {
        200: { description: "text/csv", content: { "text/csv": { schema: z.string() } } },
        ...commonErrors,
        ...conflictError,
      },
    }),
    async (c) => {
      const { clientId, month } = c.req.valid("param");
      const { format } = c.req.valid("query");
      const { statement, slug } = await BillingStatements.forInvoice({ clientId, month });
      const text = BillingStatements.invoiceCsv(statement, format, slug);
      c.header("content-type", "text/csv; charset=utf-8");
      c.header("content-disposition", `attachment; filename="invoice-${format}-${month}.csv"`);
      return c.body(text, 200);
    },
  );
