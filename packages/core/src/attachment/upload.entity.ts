import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

/**
 * An upload the console or an API client was given a presigned PUT for: what it promised to
 * send, for which ticket (none for a ticket not yet created) and by whom. A message claims it by
 * id; TTL removes it a day later (its staging object expires with the bucket's lifecycle rule).
 */
export const attachmentUploadEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "attachmentUpload", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true, field: "p" },
        clientId: { type: "string", required: true, readOnly: true, field: "c" },
        uploadId: { type: "string", required: true, readOnly: true, field: "id" },
        /** Absent for a draft (the new-ticket form): it may then be claimed by the ticket it creates. */
        ticketId: { type: "string", readOnly: true, field: "t" },
        /** The id the attachment gets when claimed, fixed here so a retried claim writes the same object. */
        attachmentId: { type: "string", required: true, readOnly: true, field: "a" },
        filename: { type: "string", required: true, readOnly: true, field: "fn" },
        contentType: { type: "string", required: true, readOnly: true, field: "ct" },
        size: { type: "number", required: true, readOnly: true, field: "sz" },
        /** The user or API key that asked; only they can attach it. */
        uploadedBy: { type: "string", required: true, readOnly: true, field: "by" },
        createdAt: { type: "string", required: true, readOnly: true, field: "ca" },
        /** Epoch seconds; DynamoDB TTL removes the item some time after (reads check it too). */
        expiresAt: { type: "number", required: true, readOnly: true },
      },
      indexes: {
        byId: { pk: key("pk", ["providerId", "clientId", "uploadId"]), sk: key("sk", [], "up") },
      },
    },
    entityConfig,
  );

export type AttachmentUploadEntity = ReturnType<typeof attachmentUploadEntity>;
