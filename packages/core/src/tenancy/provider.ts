import * as z from "zod";
import { hashPassword } from "../auth/crypto";
import { ensureCommitted } from "../common/transaction";
import { Outdesk } from "../dynamo";
import { Conflict } from "../error";
import { fn } from "../fn";
import { createId } from "../id";
import { Email, Name, Password, Slug } from "./schema";

export namespace Provider {
  export const Info = z
    .object({ id: z.string(), name: z.string(), slug: z.string(), status: z.enum(["active", "suspended"]) })
    .meta({ id: "Provider" });
  export type Info = z.infer<typeof Info>;

  export const SignupInput = z
    .strictObject({
      providerName: Name,
      providerSlug: Slug.describe("typed at login; cannot be changed later"),
      adminName: Name,
      adminEmail: Email,
      password: Password,
    })
    .meta({ id: "Signup" });

  /**
   * Creates a provider with its first admin in one transaction: provider, global slug route,
   * admin user and the admin's email guard. A taken slug is a 409 and nothing is written.
   */
  export const signup = fn(SignupInput, async (input) => {
    const providerId = createId("provider");
    const userId = createId("user");
    const passwordHash = await hashPassword(input.password);
    const result = await Outdesk.transaction
      .write(({ provider, providerSlug, user, unique }) => [
        provider.create({ providerId, name: input.providerName, slug: input.providerSlug }).commit(),
        providerSlug.create({ slug: input.providerSlug, providerId }).commit(),
        user
          .create({
            providerId,
            userId,
            email: input.adminEmail,
            name: input.adminName,
            role: "provider_admin",
            clientIds: [],
            status: "active",
            passwordHash,
          })
          .commit(),
        unique.create({ providerId, kind: "user_email", value: input.adminEmail, ownerId: userId }).commit(),
      ])
      .go();
    ensureCommitted(result, [
      undefined,
      Conflict(`The provider slug "${input.providerSlug}" is taken`, {
        issues: [{ path: ["providerSlug"], message: "taken" }],
      }),
    ]);
    return { providerId, userId };
  });

  export async function resolveSlug(slug: string): Promise<string | undefined> {
    const { data } = await Outdesk.entities.providerSlug.get({ slug }).go();
    return data?.providerId;
  }

  /** Every provider id, a page at a time (timers visit each tenant in turn). */
  export async function* allIds(): AsyncGenerator<string> {
    let cursor: string | null = null;
    do {
      const page: { data: { providerId: string }[]; cursor: string | null } = await Outdesk.entities.provider.query
        .directory({})
        .go({ cursor, limit: 100, attributes: ["providerId"] });
      for (const row of page.data) yield row.providerId;
      cursor = page.cursor;
    } while (cursor);
  }
}
