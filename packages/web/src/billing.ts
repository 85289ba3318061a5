import { api, download } from "./api";
import { path, withQuery } from "./paths";

/**
 * Contracts, usage, billing statements, drill-down, exclusions and disputes as the API has them
 * (packages/core/src/billing, /work/notes/billing-api-plan.md). Money is integer minor units.
 */

export const channels = ["email", "web", "api", "phone", "chat"] as const;
export type Channel = (typeof channels)[number];

export interface Tier {
  upTo: number | null;
  unitPrice: number;
}

export type Component =
  | { kind: "fixed_fee"; name: string; amount: number; currency?: string }
  | {
      kind: "per_unit";
      name: string;
      meter: "tickets_created" | "tickets_solved" | "contacts" | "handled_hours";
      channel?: Channel;
      pricing: "graduated" | "volume";
      tiers: Tier[];
      currency?: string;
    }
  | { kind: "agent_hours"; name: string; hourlyRate: number; currency?: string }
  | { kind: "fte"; name: string; count: number; monthlyRate: number; currency?: string }
  | {
      kind: "allowance";
      name: string;
      meter: "tickets_solved" | "contacts" | "handled_hours" | "billable_hours";
      fee: number;
      included: number;
      overageRate: number;
      rolloverCap: number | null;
      currency?: string;
    }
  | { kind: "minimum_commitment"; name: string; amount: number; currency?: string };
export type ComponentKind = Component["kind"];

export interface CreditAllocation {
  name: string;
  metric: string;
  priority?: string;
  targetPercent: number;
  sharePercent: number;
  tiers: { pointsBelow: number; creditPercent: number }[];
}

export interface SlaCreditTerms {
  atRiskPercent: number;
  capPercent: number | null;
  earnBack: boolean;
  volumeForecast: { ticketsCreated: number; tolerancePercent: number } | null;
  allocations: CreditAllocation[];
}

export interface ContractTerms {
  name: string;
  currency: string;
  components: Component[];
  rounding: { incrementMinutes: number; minimumMinutes: number };
  multipliers: { calendarId: string; afterHours: number; weekend: number; holiday: number } | null;
  slaCredits: SlaCreditTerms | null;
}

export interface ContractVersion {
  number: number;
  effectiveFrom: string;
  effectiveTo: string | null;
  terms: ContractTerms;
  note: string | null;
  createdBy: string;
  createdAt: string;
}

export interface Contract {
  clientId: string;
  version: number;
  versions: ContractVersion[];
}

export interface Bands {
  business: number;
  afterHours: number;
  weekend: number;
  holiday: number;
}
export const bandNames = ["business", "afterHours", "weekend", "holiday"] as const;

/** What the preview prices: a month's usage, minutes by band. */
export interface UsageInput {
  ticketsCreated: number;
  ticketsSolved: number;
  contacts: Partial<Record<Channel, number>>;
  handledMinutes: Bands;
  billableMinutes: Bands;
}

export interface Line {
  component: number;
  kind: string;
  name: string;
  description: string;
  quantity: number;
  unit: string;
  unitPrice: number;
  amount: number;
  working: string;
  /** Pass as `?of=` to the items route; null: nothing behind the line to list. */
  drill?: string | null;
  /** On a retainer's fee line. */
  allowance?: { meter: string; unit: string; included: number; carriedIn: number; available: number; used: number };
}

export interface Preview {
  lines: Line[];
  monthlyFee: number;
  charges: number;
  carryOut: Record<string, number>;
}

export interface UsageCounts {
  ticketsCreated: number;
  ticketsSolved: number;
  ticketsReopened: number;
  contacts: Partial<Record<Channel, number>>;
  workedMinutes: number;
  handledMinutes: number;
  billableMinutes: number;
  noChargeMinutes: number;
}

export interface Usage {
  clientId: string;
  month: string;
  timeZone: string;
  monthToDate: boolean;
  totals: UsageCounts;
  days: (UsageCounts & { day: string })[];
  reads: number;
}

export interface AllocationCredit {
  name: string;
  metric: string;
  priority: string | null;
  targetPercent: number;
  sharePercent: number;
  allocation: number;
  measured: number;
  met: number;
  breached: number;
  excluded: number;
  compliance: number | null;
  pointsBelow: number;
  creditPercent: number;
  credit: number;
  working: string;
}

export interface Credits {
  monthlyFee: number;
  atRiskPercent: number;
  atRisk: number;
  cap: number;
  allocations: AllocationCredit[];
  total: number;
  capped: boolean;
  waived: string | null;
}

export const causes = ["client_waiting", "force_majeure", "other"] as const;
export type Cause = (typeof causes)[number];
export const causeLabel: Record<Cause, string> = {
  client_waiting: "Waiting on the client",
  force_majeure: "Force majeure",
  other: "Other",
};

export interface Exclusion {
  allocation: string;
  ticketKeys: string[];
  cause: Cause;
  reason: string;
  breaches?: number;
  by?: string;
  at?: string;
}

export type StatementStatus = "open" | "provisional" | "locked";

export interface BillingStatement {
  clientId: string;
  clientName: string;
  month: string;
  timeZone: string;
  currency: string;
  status: StatementStatus;
  contract: { number: number; name: string; effectiveFrom: string };
  usage: UsageInput;
  lines: Line[];
  credits: Credits | null;
  creditNote: string | null;
  earnBacks: { name: string; month: string; amount: number }[];
  totals: { charges: number; credits: number; earnBack: number; total: number };
  carryOut: Record<string, number>;
  lockedAt: string | null;
  lockedBy: string | null;
  /** From the drill-down/disputes API (absent until it lands). */
  exclusions?: Exclusion[];
  disputes?: { open: number; resolved: number };
}

