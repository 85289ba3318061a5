import { OpenAPIHono } from "@hono/zod-openapi";
import { Dynamo } from "@outdesk/core/dynamo";
import { OutdeskError } from "@outdesk/core/error";
import { Log } from "@outdesk/core/log";
import { bodyLimit } from "hono/body-limit";
import { addresses, unknownMail } from "./addresses";
import { apiKeys } from "./api-keys";
import { attachments } from "./attachments";
import { auth } from "./auth";
import { providerBilling, providerKpis, statementWork } from "./billing";
import { calendars } from "./calendars";
import { clients } from "./clients";
import type { ApiEnv } from "./context";
import { contracts } from "./contracts";
import { docs } from "./docs";
import { handleError } from "./errors";
import { mail } from "./mail";
import { me } from "./me";
import { withRequestContext } from "./middleware";
import { search } from "./search";
import { signup } from "./signup";
import { providerReport, sla } from "./sla";
import { suppressions } from "./suppressions";
import { ticketPresence } from "./ticket-presence";
import { ticketThread } from "./ticket-thread";
import { tickets } from "./tickets";
import { timeEntries, timesheets } from "./time";
import { users } from "./users";

/** JSON bodies above this are refused before parsing (413). */
export const MAX_BODY_BYTES = 256 * 1024;

/** Routes that answer without credentials; every other route requires them (the isolation tests check). */
export const publicRoutes = new Set([
  "GET /health",
  "GET /v1/openapi.json",
  "GET /v1/docs",
  "GET /v1/docs/init.js",
  "POST /v1/signup",
  "POST /v1/auth/login",
  "POST /v1/auth/refresh",
  "POST /v1/auth/logout",
  "POST /v1/auth/accept-invite",
]);

export function createApp() {
  const app = new OpenAPIHono<ApiEnv>();
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new OutdeskError("payload_too_large", `The body is larger than ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );
  // The data layer loads on the first request that needs it, not at import: /health and the
  // API reference never load it.
  app.use("/v1/*", (c, next) => {
    if (Dynamo.isReady() || c.req.path.startsWith("/v1/docs") || c.req.path === "/v1/openapi.json") return next();
    return Dynamo.ready().then(next);
  });
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.route("/v1/signup", signup);
  app.route("/v1/auth", auth);
  app.route("/v1/me", me);
  app.route("/v1/clients", clients);
  app.route("/v1/clients", ticketThread);
  app.route("/v1/clients", ticketPresence);
  app.route("/v1/clients", addresses);
  app.route("/v1/inbound", unknownMail);
  app.route("/v1/clients", attachments);
  app.route("/v1/clients", mail);
  app.route("/v1/tickets", tickets);
  app.route("/v1/search", search);
  app.route("/v1/users", users);
  app.route("/v1/api-keys", apiKeys);
  app.route("/v1/suppressions", suppressions);
  app.route("/v1/calendars", calendars);
  app.route("/v1/clients", sla);
  app.route("/v1/sla-report", providerReport);
  app.route("/v1/clients", contracts);
  app.route("/v1/clients", statementWork);
  app.route("/v1/billing", providerBilling);
  app.route("/v1/kpis", providerKpis);
  app.route("/v1/clients", timeEntries);
  app.route("/v1/timesheets", timesheets);
  app.route("/v1/docs", docs);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An access token from /v1/auth/login, or an API key (odk_…)",
  });
  app.doc31("/v1/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Outdesk API",
      version: "1.0.0",
      description:
        "Multi-tenant help desk for outsourced support providers. Errors share one body: {code, message, issues?, requestId}.",
    },
  });

  app.notFound((c) =>
    c.json(
      { code: "not_found", message: `No route ${c.req.method} ${c.req.path}`, requestId: Log.requestId() ?? "" },
      404,
    ),
  );
  app.onError(handleError);
  return withRequestContext(app);
}

export const app = createApp();
