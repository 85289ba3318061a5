import { addressParser } from "postal-mime";

export interface HeaderField {
  name: string;
  value: string;
}

/** The header block of a raw message: everything before the first empty line. */
export function headerBlock(raw: Uint8Array): Uint8Array {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 10) continue;
    if (raw[i + 1] === 10) return raw.subarray(0, i + 1);
    if (raw[i + 1] === 13 && raw[i + 2] === 10) return raw.subarray(0, i + 1);
  }
  return raw;
}

/** The header fields of a raw message, unfolded, in order (8-bit bytes read as UTF-8). */
export function parseHeaders(raw: Uint8Array): HeaderField[] {
  const text = new TextDecoder().decode(headerBlock(raw));
  const fields: HeaderField[] = [];
  for (const line of text.split(/\r?\n/)) {
    const last = fields.at(-1);
    if (/^[ \t]/.test(line) && last) {
      last.value += line;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return fields;
}

/** Every field named `name` (case-insensitive). */
export const headerValues = (fields: HeaderField[], name: string) =>
  fields.filter((field) => field.name.toLowerCase() === name.toLowerCase()).map((field) => field.value);

/** The mailboxes of address fields (To, Cc, …), groups flattened, display names decoded. */
export function mailboxes(fields: HeaderField[], ...names: string[]): { name: string; address: string }[] {
  return names
    .flatMap((name) => headerValues(fields, name))
    .flatMap((value) => addressParser(value, { flatten: true }))
    .flatMap((mailbox) => (mailbox.address?.includes("@") ? [{ name: mailbox.name, address: mailbox.address }] : []));
}
