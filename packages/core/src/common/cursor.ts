import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { signingKeys } from "../auth/keys";
import { OutdeskError } from "../error";

const TTL_SECONDS = 60 * 60;

/**
 * Paging cursors handed to clients are sealed (AES-256-GCM) and bound to the tenant and the
 * query, so a client can neither read our keys, forge a position, nor replay a cursor from
 * another tenant or another query. Expired, tampered or foreign cursors are a 400.
 */
export namespace Cursor {
  export function binding(providerId: string, query: string, params: unknown): string {
    return createHash("sha256")
      .update(JSON.stringify([providerId, query, params]))
      .digest("base64url");
  }

  export async function seal(position: string, binding: string): Promise<string> {
    const { cursorKey } = await signingKeys();
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", cursorKey, iv);
    cipher.setAAD(Buffer.from(binding));
    const body = JSON.stringify({ p: position, e: Math.floor(Date.now() / 1000) + TTL_SECONDS });
    const sealed = Buffer.concat([cipher.update(body, "utf8"), cipher.final()]);
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString("base64url");
  }

  export function invalid() {
    return new OutdeskError("invalid_cursor", "The cursor is invalid, expired, or belongs to another query", {
      issues: [{ path: ["cursor"], message: "invalid cursor" }],
    });
  }

  export async function open(token: string, binding: string): Promise<string> {
    const invalid = Cursor.invalid();
    const raw = Buffer.from(token, "base64url");
    if (raw.length < 12 + 16 + 1) throw invalid;
    const { cursorKey } = await signingKeys();
    try {
      const decipher = createDecipheriv("aes-256-gcm", cursorKey, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(binding));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      const body = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
      const { p, e } = JSON.parse(body.toString("utf8")) as { p: string; e: number };
      if (e < Date.now() / 1000) throw invalid;
      return p;
    } catch {
      throw invalid;
    }
  }
}

export interface Page<T> {
  items: T[];
  cursor: string | null;
}

/** Runs one ElectroDB query page and seals its position. */
export async function paginate<Row, T>(
  run: (cursor: string | null) => Promise<{ data: Row[]; cursor: string | null }>,
  options: { cursor?: string | undefined; binding: string; map: (row: Row) => T },
): Promise<Page<T>> {
  const position = options.cursor ? await Cursor.open(options.cursor, options.binding) : null;
  const { data, cursor } = await run(position);
  return { items: data.map(options.map), cursor: cursor ? await Cursor.seal(cursor, options.binding) : null };
}
