import { createRoute } from "@hono/zod-openapi";
import { Attachments, DownloadInfo, UploadInfo, UploadRequest } from "@outdesk/core/attachment";
import * as z from "zod";
import { router } from "./context";
import { commonErrors, conflictError } from "./errors";
import { bearer, json, jsonBody } from "./http";
import { requireAuth } from "./middleware";

const tags = ["Attachments"];
const id = z.string().max(64);

const uploadDescription =
  "Answers a presigned S3 URL (5 minutes): PUT the file's bytes to it with the given Content-Type; its " +
  "Content-Length must be exactly `size` (both are signed). Then name `uploadId` in a message's " +
  "`attachments` within a day; only you can. 25 MiB per file and per message; programs and scripts " +
  "(.exe, .js, .msi, …) are refused.";

/** URLs that grant access are answers no cache should keep. */
const noStore = { "cache-control": "no-store" };

/** Attachment uploads and downloads, under the client: /v1/clients/{clientId}/… */
export const attachments = router()
  .openapi(
    createRoute({
      method: "post",
      path: "/{clientId}/attachments",
      tags,
      summary: "Upload a file for a ticket not yet created (the new-ticket form)",
      description: `${uploadDescription} Such an upload can only be attached by the ticket create that names it (or a later message).`,
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: z.object({ clientId: id }), body: jsonBody(UploadRequest) },
      responses: { 201: json(UploadInfo, "Upload URL"), ...commonErrors },
    }),
    async (c) => {
      const { clientId } = c.req.valid("param");
      const upload = await Attachments.createUpload({ ...c.req.valid("json"), clientId, ticketId: null });
      return c.json(upload, 201, noStore);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{clientId}/tickets/{ticketId}/attachments",
      tags,
      summary: "Upload a file for a reply or note on this ticket",
      description: uploadDescription,
      security: bearer,
      middleware: [requireAuth] as const,
      request: { params: z.object({ clientId: id, ticketId: id }), body: jsonBody(UploadRequest) },
      responses: { 201: json(UploadInfo, "Upload URL"), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const upload = await Attachments.createUpload({ ...c.req.valid("json"), ...c.req.valid("param") });
      return c.json(upload, 201, noStore);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{clientId}/tickets/{ticketId}/attachments/{attachmentId}",
      tags,
      summary: "A short-lived download URL for an attachment of this ticket's messages",
      description:
        "Answers JSON with a presigned S3 URL (5 minutes) served with `Content-Disposition: attachment` and a " +
        "safe Content-Type; the file never comes from our origin. `inline=1` gives an inline URL (15 minutes) " +
        "for PNG, JPEG, GIF and WebP images only, for `cid:` images in a message body. Attachments of " +
        "internal notes are not found for client admins.",
      security: bearer,
      middleware: [requireAuth] as const,
      request: {
        params: z.object({ clientId: id, ticketId: id, attachmentId: id }),
        query: z.object({ inline: z.enum(["0", "1", "true", "false"]).optional() }),
      },
      responses: { 200: json(DownloadInfo, "Download URL"), ...commonErrors },
    }),
    async (c) => {
      const { inline } = c.req.valid("query");
      const download = await Attachments.downloadUrl({
        ...c.req.valid("param"),
        inline: inline === "1" || inline === "true",
      });
      return c.json(download, 200, noStore);
    },
  );
