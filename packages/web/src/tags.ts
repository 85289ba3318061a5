/**
 * Tags as the API keeps them (packages/core/src/ticket/schema.ts: trimmed, lowercase,
 * `[a-z0-9][a-z0-9_:-]*`, at most 40), applied while typing so what the field shows is what is
 * saved: "VIP Customer" reads "vip-customer" at once. Commas separate tags.
 */
export function normalizeTag(text: string): string {
  return text
    .trimStart()
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}/gu, "") // "é" → "e": the API takes ASCII only
    .replace(/\s+/g, "-")
    .replace(/[^a-z0-9_:-]/g, "")
    .replace(/-{2,}/g, "-")
    .slice(0, 40);
}

/** The text of a tags field, normalised tag by tag as it is typed (a trailing ", " stays to type on). */
export function normalizeTagsText(text: string): string {
  const parts = text.split(",").map(normalizeTag);
  return parts.join(", ");
}

/** The tags a field's text holds: no empty ones, no leading or trailing dashes, no repeats. */
export function tagsOf(text: string): string[] {
  const tags = text
    .split(",")
    .map((part) => normalizeTag(part).replace(/^[-_:]+|[-_:]+$/g, ""))
    .filter(Boolean);
  return [...new Set(tags)];
}
