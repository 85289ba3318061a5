import { useEffect, useState } from "react";
import { isLoggedIn, logout, onAuthChange, setTokens } from "./api";
import { isolate } from "./bidi";
import { billingLink, disputesLink } from "./billing";
import { ErrorBoundary } from "./ErrorBoundary";
import { setTicketFieldLabels } from "./field-words";
import { statusLabel } from "./format";
import { clientKpiLink, providerKpiLink } from "./kpi";
import { isId, path as segments, withQuery } from "./paths";
import { narrowQueue, servedFilter } from "./queue-client";
import { Link, match, navigate, useLocation } from "./router";
import { AcceptInvite, AdminClients, AdminUsers } from "./screens/Admin";
import { BillingDisputesPage } from "./screens/BillingDisputes";
import { BillingPage } from "./screens/BillingPage";
import { BillingStatementPage } from "./screens/BillingStatement";
import { Calendars } from "./screens/Calendars";
import { CalendarView } from "./screens/CalendarView";
import { ContractEditorPage } from "./screens/ContractEditor";
import { KpiOverviewPage } from "./screens/KpiOverview";
import { KpiPackPage } from "./screens/KpiPack";
import { Login } from "./screens/Login";
import { NewTicket } from "./screens/NewTicket";
import { NotificationBell } from "./screens/NotificationBell";
import { Queue } from "./screens/Queue";
import { SearchBox, SearchPage } from "./screens/Search";
import { SlaOverviewPage } from "./screens/SlaOverview";
import { ClientSlaPage } from "./screens/SlaPolicies";
import { SlaReportPage } from "./screens/SlaReport";
import { SlaStatementPage } from "./screens/SlaStatements";
import { TicketView } from "./screens/TicketView";
import { TimesheetPage } from "./screens/Timesheet";
import { SessionProvider, useSession } from "./session";
import { isMonth, reportLink } from "./sla-report";
import { timesheetLink } from "./time";
import { NotFound, OfflineNote, Spinner, useTitle } from "./ui";

export function App() {
  const [loggedIn, setLoggedIn] = useState(isLoggedIn());
  const location = useLocation();
  useEffect(() => {
    const off = onAuthChange(() => setLoggedIn(isLoggedIn()));
    // The session restore may have settled before this subscription: read it again.
    setLoggedIn(isLoggedIn());
    return off;
  }, []);
  const inviting = location.path === "/accept-invite";
  useEffect(() => {
    if (!loggedIn && !inviting && location.path !== "/login") navigate("/login", { replace: true });
  }, [loggedIn, inviting, location.path]);
  if (inviting) {
    return (
      <AcceptInvite
        token={location.query.get("token") ?? ""}
        onDone={(tokens) => {
          setTokens(tokens);
          navigate("/", { replace: true });
        }}
      />
    );
  }
  if (!loggedIn || location.path === "/login") return <Login />;
  return (
    <SessionProvider fallback={<Spinner label="Loading your workspace…" />}>
      <Shell />
    </SessionProvider>
  );
}

const queueStatuses = ["new", "open", "pending", "on_hold", "solved"] as const;

