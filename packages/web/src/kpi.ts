import { api } from "./api";
import { path, withQuery } from "./paths";

/** The KPI pack as the API has it (packages/core/src/billing/kpi.ts). */

export interface BacklogBucket {
  label: string;
  minHours: number;
  maxHours: number | null;
  count: number;
}

export interface ClientKpis {
  clientId: string;
  clientName: string;
  month: string;
  timeZone: string;
  ticketsIn: number;
  ticketsSolved: number;
  ticketsReopened: number;
  /** Now, not the month's end: the tickets open when it was read. */
  backlog: { asOf: string; total: number; buckets: BacklogBucket[] };
  firstContactResolution: { solved: number; firstContact: number; percent: number | null };
  averageHandleMinutes: number | null;
  handledMinutes: number;
  slaCompliance: { metric: string; met: number; breached: number; percent: number | null }[];
  /** Where the compliance came from: the month's frozen SLA statement, or live figures. */
  slaSource?: "frozen" | "live";
  /** What each figure counts, in the API's words: printed as written. */
  definitions: Record<string, string>;
}

export interface ProviderKpis {
  month: string;
  agents: {
    agentId: string;
    name: string;
    workedMinutes: number;
    billableMinutes: number;
    utilisationPercent: number | null;
    clients: { clientId: string; minutes: number }[];
  }[];
  clients: {
    clientId: string;
    name: string;
    /** null: no contract prices the month. */
    currency: string | null;
    charges: number;
    credits: number;
    total: number;
    status: string;
  }[];
  definitions: Record<string, string>;
}

export const getClientKpis = (clientId: string, month: string) =>
  api<ClientKpis>("GET", withQuery(path`/v1/clients/${clientId}/kpis`, { month }));
export const getProviderKpis = (month: string) => api<ProviderKpis>("GET", withQuery("/v1/kpis", { month }));

export const clientKpiLink = (clientId: string, month?: string) =>
  withQuery(path`/clients/${clientId}/kpis`, { month });
export const providerKpiLink = (month?: string) => withQuery("/kpis", { month });

/** The client pack's figures in the order they are printed, with their labels. */
export const kpiLabel: Record<string, string> = {
  ticketsIn: "Tickets in",
  ticketsSolved: "Tickets solved",
  ticketsReopened: "Tickets reopened",
  backlog: "Backlog",
  firstContactResolution: "First-contact resolution",
  averageHandleMinutes: "Average handle time",
  slaCompliance: "SLA compliance",
  utilisation: "Utilisation",
  revenue: "Revenue",
};

export const revenueStatusLabel: Record<string, string> = {
  open: "Month to date",
  provisional: "Provisional",
  locked: "Locked",
  no_contract: "No contract",
};
