import { Channels } from "../ticket/constants";

/** What a month's (or a day's) usage rollups count, decoded from their meter names. */
export interface MeterCounts {
  ticketsCreated: number;
  ticketsSolved: number;
  ticketsSolvedFirstContact: number;
  ticketsReopened: number;
  contacts: Record<(typeof Channels)[number], number>;
  workedMinutes: number;
  handledMinutes: number;
  billableMinutes: number;
  noChargeMinutes: number;
}

/** A usage rollup item as stored: one client, day, meter and shard, by hour of the day. */
export interface RollupItem {
  day: string;
  meter: string;
  total?: number;
  [hour: `h${number}`]: number | undefined;
}

/** Meters of minutes (time entries); the rest count ticket events. */
export const MINUTE_METERS = {
  worked: "workedMinutes",
  handled: "handledMinutes",
  billable: "billableMinutes",
  no_charge: "noChargeMinutes",
} as const;

const TICKET_METERS = {
  created: "ticketsCreated",
  solved: "ticketsSolved",
  solved_fc: "ticketsSolvedFirstContact",
  reopened: "ticketsReopened",
} as const;

export const zeroCounts = (): MeterCounts => ({
  ticketsCreated: 0,
  ticketsSolved: 0,
  ticketsSolvedFirstContact: 0,
  ticketsReopened: 0,
  contacts: Object.fromEntries(Channels.map((c) => [c, 0])) as MeterCounts["contacts"],
  workedMinutes: 0,
  handledMinutes: 0,
  billableMinutes: 0,
  noChargeMinutes: 0,
});

/** Adds a rollup item's total to the counts its meter names; unknown meters are ignored. */
export function addMeter(into: MeterCounts, meter: string, n: number): void {
  if (meter in TICKET_METERS) into[TICKET_METERS[meter as keyof typeof TICKET_METERS]] += n;
  else if (meter in MINUTE_METERS) into[MINUTE_METERS[meter as keyof typeof MINUTE_METERS]] += n;
  else if (meter.startsWith("contact_")) {
    const channel = meter.slice("contact_".length) as keyof MeterCounts["contacts"];
    if (channel in into.contacts) into.contacts[channel] += n;
  }
}
