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

/** An id in a body or query: never empty (an empty assignee would hide a ticket from Unassigned). */
export const Id = z.string().min(1, "must not be empty").max(64);

/**
 * A number DynamoDB stores exactly and the SDK marshals: a safe integer's range, and no closer
 * to zero than DynamoDB's smallest magnitude (1e-130).
 */
const FieldNumber = z
  .number()
  .min(-Number.MAX_SAFE_INTEGER, "below -(2^53 - 1)")
  .max(Number.MAX_SAFE_INTEGER, "above 2^53 - 1")
  .refine((n) => n === 0 || Math.abs(n) >= 1e-130, "too close to zero (DynamoDB keeps magnitudes from 1e-130)");

export const FieldValue = z.union([z.string().max(1000), FieldNumber, z.boolean(), z.null()]);
export const FieldValues = z.record(z.string().max(40), FieldValue).refine((v) => Object.keys(v).length <= 30, {
  message: "at most 30 fields",
});

/** Unicode's directional embeddings, overrides, isolates and marks. */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A message's attachment as the API shows it; the file itself comes from a presigned URL (the attachment route). */
export const Attachment = z
  .object({
    id: z.string(),
    filename: z.string().describe("cleaned: no path, bidi or control characters"),
    contentType: z.string(),
    size: z.number().int().describe("bytes"),
    contentId: z.string().optional().describe("mail parts: the Content-ID that `cid:` URLs in the HTML name"),
    inline: z.boolean().optional().describe("an image shown in the message body (PNG, JPEG, GIF or WebP)"),
  })
  .meta({ id: "Attachment" });

/** A file to attach: an upload from POST …/attachments, after its PUT. */
export const AttachmentInput = z.strictObject({ uploadId: z.string().min(1).max(64) }).meta({ id: "AttachmentInput" });
export const AttachmentInputs = z
  .array(AttachmentInput)
  .max(20, "at most 20 attachments")
  .default([])
  .describe("uploads to attach (POST …/attachments, then PUT the file): at most 20, 25 MiB in all");

export const Body = z.string().trim().min(1, "the message is empty").max(100_000);

export const Requester = z.strictObject({ name: Name.optional(), email: Email }).meta({ id: "Requester" });

export const CreateInput = z
  .strictObject({
    clientId: Id,
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
    assigneeId: Id.optional(),
    fields: FieldValues.default({}),
    attachments: AttachmentInputs,
  })
  .meta({ id: "TicketCreate" });

export const UpdateInput = z
  .strictObject({
    subject: z.string().trim().min(1).max(250).optional(),
    requester: Requester.optional().describe("who the ticket is for: its replies go to this address"),
    status: Status.optional(),
    priority: Priority.optional(),
    type: TicketType.optional(),
    category: z.string().trim().max(80).nullable().optional(),
    tags: Tags.optional(),
    addTags: Tags.optional(),
    removeTags: Tags.optional(),
    assigneeId: Id.nullable().optional().describe("null unassigns"),
    fields: FieldValues.optional().describe("merged into the ticket's fields; null clears one"),
    ccs: z.array(Email).max(20).optional(),
    version: Version.optional(),
  })
  .meta({ id: "TicketUpdate" });

export const MessageInput = z
  .strictObject({
    body: Body,
    bodyHtml: z.string().max(200_000).optional(),
    attachments: AttachmentInputs,
    timeSpentMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .default(0),
    status: Status.optional().describe("set the status in the same step (e.g. reply and set pending)"),
    email: z
      .strictObject({
        send: z.boolean().default(true).describe("mail a public reply to the requester and CCs (default)"),
        cc: z.array(Email).max(20).optional().describe("the CCs of this mail; defaults to the ticket's"),
      })
      .optional()
      .describe("how a public staff reply goes out by email"),
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
  .strictObject({ targetTicketId: Id, version: Version.optional() })
  .meta({ id: "TicketMerge" });

/** What a bulk request changes; each listed ticket gets all of it in its own transaction. */
const bulkChanges = ["status", "priority", "assigneeId", "tier", "addTags", "removeTags"] as const;

export const BulkInput = z
  .strictObject({
    tickets: z
      .array(z.strictObject({ clientId: Id, ticketId: Id }))
      .min(1)
      .max(100),
    status: Status.optional(),
    priority: Priority.optional(),
    assigneeId: Id.nullable().optional().describe("null unassigns"),
    tier: Tier.optional(),
    reason: z
      .string()
      .trim()
      .min(3, "say why")
      .max(500)
      .optional()
      .describe("why the tier changes: required with tier"),
    addTags: Tags.optional(),
    removeTags: Tags.optional(),
    mergeInto: Id.optional().describe(
      "merge every listed ticket into this one (same client, by the merge operation); takes no other change",
    ),
  })
  .superRefine((input, ctx) => {
    const changes = bulkChanges.filter((key) => input[key] !== undefined);
    if (input.mergeInto !== undefined) {
      if (changes.length > 0) {
        ctx.addIssue({ code: "custom", path: [changes[0]!], message: "a merge takes no other change" });
      }
      return;
    }
    if (changes.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["status"],
        message: "set a status, priority, assignee, tier or tags, or mergeInto",
      });
    }
    if (input.tier !== undefined && input.reason === undefined) {
      ctx.addIssue({ code: "custom", path: ["reason"], message: "say why the tier changes" });
    }
    if (input.tier === undefined && input.reason !== undefined) {
      ctx.addIssue({ code: "custom", path: ["reason"], message: "a reason goes with a tier change" });
    }
    const both = (input.addTags ?? []).filter((tag) => input.removeTags?.includes(tag));
    if (both.length > 0) {
      ctx.addIssue({ code: "custom", path: ["removeTags"], message: `both added and removed: ${both.join(", ")}` });
    }
  })
  .meta({ id: "TicketBulkUpdate" });

export const Views = ["client", "mine", "unassigned", "all", "requester"] as const;
export const Sorts = ["updated", "due", "number", "created"] as const;

export const ListInput = PageQuery.extend({
  view: z.enum(Views).default("all"),
  clientId: Id.optional(),
  status: Status.optional(),
  priority: Priority.optional(),
  tier: Tier.optional(),
  tag: Tag.optional(),
  assigneeId: Id.optional(),
  requester: Email.optional().describe("the requester view: this person's tickets at clientId, newest first"),
  sort: z
    .enum(Sorts)
    .optional()
    .describe(
      "what orders the page, as the view's index holds it: updated (client, mine, unassigned, assigneeId), due (SLA due time: all, client), number (priority, tier, tag filters), created (requester). Default: the view's own; others answer 400",
    ),
  order: z
    .enum(["oldest", "newest"])
    .optional()
    .describe(
      "ascending (oldest, soonest due, lowest number) or descending; default: newest for the requester view, else oldest",
    ),
});