function Shell() {
  const session = useSession();
  // The API's issues at `fields.<key>` are told with the field's label.
  setTicketFieldLabels(new Map(session.clients.flatMap((c) => c.ticketFields.map((f) => [f.key, f.label]))));
  const { path, query } = useLocation();
  const [clientFilter, setClientFilter] = useState<string>(() => localStorage.getItem("outdesk.client") ?? "all");
  useEffect(() => {
    if (path === "/") {
      const home = session.staff
        ? withQuery("/tickets", { view: "mine", clientId: servedFilter(session.clients, clientFilter) })
        : withQuery("/tickets", { view: "client", clientId: session.clients[0]?.id ?? "", status: "open" });
      navigate(home, { replace: true });
    }
  }, [path, session, clientFilter]);
  const filteredClient = servedFilter(session.clients, clientFilter);
  const visibleClients = session.clients.filter((client) => !filteredClient || client.id === filteredClient);
  const current = `${path}${query.toString() ? `?${query}` : ""}`;
  const countFor = (clientId: string, status: string) =>
    session.counts?.clients.find((c) => c.clientId === clientId)?.[status] ?? 0;
  const unassigned = (session.counts?.clients ?? [])
    .filter((c) => !filteredClient || c.clientId === filteredClient)
    .reduce((sum, c) => sum + c.unassigned, 0);
  const view = (to: string, label: string, count?: number, testId?: string) => (
    <Link
      to={to}
      // A link without a query stays lit while its page's own query changes (a report's month).
      className={`view-link${current === to || (!to.includes("?") && path === to) ? " active" : ""}`}
      data-testid={testId}
    >
      <span>{label}</span>
      {count !== undefined && <span className="count">{count}</span>}
    </Link>
  );
  const slaDashboard = (client: { id: string; ticketPrefix: string }) =>
    view(reportLink(client.id), "SLA dashboard", undefined, `sla-report-${client.ticketPrefix}`);
  const kpiPack = (client: { id: string; ticketPrefix: string }) =>
    view(clientKpiLink(client.id), "KPIs", undefined, `kpi-${client.ticketPrefix}`);
  const ticketRoute = match("/clients/:clientId/tickets/:ticketId", path);
  // Only ids the API could have issued reach a request; anything else is not found.
  const ticket =
    ticketRoute && isId("client", ticketRoute.clientId) && isId("ticket", ticketRoute.ticketId)
      ? { clientId: ticketRoute.clientId, ticketId: ticketRoute.ticketId }
      : null;
  const slaRoute = match("/clients/:clientId/sla", path);
  const slaClient = slaRoute && isId("client", slaRoute.clientId) ? slaRoute.clientId : null;
  const providerAdmin = session.me.actor.role === "provider_admin";
  // Another client's id is not found before any request is made.
  const served = (clientId: string) =>
    isId("client", clientId) && (session.me.actor.clientIds === "all" || session.me.actor.clientIds.includes(clientId));
  const reportRoute = match("/clients/:clientId/sla-report", path);
  const reportClient = reportRoute?.clientId && served(reportRoute.clientId) ? reportRoute.clientId : null;
  const kpiRoute = match("/clients/:clientId/kpis", path);
  const kpiClient = kpiRoute?.clientId && served(kpiRoute.clientId) ? kpiRoute.clientId : null;
  const statementRoute = match("/clients/:clientId/sla-report/statements/:month", path);
  const statement =
    statementRoute?.clientId && served(statementRoute.clientId) && isMonth(statementRoute.month)
      ? { clientId: statementRoute.clientId, month: statementRoute.month }
      : null;
  const billingRoute = session.me.actor.role !== "agent" ? match("/clients/:clientId/billing", path) : null;
  const billingClient = billingRoute?.clientId && served(billingRoute.clientId) ? billingRoute.clientId : null;
  const billingStatementRoute =
    session.me.actor.role !== "agent" ? match("/clients/:clientId/billing/statements/:month", path) : null;
  const billingStatement =
    billingStatementRoute?.clientId && served(billingStatementRoute.clientId) && isMonth(billingStatementRoute.month)
      ? { clientId: billingStatementRoute.clientId, month: billingStatementRoute.month }
      : null;
  // Client admins never see contracts (the API answers 403): the route is provider admins' only.
  const contractRoute = providerAdmin ? match("/clients/:clientId/contract", path) : null;
  const contractClient = contractRoute?.clientId && served(contractRoute.clientId) ? contractRoute.clientId : null;
  const calendarRoute = providerAdmin ? match("/admin/calendars/:calendarId", path) : null;
  const calendarId = calendarRoute && isId("calendar", calendarRoute.calendarId) ? calendarRoute.calendarId : null;
  const [menuOpen, setMenuOpen] = useState(false);
  // On a small screen the sidebar is a drawer: going somewhere closes it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: closes on every change of address
  useEffect(() => setMenuOpen(false), [current]);
  const named = (clientId: string) => session.clientName(clientId);
  useTitle(
    ticket
      ? `Ticket · ${named(ticket.clientId)}`
      : reportClient
        ? `SLA dashboard · ${named(reportClient)}`
        : statement
          ? `SLA statement ${statement.month} · ${named(statement.clientId)}`
          : path === "/sla-report"
            ? "SLA overview"
            : path === "/timesheet"
              ? "Timesheet"
              : kpiClient
                ? `KPIs · ${named(kpiClient)}`
                : path === "/kpis"
                  ? "KPIs · all clients"
                  : billingClient
                    ? `Billing · ${named(billingClient)}`
                    : billingStatement
                      ? `Billing statement ${billingStatement.month} · ${named(billingStatement.clientId)}`
                      : contractClient
                        ? `Contract · ${named(contractClient)}`
                        : path === "/billing/disputes"
                          ? "Billing disputes"
                          : slaClient
                            ? `SLA policies · ${named(slaClient)}`
                            : calendarId
                              ? "Calendar"
                              : (fixedTitles[path] ??
                                (path === "/tickets" ? queueTitle(query, named) : "Page not found")),
  );

  return (
    <div className={`shell${menuOpen ? " menu-open" : ""}`}>
      {/* The fragment moves focus to the content (it takes focus: tabIndex -1). */}
      <a href="#content" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="menu-button"
          aria-controls="sidebar"
          aria-expanded={menuOpen}
          onClick={() => setMenuOpen((open) => !open)}
          data-testid="menu-button"
        >
          Menu
        </button>
        <Link to="/" className="brand">
          Outdesk
        </Link>
        <bdi className="muted truncate provider-name" title={session.me.provider.name}>
          {session.me.provider.name}
        </bdi>
        {session.staff && session.clients.length > 1 && (
          <select
            aria-label="Client"
            data-testid="client-switcher"
            value={filteredClient ?? "all"}
            onChange={(event) => {
              setClientFilter(event.target.value);
              localStorage.setItem("outdesk.client", event.target.value);
              narrowQueue(event.target.value === "all" ? undefined : event.target.value);
            }}
          >
            <option value="all">All clients</option>
            {session.clients.map((client) => (
              <option key={client.id} value={client.id}>
                {isolate(client.name)}
              </option>
            ))}
          </select>
        )}
        <SearchBox />
        <span className="spacer" />
        <NotificationBell />
        <Link to="/new" className="button primary" data-testid="new-ticket">
          New ticket
        </Link>
        <span
          className="user"
          data-testid="current-user"
          title={`${session.me.user?.name ?? "API key"} · ${session.me.actor.role.replace("_", " ")}`}
        >
          <bdi>{session.me.user?.name ?? "API key"}</bdi> · {session.me.actor.role.replace("_", " ")}
        </span>
        <button type="button" className="link-button" onClick={() => void logout()}>
          Log out
        </button>
      </header>
      <nav className="sidebar" id="sidebar" aria-label="Views">
        {session.staff && (
          <section>
            {view(
              withQuery("/tickets", { view: "mine", clientId: filteredClient }),
              "My tickets",
              filteredClient
                ? (session.counts?.clients.find((c) => c.clientId === filteredClient)?.mine ?? 0)
                : session.counts?.mine,
              "view-mine",
            )}
            {view(
              withQuery("/tickets", { view: "unassigned", clientId: filteredClient }),
              "Unassigned",
              unassigned,
              "view-unassigned",
            )}
            {view(withQuery("/tickets", { view: "all", status: "open", clientId: filteredClient }), "All open")}
            {view("/sla-report", "SLA overview", undefined, "view-sla-overview")}
            {view(timesheetLink(), "Timesheet", undefined, "view-timesheet")}
            {providerAdmin && view(providerKpiLink(), "KPIs", undefined, "view-kpis")}
          </section>
        )}
        {session.me.actor.role !== "agent" && (
          <section data-testid="admin-links">
            <h3>Admin</h3>
            {providerAdmin && view("/admin/clients", "Clients", undefined, "admin-clients")}
            {providerAdmin && view("/admin/calendars", "Calendars", undefined, "admin-calendars")}
            {providerAdmin && view(disputesLink, "Billing disputes", undefined, "admin-disputes")}
            {view("/admin/users", session.staff ? "People" : "Your team", undefined, "admin-users")}
          </section>
        )}
        {visibleClients.map((client) => (
          <section key={client.id} data-testid={`client-views-${client.ticketPrefix}`}>
            <h3 className="truncate" title={client.name}>
              <bdi>{client.name}</bdi>
            </h3>
            {/* A client admin's first stop: how their provider is doing. */}
            {!session.staff && slaDashboard(client)}
            {!session.staff && kpiPack(client)}
            {queueStatuses.map((status) =>
              view(
                withQuery("/tickets", { view: "client", clientId: client.id, status }),
                statusLabel[status] ?? status,
                countFor(client.id, status),
                `view-${client.ticketPrefix}-${status}`,
              ),
            )}
            {session.staff && slaDashboard(client)}
            {session.staff && kpiPack(client)}
            {view(segments`/clients/${client.id}/sla`, "SLA policies", undefined, `sla-${client.ticketPrefix}`)}
            {session.me.actor.role !== "agent" &&
              view(billingLink(client.id), "Billing", undefined, `billing-${client.ticketPrefix}`)}
          </section>
        ))}
      </nav>
      <main className="content" id="content" tabIndex={-1}>
        <OfflineNote />
        <ErrorBoundary resetKey={current}>
          {ticket ? (
            <TicketView
              key={`${ticket.clientId}/${ticket.ticketId}`}
              clientId={ticket.clientId}
              ticketId={ticket.ticketId}
            />
          ) : reportClient ? (
            <SlaReportPage key={reportClient} clientId={reportClient} month={query.get("month")} />
          ) : statement ? (
            <SlaStatementPage
              key={`${statement.clientId}/${statement.month}`}
              clientId={statement.clientId}
              month={statement.month}
            />
          ) : path === "/sla-report" && session.staff ? (
            <SlaOverviewPage month={query.get("month")} />
          ) : path === "/timesheet" && session.staff ? (
            <TimesheetPage week={query.get("week")} agent={query.get("agent")} />
          ) : kpiClient ? (
            <KpiPackPage key={kpiClient} clientId={kpiClient} month={query.get("month")} />
          ) : path === "/kpis" && providerAdmin ? (
            <KpiOverviewPage month={query.get("month")} />
          ) : billingClient ? (
            <BillingPage key={billingClient} clientId={billingClient} />
          ) : billingStatement ? (
            <BillingStatementPage
              key={`${billingStatement.clientId}/${billingStatement.month}`}
              clientId={billingStatement.clientId}
              month={billingStatement.month}
            />
          ) : contractClient ? (
            <ContractEditorPage key={contractClient} clientId={contractClient} />
          ) : path === "/billing/disputes" && providerAdmin ? (
            <BillingDisputesPage status={query.get("status")} />
          ) : slaClient ? (
            <ClientSlaPage key={slaClient} clientId={slaClient} />
          ) : calendarId ? (
            <CalendarView key={calendarId} calendarId={calendarId} />
          ) : path === "/admin/calendars" && providerAdmin ? (
            <Calendars />
          ) : path === "/search" ? (
            <SearchPage query={query} />
          ) : path === "/new" ? (
            <NewTicket defaultClientId={filteredClient} />
          ) : path === "/admin/clients" ? (
            <AdminClients />
          ) : path === "/admin/users" ? (
            <AdminUsers />
          ) : path === "/tickets" ? (
            <Queue key={current} query={query} />
          ) : path === "/" ? (
            <Spinner />
          ) : (
            <NotFound />
          )}
        </ErrorBoundary>
      </main>
    </div>
  );
}

/** Titles of the screens at a fixed address (the rest name their client or month). */
const fixedTitles: Record<string, string> = {
  "/search": "Search",
  "/admin/calendars": "Calendars",
  "/new": "New ticket",
  "/admin/clients": "Clients",
  "/admin/users": "People",
  "/": "Loading",
};

/** A queue's title: its view, and for a client's queue the client and status. */
function queueTitle(query: URLSearchParams, clientName: (id: string) => string): string {
  const view = query.get("view");
  const status = statusLabel[query.get("status") ?? ""] ?? query.get("status") ?? "";
  if (view === "mine") return "My tickets";
  if (view === "unassigned") return "Unassigned";
  if (view === "client") return `${status || "Tickets"} · ${clientName(query.get("clientId") ?? "")}`;
  if (view === "all") return `All ${status.toLowerCase() || "tickets"}`;
  return "Tickets";
}
