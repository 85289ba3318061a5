import * as z from "zod";

/** The placeholders auto-acknowledgements and signatures may use; anything else is refused. */
export const Placeholders = ["ticket.key", "ticket.subject", "requester.name", "client.name"] as const;
export type Placeholder = (typeof Placeholders)[number];
export type TemplateValues = Partial<Record<Placeholder, string | null | undefined>>;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Problems with a template's placeholders, as messages; empty when it is fine. */
export function templateProblems(text: string): string[] {
  const problems: string[] = [];
  for (const [, name] of text.matchAll(PLACEHOLDER)) {
    if (!(Placeholders as readonly string[]).includes(name ?? "")) {
      problems.push(`unknown placeholder {{${name}}}; use ${Placeholders.map((p) => `{{${p}}}`).join(", ")}`);
    }
  }
  if (text.replace(PLACEHOLDER, "").includes("{{")) problems.push("a placeholder is not closed with }}");
  return problems;
}

/**
 * Fills a template's placeholders with plain-text values. Values come from senders (a ticket's
 * subject, a display name), so line breaks and other control characters in them become spaces:
 * a rendered subject can never grow a header. Missing values render as empty text.
 */
export function renderTemplate(text: string, values: TemplateValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    if (!(Placeholders as readonly string[]).includes(name)) return whole;
    const value = values[name as Placeholder] ?? "";
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ");
  });
}

const template = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((text, context) => {
      for (const message of templateProblems(text)) context.addIssue({ code: "custom", message });
    });

// A display name goes into a From header: one line, no control characters.
const FromName = z
  .string()
  .trim()
  .min(1)
  .max(120)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), "one line, without control characters");

const Subject = template(200)
  .refine((text) => text.trim().length > 0, "must not be empty")
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  .refine((text) => !/[\u0000-\u001f\u007f]/.test(text), "one line, without control characters");

export namespace MailSettings {
  /** As stored on the client item (attribute `mailSettings`). */
  export interface Stored {
    fromName?: string;
    fromAddress?: string;
    signature?: string;
    autoAck: { enabled: boolean; subject: string; body: string };
  }

  export const DEFAULT_AUTO_ACK = {
    enabled: true,
    subject: "We received your request [{{ticket.key}}]: {{ticket.subject}}",
    body: [
      "Hello,",
      "",
      "Thank you for contacting {{client.name}} support. We have received your request and opened ticket {{ticket.key}}.",
      "",
      "A member of our team will get back to you as soon as possible. To add information, reply to this email and keep the ticket number in the subject.",
      "",
      "Kind regards,",
      "{{client.name}} Support",
    ].join("\n"),
  } as const;

  export function defaults(): Stored {
    return { autoAck: { ...DEFAULT_AUTO_ACK } };
  }

  /** What a client's mail goes out with, defaults filled in. */
  export const Info = z
    .object({
      fromName: z.string().describe("the From display name; defaults to the client's name"),
      fromAddress: z.string().describe("a verified address of the client, else its default address"),
      signature: z.string().describe("plain text appended to replies; may use placeholders"),
      autoAck: z.object({
        enabled: z.boolean(),
        subject: z.string(),
        body: z.string(),
      }),
    })
    .meta({ id: "MailSettings" });
  export type Info = z.infer<typeof Info>;

  /** A change: omitted fields stay, null clears (back to the default). */
  export const Input = z
    .strictObject({
      fromName: FromName.nullable().optional(),
      fromAddress: z
        .email()
        .max(254)
        .toLowerCase()
        .nullable()
        .optional()
        .describe("one of the client's verified addresses or its default address; null: the default"),
      signature: template(2000).nullable().optional(),
      autoAck: z
        .strictObject({
          enabled: z.boolean().optional(),
          subject: Subject.optional(),
          body: template(5000)
            .refine((text) => text.trim().length > 0, "must not be empty")
            .optional(),
        })
        .optional(),
    })
    .meta({ id: "MailSettingsChange" });
  export type Input = z.infer<typeof Input>;

  export function stored(value: unknown): Stored {
    const item = value as Partial<Stored> | undefined;
    return { ...defaults(), ...item, autoAck: { ...DEFAULT_AUTO_ACK, ...item?.autoAck } };
  }

  /** The stored settings after a change; the default address is stored as "no address" (it moves with the slug). */
  export function merge(current: Stored, change: Input, defaultAddress: string): Stored {
    const next: Stored = { ...current, autoAck: { ...current.autoAck, ...change.autoAck } };
    for (const field of ["fromName", "fromAddress", "signature"] as const) {
      const value = change[field];
      if (value === null || (field === "fromAddress" && value === defaultAddress)) delete next[field];
      else if (value !== undefined) next[field] = value;
    }
    return next;
  }

  export function resolve(
    value: unknown,
    client: { name: string; defaultAddress: string; supportAddresses: readonly string[] },
  ): Info {
    const settings = stored(value);
    const fromAddress =
      settings.fromAddress && client.supportAddresses.includes(settings.fromAddress)
        ? settings.fromAddress
        : client.defaultAddress;
    return {
      fromName: settings.fromName ?? client.name,
      fromAddress,
      signature: settings.signature ?? "",
      autoAck: settings.autoAck,
    };
  }
}
