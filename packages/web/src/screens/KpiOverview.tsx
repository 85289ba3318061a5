import { useEffect, useState } from "react";
import { ApiError } from "../api";
import { money } from "../billing";
import { clientKpiLink, getProviderKpis, type ProviderKpis, providerKpiLink, revenueStatusLabel } from "../kpi";
import { Link, navigate } from "../router";
import { useSession } from "../session";
import { isMonth, monthIn, monthLabel, percent } from "../sla-report";
import { hoursMinutes } from "../time";
import { Empty, ErrorNote, Spinner } from "../ui";
import { KpiDefinitions } from "./KpiPack";
import { MonthPicker } from "./MonthPicker";

/** "—" for a client no contract prices: there is no currency to write an amount in. */
const amount = (minor: number, currency: string | null) => (currency ? money(minor, currency) : "—");

/** /kpis?month=: provider admins' month — utilisation per agent and revenue per client. */
export function KpiOverviewPage({ month }: { month: string | null }) {
  const session = useSession();
  // Clients count months in their own zones; the overview's default is the UTC month.
  const latest = monthIn("UTC");
  const chosen = isMonth(month) && month <= latest ? month : latest;
  const [kpis, setKpis] = useState<ProviderKpis | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the Retry button's way to run it again
  useEffect(() => {
    let live = true;
    setError(null);
    getProviderKpis(chosen)
      .then((next) => {
        if (live) setKpis(next);
      })
      .catch((reason) => {
        if (live) setError(reason instanceof ApiError ? reason.detail : "Could not load the KPIs");
      });
    return () => {
      live = false;
    };
  }, [chosen, attempt]);

  const shown = kpis?.month === chosen ? kpis : null;
  const agents = shown ? [...shown.agents].sort((a, b) => a.name.localeCompare(b.name)) : [];
  const clients = shown ? [...shown.clients].sort((a, b) => a.name.localeCompare(b.name)) : [];
  return (
    <section
      className="admin kpi-overview"
      aria-label="KPIs"
      data-testid="kpi-overview"
      data-month={shown?.month ?? ""}
    >
      <div className="inline-form">
        <h1>KPIs</h1>
        <span className="spacer" />
        <MonthPicker
          month={chosen}
          latest={latest}
          onChange={(next) => navigate(providerKpiLink(next), { replace: true })}
        />
      </div>
      <p className="muted small">Utilisation and revenue in {monthLabel(chosen)}, across every client.</p>
      {error && <ErrorNote onRetry={() => setAttempt((n) => n + 1)}>{error}</ErrorNote>}
      {!shown ? (
        !error && <Spinner label="Loading the KPIs…" />
      ) : (
        <>
          <h2>Utilisation per agent</h2>
          {agents.length === 0 ? (
            <Empty title="No agents" />
          ) : (
            <table className="tickets compact" data-testid="kpi-utilisation">
              <thead>
                <tr>
                  <th>Agent</th>
                  <th className="num">Worked</th>
                  <th className="num">Billable</th>
                  <th className="num">Utilisation</th>
                  <th>By client</th>
                </tr>
              </thead>
              <tbody>
                {agents.map((agent) => (
                  <tr
                    key={agent.agentId}
                    data-testid="kpi-agent-row"
                    data-agent-id={agent.agentId}
                    data-worked={agent.workedMinutes}
                    data-billable={agent.billableMinutes}
                    data-utilisation={agent.utilisationPercent ?? ""}
                  >
                    <th scope="row">
                      <bdi>{agent.name}</bdi>
                    </th>
                    <td className="num">{hoursMinutes(agent.workedMinutes)}</td>
                    <td className="num">{hoursMinutes(agent.billableMinutes)}</td>
                    <td className="num">{percent(agent.utilisationPercent)}</td>
                    <td className="small">
                      {agent.clients.map((c, index) => (
                        <span key={c.clientId}>
                          {index > 0 && " · "}
                          <bdi>{session.clientName(c.clientId)}</bdi> {hoursMinutes(c.minutes)}
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>Revenue per client</h2>
          <table className="tickets compact" data-testid="kpi-revenue">
            <thead>
              <tr>
                <th>Client</th>
                <th>Statement</th>
                <th className="num">Charges</th>
                <th className="num">Credits</th>
                <th className="num">Total</th>
              </tr>
            </thead>
            <tbody>
              {clients.map((client) => (
                <tr
                  key={client.clientId}
                  data-testid="kpi-client-row"
                  data-client-id={client.clientId}
                  data-status={client.status}
                  data-total={client.total}
                  data-charges={client.charges}
                  data-credits={client.credits}
                >
                  <th scope="row">
                    <Link to={clientKpiLink(client.clientId, shown.month)}>
                      <bdi>{client.name}</bdi>
                    </Link>
                  </th>
                  <td>{revenueStatusLabel[client.status] ?? client.status}</td>
                  <td className="num">{amount(client.charges, client.currency)}</td>
                  <td className="num">{client.credits ? amount(client.credits, client.currency) : "—"}</td>
                  <td className="num" data-testid="kpi-client-total">
                    {amount(client.total, client.currency)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Definitions</h2>
          <KpiDefinitions definitions={shown.definitions} />
        </>
      )}
    </section>
  );
}
