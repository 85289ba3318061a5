export { Contracts, versionFor } from "./contract";
export { computeCredits, earnBacks } from "./credits";
export { formatMoney, minorDigits } from "./money";
export { BillingUsage } from "./month";
export { rate } from "./rate";
export * as BillingSchema from "./schema";
export { type BillingStatement, BillingStatements } from "./statement";
export { TimeEntries } from "./time";
