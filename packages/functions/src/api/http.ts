import { InvalidField } from "@outdesk/core/error";
import type { Context } from "hono";
import * as z from "zod";

export const json = <Schema extends z.ZodType>(schema: Schema, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <Schema extends z.ZodType>(schema: Schema) => ({
  required: true,
  content: { "application/json": { schema } },
});

export const pageOf = <Schema extends z.ZodType>(item: Schema, name: string) =>
  z
    .object({
      items: z.array(item),
      cursor: z.string().nullable().describe("pass as ?cursor= for the next page; null on the last page"),
    })
    .meta({ id: name });

export const bearer = [{ bearer: [] }];

/**
 * The version a write is conditional on: `If-Match: "3"` or `version` in the body. Both may be
 * sent but must agree. Neither: the server uses the version it reads (still conditional).
 */
export function expectedVersion(c: Context, bodyVersion: number | undefined): number | undefined {
  const header = c.req.header("if-match");
  if (!header) return bodyVersion;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) throw InvalidField(["If-Match"], 'send the version as an entity tag, e.g. "3"');
  const version = Number(match[1]);
  if (bodyVersion !== undefined && bodyVersion !== version) {
    throw InvalidField(["version"], "the body's version and If-Match disagree");
  }
  return version;
}

export function etag(c: Context, version: number) {
  c.header("ETag", `"${version}"`);
}
