import * as z from "zod";

export const Slug = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, "lower-case letters, digits and inner dashes, at most 40")
  .meta({ example: "acme" });

export const Email = z.email().max(254).toLowerCase().meta({ example: "alex@acme.example" });

export const Name = z.string().trim().min(1).max(120);

export const TimeZone = z
  .string()
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, "an IANA time zone such as Europe/Berlin")
  .meta({ example: "Europe/Berlin" });

export const TicketPrefix = z
  .string()
  .regex(/^[A-Z][A-Z0-9]{1,9}$/, "2–10 upper-case letters or digits, starting with a letter")
  .meta({ example: "ACME" });

export const Password = z.string().min(10, "at least 10 characters").max(200);

export const Version = z.number().int().positive();

export const PageQuery = z.object({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