export type DrillItem =
  | { kind: "ticket"; ticketId: string; ticketKey: string; at: string; meter: string; channel: string | null }
  | {
      kind: "time";
      entryId: string;
      ticketId: string;
      ticketKey: string;
      agentId: string;
      agentName?: string;
      date: string;
      startedAt: string;
      workType: string;
      billing: string;
      workedMinutes: number;
      billableMinutes: number;
      status: string;
    };

export interface Dispute {
  disputeId: string;
  clientId: string;
  clientName?: string;
  month: string;
  line: { index: number; description: string; amount: number; currency: string };
  reason: string;
  status: "open" | "resolved";
  openedBy: string;
  openedByName: string;
  openedAt: string;
  resolution: { outcome: "upheld" | "rejected"; note: string; by: string; byName: string; at: string } | null;
}

const clientApi = (clientId: string) => path`/v1/clients/${clientId}`;
const statementApi = (clientId: string, month: string) => path`/v1/clients/${clientId}/billing-statements/${month}`;

export const getContract = (clientId: string) => api<Contract>("GET", `${clientApi(clientId)}/contract`);
export const addContractVersion = (
  clientId: string,
  input: { effectiveFrom: string; effectiveTo: string | null; terms: ContractTerms; note?: string; version: number },
) => api<Contract>("POST", `${clientApi(clientId)}/contract/versions`, input);
export const previewContract = (clientId: string, terms: ContractTerms, usage: UsageInput) =>
  api<Preview>("POST", `${clientApi(clientId)}/contract/preview`, { terms, usage });
export const getUsage = (clientId: string, month: string) =>
  api<Usage>("GET", withQuery(`${clientApi(clientId)}/usage`, { month }));

export const listLocked = (clientId: string) =>
  api<{ items: { month: string; lockedAt: string; lockedBy: string }[] }>(
    "GET",
    `${clientApi(clientId)}/billing-statements`,
  );
export const getBillingStatement = (clientId: string, month: string) =>
  api<BillingStatement>("GET", statementApi(clientId, month));
export const lockMonth = (clientId: string, month: string) =>
  api<BillingStatement>("POST", `${clientApi(clientId)}/billing-statements`, { month });
export const downloadBillingCsv = (clientId: string, month: string) =>
  download(`${statementApi(clientId, month)}/csv`, `billing-${month}.csv`);
export const downloadInvoice = (clientId: string, month: string, format: "xero" | "quickbooks") =>
  download(withQuery(`${statementApi(clientId, month)}/invoice`, { format }), `invoice-${format}-${month}.csv`);

export const getDrill = (clientId: string, month: string, of: string, cursor?: string | null) =>
  api<{ of: string; items: DrillItem[]; cursor: string | null }>(
    "GET",
    withQuery(`${statementApi(clientId, month)}/items`, { of, cursor: cursor ?? undefined }),
  );
export const saveExclusions = (clientId: string, month: string, items: Exclusion[]) =>
  api<BillingStatement>("PUT", `${statementApi(clientId, month)}/exclusions`, {
    items: items.map(({ allocation, ticketKeys, cause, reason }) => ({ allocation, ticketKeys, cause, reason })),
  });
export const listDisputes = (clientId: string, month: string) =>
  api<{ items: Dispute[] }>("GET", `${statementApi(clientId, month)}/disputes`);
export const openDispute = (clientId: string, month: string, line: number, reason: string) =>
  api<Dispute>("POST", `${statementApi(clientId, month)}/disputes`, { line, reason });
export const resolveDispute = (
  clientId: string,
  month: string,
  disputeId: string,
  outcome: "upheld" | "rejected",
  note: string,
) =>
  api<Dispute>("POST", path`/v1/clients/${clientId}/billing-statements/${month}/disputes/${disputeId}/resolve`, {
    outcome,
    note,
  });
export const listAllDisputes = (status: "open" | "resolved") =>
  api<{ items: Dispute[] }>("GET", withQuery("/v1/billing/disputes", { status }));

export const billingLink = (clientId: string) => path`/clients/${clientId}/billing`;
export const billingStatementLink = (clientId: string, month: string) =>
  path`/clients/${clientId}/billing/statements/${month}`;
export const contractLink = (clientId: string) => path`/clients/${clientId}/contract`;
export const disputesLink = "/billing/disputes";

/** Digits after the point of a currency (2 for USD, 0 for JPY), as this browser knows it. */
export function digitsOf(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** "$1,234.50" from minor units; `extra` digits for unit prices that carry fractions of a cent. */
export function money(minor: number, currency: string, extra = 0): string {
  const digits = digitsOf(currency);
  const major = minor / 10 ** digits;
  try {
    return new Intl.NumberFormat(undefined, {
      style: "currency",
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits + extra,
    }).format(major);
  } catch {
    return `${major.toFixed(digits)} ${currency}`;
  }
}

/** "12.5" hours from minutes. */
export const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;

export const statusLabel: Record<StatementStatus, string> = {
  open: "Open (month to date)",
  provisional: "Provisional",
  locked: "Locked",
};

/** The retainer of a statement whose meter is hours: what the month makes available, for the burn-down. */
export function hourAllowance(statement: BillingStatement): { name: string; available: number } | null {
  for (const line of statement.lines) {
    if (line.allowance?.unit === "hour") return { name: line.name, available: line.allowance.available };
  }
  return null;
}

export const noBandsUsage = (): UsageInput => ({
  ticketsCreated: 0,
  ticketsSolved: 0,
  contacts: {},
  handledMinutes: { business: 0, afterHours: 0, weekend: 0, holiday: 0 },
  billableMinutes: { business: 0, afterHours: 0, weekend: 0, holiday: 0 },
});
