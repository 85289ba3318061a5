import { createHash } from "node:crypto";
import type { EntityItem } from "electrodb";
import { ulid } from "ulid";
import * as z from "zod";
import { assertClientAccess, type TenantActor, useActor, useTenant } from "../actor";
import { Aws } from "../aws";
import { Config } from "../config";
import { Outdesk } from "../dynamo";
import { Conflict, Forbidden, InvalidField, NotFound } from "../error";
import { fn } from "../fn";
import type { Attachment, AttachmentInput } from "../ticket/schema";
import { messageFields } from "../ticket/thread";
import {
  cleanContentId,
  cleanFilename,
  contentDisposition,
  DOWNLOAD_URL_SECONDS,
  downloadContentType,
  INLINE_TYPES,
  INLINE_URL_SECONDS,
  isMimeType,
  MAX_ATTACHMENT_BYTES,
  MAX_MESSAGE_ATTACHMENT_BYTES,
  mailFilename,
  normalizeContentType,
  UPLOAD_RECORD_SECONDS,
  UPLOAD_URL_SECONDS,
  uploadRefusal,
} from "./policy";
import {
  attachmentsOrigin,
  copyObject,
  headObject,
  objectKey,
  presignGet,
  presignPut,
  putObject,
  stagingKey,
} from "./storage";
import type { AttachmentUploadEntity } from "./upload.entity";

export * as AttachmentPolicy from "./policy";

type UploadItem = EntityItem<AttachmentUploadEntity>;

/**
 * What a message stores per attachment: the API's `Attachment`, plus the ticket whose key
 * prefix holds the object (a merge moves messages, not objects). Hidden from API answers.
 */
export type StoredAttachment = z.infer<typeof Attachment> & { ticketId: string };

/** One mail part, as the inbound parser hands it over. */
export interface MailPart {
  filename: string | null;
  contentType: string;
  content: Uint8Array;
  contentId?: string;
  disposition?: "inline" | "attachment";
}

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const randomId = (prefix: string) => `${prefix}_${ulid().toLowerCase()}`;

/** `att_` and 26 characters from a hash: the same mail part always gets the same id (and S3 key). */
function derivedId(seed: string): string {
  const digest = createHash("sha256").update(seed).digest();
  let id = "att_";
  for (let i = 0; i < 26; i++) id += ALPHABET[digest[i]! & 31];
  return id;
}

const isStaff = (actor: TenantActor) => actor.role !== "client_admin";

/** What an upload promises: the PUT must match it. */
export const UploadRequest = z
  .strictObject({
    filename: z.string().min(1, "the name is empty").max(255),
    contentType: z
      .string()
      .trim()
      .toLowerCase()
      .max(127)
      .refine(isMimeType, "a MIME type such as application/pdf")
      .describe("sent as the PUT's Content-Type, which the URL signs"),
    size: z
      .number()
      .int()
      .min(0)
      .max(MAX_ATTACHMENT_BYTES, "at most 25 MiB")
      .describe("bytes; the PUT's Content-Length must be exactly this (signed)"),
  })
  .meta({ id: "AttachmentUploadCreate" });

const UploadInput = UploadRequest.extend({ clientId: z.string().max(64), ticketId: z.string().max(64).nullable() });

export const UploadInfo = z
  .object({
    uploadId: z.string().describe("name it in a message's `attachments: [{ uploadId }]`"),
    url: z.string().describe("presigned S3 URL: PUT the file's bytes here"),
    method: z.literal("PUT"),
    headers: z.object({ "content-type": z.string() }).describe("send these headers with the PUT"),
    expiresAt: z.string().describe("the URL's expiry (5 minutes); attach the upload within a day"),
  })
  .meta({ id: "AttachmentUpload" });
export type UploadInfo = z.infer<typeof UploadInfo>;

export const DownloadInfo = z
  .object({
    url: z.string().describe("presigned S3 URL, served as a download (or inline, for ?inline=1 images)"),
    expiresAt: z.string(),
  })
  .meta({ id: "AttachmentDownload" });
export type DownloadInfo = z.infer<typeof DownloadInfo>;

const uploadNotFound = (index: number) =>
  InvalidField(["attachments", index, "uploadId"], "no such upload: it expired, or it is not yours to attach here");

const epochSeconds = (ms: number) => Math.floor(ms / 1000);

/** Checks the tenant in scope, if any, against a target named by the caller (the mail handler). */
function assertTargetTenant(providerId: string) {
  const actor = useActor();
  if (actor.type !== "public" && actor.providerId !== providerId) throw Forbidden();
}

/** The attachment refs of a ticket's messages, newest first, page by page (projected: refs and visibility only). */
async function* messageAttachments(providerId: string, clientId: string, ticketId: string) {
  const messages = messageFields(providerId, clientId, ticketId, {
    fields: ["att", "vi"],
    filter: "attribute_exists(#f0)",
  });
  for await (const found of messages) {
    const item = found as { att?: StoredAttachment[]; vi?: "public" | "internal" };
    yield { attachments: item.att ?? [], visibility: item.vi ?? "internal" };
  }
}

