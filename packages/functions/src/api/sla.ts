import { createRoute } from "@hono/zod-openapi";
import { SlaPolicies } from "@outdesk/core/sla";
import { OverrideInput, overrideDue } from "@outdesk/core/sla/override";
import { BreachInfo, ReportInfo, SlaReports, StatementInfo } from "@outdesk/core/sla/report";
import { slaInfo } from "@outdesk/core/sla/view";
import * as z from "zod";
import { router } from "./context";
import { commonErrors, conflictError } from "./errors";
import { bearer, etag, json, jsonBody } from "./http";
import { requireAuth } from "./middleware";

const params = z.object({ clientId: z.string().max(64) });
const tags = ["SLA"];

export const sla = router();
sla.use(requireAuth);
sla
  .openapi(
    createRoute({
      method: "get",
      path: "/{clientId}/sla-policies",
      tags,
      summary: "The client's SLA policies, in the order they are tried",
      description:
        "Staff serving the client and its client admins. The first policy whose conditions hold applies to a new ticket (and again when its priority, type or tags change); `fallback` says what happens when none does.",
      security: bearer,
      request: { params },
      responses: { 200: json(SlaPolicies.Info, "The policies"), ...commonErrors },
    }),
    async (c) => {
      const set = await SlaPolicies.get(c.req.valid("param"));
      etag(c, set.version);
      return c.json(set, 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/{clientId}/sla-policies",
      tags,
      summary: "Replace the client's SLA policies (provider admins)",
      description:
        "Each policy: conditions (priorities, types, channels, tags), per-metric targets per priority on a calendar (or calendar minutes), which waiting statuses pause which metric, warning thresholds and an escalation ladder. Tickets already measured keep the policy they got.",
      security: bearer,
      request: { params, body: jsonBody(SlaPolicies.Input) },
      responses: { 200: json(SlaPolicies.Info, "The saved policies"), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const set = await SlaPolicies.put({ ...c.req.valid("json"), ...c.req.valid("param") });
      etag(c, set.version);
      return c.json(set, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{clientId}/sla-report",
      tags,
      summary: "A client's SLA month: met, breached, compliance and p50/p90 per metric and priority",
      description:
        "Staff serving the client and its client admins. Served from daily rollups kept in the same transaction as each SLA event: a month costs a bounded number of reads, whatever the ticket volume. `formula` says how the figures are made.",
      security: bearer,
      request: { params, query: z.object({ month: SlaReports.MonthInput.shape.month }) },
      responses: { 200: json(ReportInfo, "The month"), ...commonErrors },
    }),
    async (c) => c.json(await SlaReports.month({ ...c.req.valid("param"), ...c.req.valid("query") }), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{clientId}/sla-report/breaches",
      tags,
      summary: "The targets a client's tickets breached in a month (drill-down; each ticket's page has its event log)",
      security: bearer,
      request: { params, query: z.object({ month: SlaReports.MonthInput.shape.month }) },
      responses: { 200: json(z.object({ items: z.array(BreachInfo) }), "Breaches, oldest first"), ...commonErrors },
    }),
    async (c) => c.json(await SlaReports.breaches({ ...c.req.valid("param"), ...c.req.valid("query") }), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{clientId}/sla-statements",
      tags,
      summary: "Freeze a client's finished month into an immutable SLA statement (provider admins)",
      description:
        "The figures, the formula, the policy and calendar versions and the breached tickets with their business, paused and out-of-hours minutes. Later changes never alter it; a month can be frozen once, and only once it is over in the client's time zone.",
      security: bearer,
      request: { params, body: jsonBody(z.strictObject({ month: SlaReports.MonthInput.shape.month })) },
      responses: { 201: json(StatementInfo, "The statement"), ...commonErrors, ...conflictError },
    }),
    async (c) => c.json(await SlaReports.freeze({ ...c.req.valid("param"), ...c.req.valid("json") }), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{clientId}/sla-statements",
      tags,
      summary: "A client's frozen SLA statements",
      security: bearer,
      request: { params },
      responses: {
        200: json(
          z.object({ items: z.array(z.object({ month: z.string(), frozenAt: z.string(), frozenBy: z.string() })) }),
          "Frozen months",
        ),
        ...commonErrors,
      },
    }),
    async (c) => c.json(await SlaReports.statements(c.req.valid("param")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{clientId}/sla-statements/{month}",
      tags,
      summary: "One frozen SLA statement",
      security: bearer,
      request: { params: params.extend({ month: SlaReports.MonthInput.shape.month }) },
      responses: { 200: json(StatementInfo, "The statement"), ...commonErrors },
    }),
    async (c) => c.json(await SlaReports.statement(c.req.valid("param")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{clientId}/sla-statements/{month}/csv",
      tags,
      summary: "A frozen SLA statement as CSV (cells a spreadsheet would run as formulas are prefixed with ')",
      security: bearer,
      request: { params: params.extend({ month: SlaReports.MonthInput.shape.month }) },
      responses: { 200: { description: "CSV", content: { "text/csv": { schema: z.string() } } }, ...commonErrors },
    }),
    async (c) => {
      const { clientId, month } = c.req.valid("param");
      const statement = await SlaReports.statement({ clientId, month });
      return c.body(SlaReports.statementCsv(statement), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="sla-${month}.csv"`,
      });
    },
  );

sla.openapi(
  createRoute({
    method: "post",
    path: "/{clientId}/tickets/{ticketId}/sla-override",
    tags,
    summary: "Set an SLA clock's due time by hand, with a reason (provider staff)",
    description: "Audited as an SLA event with the old and new due time and the reason.",
    security: bearer,
    request: { params: params.extend({ ticketId: z.string().max(64) }), body: jsonBody(OverrideInput) },
    responses: {
      200: json(z.object({ sla: z.any(), dueAt: z.string().nullable() }), "The ticket's clocks"),
      ...commonErrors,
      ...conflictError,
    },
  }),
  async (c) => {
    const ticket = await overrideDue({ ...c.req.valid("param"), ...c.req.valid("json") });
    return c.json({ sla: slaInfo(ticket.sla as never), dueAt: ticket.dueAt === "~" ? null : ticket.dueAt }, 200);
  },
);

export const providerReport = router();
providerReport.use(requireAuth);
providerReport.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "SLA compliance of every client you serve for a month (supervisors)",
    security: bearer,
    request: { query: z.object({ month: SlaReports.MonthInput.shape.month }) },
    responses: { 200: json(z.any(), "Per client and metric"), ...commonErrors },
  }),
  async (c) => c.json(await SlaReports.provider(c.req.valid("query")), 200),
);
