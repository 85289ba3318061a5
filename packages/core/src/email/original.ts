import * as z from "zod";
import { assertClientAccess } from "../actor";
import { Aws } from "../aws";
import { Config } from "../config";
import { Forbidden, NotFound } from "../error";
import { fn } from "../fn";
import { messageFields } from "../ticket/thread";
import type { MailMeta } from "./model";

const ORIGINAL_URL_SECONDS = 5 * 60;

export const OriginalInfo = z
  .object({ url: z.string(), expiresAt: z.string(), size: z.number() })
  .meta({ id: "MailOriginal" });

/** The `mail` attribute of one message of the ticket, by its id; undefined when there is no such message. */
async function mailOf(providerId: string, clientId: string, ticketId: string, messageId: string) {
  const messages = messageFields(providerId, clientId, ticketId, {
    fields: ["ml", "id"],
    filter: "#f1 = :id",
    values: { ":id": { S: messageId } },
  });
  for await (const found of messages) return (found as { ml?: MailMeta }).ml ?? null;
  return undefined;
}

/**
 * "Show original": a short-lived presigned GET of the raw .eml SES stored, as a download (never
 * rendered), for the provider's staff only. Another tenant's or client's message is a 404.
 */
export const originalUrl = fn(
  z.object({ clientId: z.string(), ticketId: z.string(), messageId: z.string() }),
  async ({ clientId, ticketId, messageId }) => {
    const actor = assertClientAccess(clientId, "Message");
    const mail = await mailOf(actor.providerId, clientId, ticketId, messageId);
    if (mail === undefined) throw NotFound("Message");
    if (actor.role === "client_admin") throw NotFound("Message");
    if (!mail?.raw) throw NotFound("Original mail");
    if (mail.quarantined) throw Forbidden("The virus scan failed this mail; its original is withheld");
    const [client, { GetObjectCommand }, { getSignedUrl }] = await Promise.all([
      Aws.s3Client(),
      import("@aws-sdk/client-s3"),
      import("@aws-sdk/s3-request-presigner"),
    ]);
    const url = await getSignedUrl(
      client,
      new GetObjectCommand({
        Bucket: Config.get("rawMailBucket"),
        Key: mail.raw.key,
        ResponseContentDisposition: `attachment; filename="message-${messageId}.eml"`,
        ResponseContentType: "application/octet-stream",
        ResponseCacheControl: "private, no-store",
      }),
      { expiresIn: ORIGINAL_URL_SECONDS },
    );
    return { url, expiresAt: new Date(Date.now() + ORIGINAL_URL_SECONDS * 1000).toISOString(), size: mail.raw.size };
  },
);