async function mapLimited<T, R>(items: T[], limit: number, each: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await each(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export namespace Attachments {
  /**
   * A presigned PUT for one file, and the upload record a message later claims by id. With a
   * ticket, the ticket must be visible and open; without (`ticketId: null`, the new-ticket form),
   * the client must be active, and the upload may only be claimed by a ticket created from it.
   * The file goes to a staging key; a message that claims it copies it under the ticket.
   */
  export const createUpload = fn(UploadInput, async (input): Promise<UploadInfo> => {
    const actor = assertClientAccess(input.clientId, input.ticketId ? "Ticket" : "Client");
    const { providerId } = actor;
    const { clientId, ticketId, size } = input;
    const filename = cleanFilename(input.filename);
    if (!filename)
      throw InvalidField(["filename"], "the name is empty once path, control and bidi characters are removed");
    const contentType = normalizeContentType(input.contentType);
    const refusal = uploadRefusal(filename, contentType);
    if (refusal) throw InvalidField(["filename"], refusal);
    const { entities } = Outdesk;
    if (ticketId) {
      const { data: ticket } = await entities.ticket.get({ providerId, clientId, ticketId }).go();
      if (!ticket) throw NotFound("Ticket");
      if (ticket.status === "closed") throw Conflict("The ticket is closed; closed tickets are final");
    } else {
      const { data: client } = await entities.client.get({ providerId, clientId }).go();
      if (!client) throw NotFound("Client");
      if (client.status !== "active")
        throw InvalidField(["clientId"], "the client is archived and takes no new tickets");
    }
    const now = Date.now();
    const uploadId = randomId("upl");
    await entities.attachmentUpload
      .create({
        providerId,
        clientId,
        uploadId,
        ticketId: ticketId ?? undefined,
        attachmentId: randomId("att"),
        filename,
        contentType,
        size,
        uploadedBy: actor.id,
        createdAt: new Date(now).toISOString(),
        expiresAt: epochSeconds(now) + UPLOAD_RECORD_SECONDS,
      })
      .go();
    const url = await presignPut(stagingKey(providerId, clientId, uploadId), contentType, size, UPLOAD_URL_SECONDS);
    return {
      uploadId,
      url,
      method: "PUT",
      headers: { "content-type": contentType },
      expiresAt: new Date(now + UPLOAD_URL_SECONDS * 1000).toISOString(),
    };
  });

  /**
   * The attachments of a message being written to a ticket: each upload must be the caller's,
   * of this client, for this ticket (or a draft), unexpired, and in S3 with the size and type
   * it promised. Each is copied under the ticket's key prefix (a retry copies to the same key:
   * the attachment id was fixed with the upload). Call before the message's write; an empty
   * list costs nothing.
   */
  export async function claim(
    target: { clientId: string; ticketId: string },
    inputs: readonly z.infer<typeof AttachmentInput>[],
  ): Promise<StoredAttachment[]> {
    if (inputs.length === 0) return [];
    const actor = useTenant();
    const { providerId } = actor;
    const { clientId, ticketId } = target;
    const ids = inputs.map((input) => input.uploadId);
    const twice = ids.findIndex((id, index) => ids.indexOf(id) !== index);
    if (twice >= 0) throw InvalidField(["attachments", twice, "uploadId"], "this upload is listed twice");
    const { data } = await Outdesk.entities.attachmentUpload
      .get(ids.map((uploadId) => ({ providerId, clientId, uploadId })))
      .go({ consistent: true });
    const byId = new Map((data as UploadItem[]).map((item) => [item.uploadId, item]));
    const now = epochSeconds(Date.now());
    const uploads = ids.map((id, index) => {
      const upload = byId.get(id);
      const usable =
        upload &&
        upload.expiresAt > now &&
        upload.uploadedBy === actor.id &&
        (upload.ticketId === undefined || upload.ticketId === ticketId);
      if (!usable) throw uploadNotFound(index);
      return upload;
    });
    const total = uploads.reduce((sum, upload) => sum + upload.size, 0);
    if (total > MAX_MESSAGE_ATTACHMENT_BYTES) {
      throw InvalidField(["attachments"], `${total} bytes in all; a message carries at most 25 MiB of attachments`);
    }
    const heads = await mapLimited(uploads, 8, (upload) =>
      headObject(stagingKey(providerId, clientId, upload.uploadId)),
    );
    uploads.forEach((upload, index) => {
      const head = heads[index];
      const path = ["attachments", index, "uploadId"];
      if (!head) throw InvalidField(path, "nothing was uploaded: PUT the file to the upload URL first");
      if (head.size !== upload.size) {
        throw InvalidField(path, `the upload has ${head.size} bytes, not the ${upload.size} it declared`);
      }
      if (head.contentType !== undefined && normalizeContentType(head.contentType) !== upload.contentType) {
        throw InvalidField(path, `the upload is ${head.contentType}, not the ${upload.contentType} it declared`);
      }
    });
    await mapLimited(uploads, 8, (upload, index) =>
      copyObject(
        stagingKey(providerId, clientId, upload.uploadId),
        objectKey(providerId, clientId, ticketId, upload.attachmentId),
        heads[index]!.etag,
        upload.contentType,
      ),
    );
    return uploads.map((upload) => ({
      id: upload.attachmentId,
      filename: upload.filename,
      contentType: upload.contentType,
      size: upload.size,
      ticketId,
    }));
  }

  /**
   * Stores an inbound mail's parts under the ticket and returns their refs for the message. Ids
   * (and so keys) derive from `idSeed` and each part's index: a re-run of the inbound handler
   * overwrites the same objects instead of adding copies. The tenant is the caller's (resolved
   * from the SES envelope); a tenant actor in scope must be the same provider.
   */
  export async function storeMailParts(
    target: { providerId: string; clientId: string; ticketId: string },
    parts: readonly MailPart[],
    idSeed: string,
  ): Promise<StoredAttachment[]> {
    assertTargetTenant(target.providerId);
    const { providerId, clientId, ticketId } = target;
    return mapLimited([...parts], 4, async (part, index) => {
      const contentType = normalizeContentType(part.contentType);
      const id = derivedId(`${providerId}/${clientId}/${ticketId}\n${idSeed}\n${index}`);
      await putObject(objectKey(providerId, clientId, ticketId, id), part.content, contentType);
      const contentId = cleanContentId(part.contentId);
      const inline = part.disposition === "inline" && contentId !== undefined && INLINE_TYPES.has(contentType);
      return {
        id,
        filename: mailFilename(part.filename, contentType),
        contentType,
        size: part.content.byteLength,
        ...(contentId ? { contentId } : {}),
        ...(inline ? { inline: true } : {}),
        ticketId,
      };
    });
  }

  /**
   * A presigned GET for an attachment of a ticket's message, after the same check as the ticket
   * page: the ticket must be visible to the caller, and a client admin never reaches an internal
   * note's files (404, as for a missing one). Served as a download with a safe type, or with
   * `inline` (PNG, JPEG, GIF and WebP only) for images shown in the message body.
   */
  export const downloadUrl = fn(
    z.object({ clientId: z.string(), ticketId: z.string(), attachmentId: z.string(), inline: z.boolean() }),
    async ({ clientId, ticketId, attachmentId, inline }): Promise<DownloadInfo> => {
      const actor = assertClientAccess(clientId, "Ticket");
      const { providerId } = actor;
      let found: StoredAttachment | undefined;
      for await (const message of messageAttachments(providerId, clientId, ticketId)) {
        if (message.visibility !== "public" && !isStaff(actor)) continue;
        found = message.attachments.find((attachment) => attachment.id === attachmentId);
        if (found) break;
      }
      if (!found) throw NotFound("Attachment");
      if (inline && !INLINE_TYPES.has(found.contentType)) {
        throw InvalidField(["inline"], "only PNG, JPEG, GIF and WebP images are shown inline; download this one");
      }
      const seconds = inline ? INLINE_URL_SECONDS : DOWNLOAD_URL_SECONDS;
      const url = await presignGet(
        objectKey(providerId, clientId, found.ticketId ?? ticketId, found.id),
        {
          disposition: contentDisposition(inline ? "inline" : "attachment", found.filename),
          contentType: inline ? found.contentType : downloadContentType(found.contentType),
          cacheControl: `private, max-age=${seconds}`,
        },
        seconds,
      );
      return { url, expiresAt: new Date(Date.now() + seconds * 1000).toISOString() };
    },
  );

  /**
   * A stored attachment's bytes, for outbound mail; undefined when the object is gone. Pass the
   * stored ref rather than its id: a ref moved by a merge names the ticket that holds its file.
   */
  export async function content(
    where: { providerId: string; clientId: string; ticketId: string },
    stored: string | (Pick<StoredAttachment, "id"> & { ticketId?: string }),
  ): Promise<Uint8Array | undefined> {
    const ref = typeof stored === "string" ? { id: stored } : stored;
    const key = objectKey(where.providerId, where.clientId, ref.ticketId ?? where.ticketId, ref.id);
    return Aws.getObject(Config.get("attachmentsBucket"), key);
  }

  /** The origin of presigned URLs, for the console's Content-Security-Policy; undefined when no bucket is configured. */
  export function origin(): string | undefined {
    try {
      return attachmentsOrigin();
    } catch {
      return undefined;
    }
  }
}
