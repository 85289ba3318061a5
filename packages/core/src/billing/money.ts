/**
 * Money is integer minor units of one currency (cents for USD, none for JPY, thousandths for
 * KWD); only unit rates may carry fractions, and every line amount is rounded once, half away
 * from zero, where it is computed.
 */

/** Minor-unit digits of an ISO 4217 code (2 for USD, 0 for JPY), or null when the code is unknown. */
export function minorDigits(currency: string): number | null {
  try {
    if (!/^[A-Z]{3}$/.test(currency)) return null;
    if (!Intl.supportedValuesOf("currency").includes(currency)) return null;
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return null;
  }
}

/** Rounds half away from zero to an integer, without binary-fraction surprises (1.005 → 1.01 at 2 digits). */
export function roundMinor(value: number): number {
  const rounded = Math.round(Math.abs(value) + Number.EPSILON * Math.abs(value));
  return Math.sign(value) * rounded || 0;
}

/** "$48,000.00": for statements, CSV and mail; the amount stays integer minor units everywhere else. */
export function formatMoney(amount: number, currency: string, locale = "en-US"): string {
  const digits = minorDigits(currency) ?? 2;
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount / 10 ** digits);
}

/** Percent of an amount, rounded once: 12 % of 4,800,000 is 576,000. */
export const percentOf = (amount: number, percent: number) => roundMinor((amount * percent) / 100);
