import * as z from "zod";
import { Email, Name, PageQuery, Version } from "../tenancy/schema";
import { Channels, Priorities, Statuses, TicketTypes, Tiers } from "./constants";

export const Status = z.enum(Statuses);
export const Priority = z.enum(Priorities);
export const Tier = z.enum(Tiers);
export const Channel = z.enum(Channels);
export const TicketType = z.enum(TicketTypes);

export const Tag = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_:-]{0,39}$/, "letters, digits, _ : - (max 40)");
export const Tags = z
  .array(Tag)
  .max(30)
  .transform((tags) => [...new Set(tags)]);

export const FieldValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);
export const FieldValues = z.record(z.string().max(40), FieldValue).refine((v) => Object.keys(v).length <= 30, {
  message: "at most 30 fields",
});

export const Attachment = z
  .strictObject({
    filename: z.string().min(1).max(255),
    contentType: z
      .string()
      .max(127)
      .regex(/^[\w.+-]+\/[\w.+-]+$/, "a MIME type such as application/pdf"),
    size: z
      .number()
      .int()
      .min(0)
      .max(25 * 1024 * 1024, "at most 25 MiB"),
  })
  .meta({ id: "Attachment" });

export const Body = z.string().trim().min(1, "the message is empty").max(100_000);

export const Requester = z.strictObject({ name: Name.optional(), email: Email }).meta({ id: "Requester" });

export const CreateInput = z
  .strictObject({
    clientId: z.string().max(64),
    subject: z.string().trim().min(1).max(250),
    body: Body,
    bodyHtml: z.string().max(200_000).optional(),
    requester: Requester,
    ccs: z.array(Email).max(20).default([]),
    channel: z
      .enum(["web", "api", "phone", "chat"])
      .optional()
      .describe("default: api for API keys, else web; email tickets arrive by mail"),
    priority: Priority.default("normal"),
    type: TicketType.default("question"),
    category: z.string().trim().max(80).optional(),
    tags: Tags.default([]),
    assigneeId: z.string().max(64).optional(),
    fields: FieldValues.default({}),
    attachments: z.array(Attachment).max(20).default([]),
  })
  .meta({ id: "TicketCreate" });

export const UpdateInput = z
  .strictObject({
    subject: z.string().trim().min(1).max(250).optional(),
    status: Status.optional(),
    priority: Priority.optional(),
    type: TicketType.optional(),
    category: z.string().trim().max(80).nullable().optional(),
    tags: Tags.optional(),
    addTags: Tags.optional(),
    removeTags: Tags.optional(),
    assigneeId: z.string().max(64).nullable().optional().describe("null unassigns"),
    fields: FieldValues.optional().describe("merged into the ticket's fields; null clears one"),
    ccs: z.array(Email).max(20).optional(),
    version: Version.optional(),
  })
  .meta({ id: "TicketUpdate" });

export const MessageInput = z
  .strictObject({
    body: Body,
    bodyHtml: z.string().max(200_000).optional(),
    attachments: z.array(Attachment).max(20).default([]),
    timeSpentMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .default(0),
    status: Status.optional().describe("set the status in the same step (e.g. reply and set pending)"),
    version: Version.optional(),
  })
  .meta({ id: "TicketMessageCreate" });

export const EscalateInput = z
  .strictObject({
    tier: Tier,
    reason: z.string().trim().min(3, "say why").max(500),
    version: Version.optional(),
  })
  .meta({ id: "TicketEscalate" });

export const MergeInput = z
  .strictObject({ targetTicketId: z.string().max(64), version: Version.optional() })
  .meta({ id: "TicketMerge" });

export const BulkInput = z
  .strictObject({
    tickets: z
      .array(z.strictObject({ clientId: z.string().max(64), ticketId: z.string().max(64) }))
      .min(1)
      .max(100),
    status: Status.optional(),
    assigneeId: z.string().max(64).nullable().optional(),
  })
  .refine((input) => input.status !== undefined || input.assigneeId !== undefined, {
    message: "set a status or an assignee",
    path: ["status"],
  })
  .meta({ id: "TicketBulkUpdate" });

export const Views = ["client", "mine", "unassigned", "all", "requester"] as const;

export const ListInput = PageQuery.extend({
  view: z.enum(Views).default("all"),
  clientId: z.string().max(64).optional(),
  status: Status.optional(),
  priority: Priority.optional(),
  tier: Tier.optional(),
  tag: Tag.optional(),
  assigneeId: z.string().max(64).optional(),
  requester: Email.optional().describe("the requester view: this person's tickets at clientId, newest first"),
  order: z.enum(["oldest", "newest"]).optional().describe("default: newest for the requester view, else oldest"),
});
