import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

const mailAttributes = {
  /** The envelope recipient no address routes, lower-cased. */
  recipient: { type: "string", required: true, readOnly: true, field: "r" },
  /** SES's id of the delivery: the raw MIME stays at `inbound/<id>` in the raw-mail bucket. */
  sesMessageId: { type: "string", required: true, readOnly: true, field: "sm" },
  from: { type: "string", required: true, readOnly: true, field: "fr" },
  subject: { type: "string", required: true, readOnly: true, field: "su" },
  receivedAt: { type: "string", required: true, readOnly: true, field: "ra" },
  /** TTL (epoch seconds). */
  expiresAt: { type: "number", required: true, readOnly: true },
} as const;

/**
 * Mail to an address on the mail domain that routes to no client but names an existing provider
 * (`<anything>.<providerSlug>@<mail domain>`: a renamed or removed client, a typo): kept for that
 * provider's admins, newest first, in a partition of its own so a flood of it never shares one
 * with the provider's other items. The key is derived from the delivery, so a retried handler
 * writes the same item again.
 */
export const unknownMailEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "unknownMail", version: "1" },
      attributes: { providerId: { type: "string", required: true, readOnly: true, field: "p" }, ...mailAttributes },
      indexes: {
        byProvider: {
          // A literal after the provider id: the key still starts with it (key() puts prefixes first).
          // biome-ignore lint/suspicious/noTemplateCurlyInString: an ElectroDB key template, not a JS one
          pk: { field: "pk", composite: ["providerId"], template: "${providerId}#um", casing: "none" },
          sk: key("sk", ["receivedAt", "sesMessageId", "recipient"], "um"),
        },
      },
    },
    entityConfig,
  );

/**
 * Mail whose recipient names no provider at all: the system-wide log, keyed by day (not under
 * any provider, so no tenant ever reads it), for the operators.
 */
export const unroutedMailEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "unroutedMail", version: "1" },
      attributes: { day: { type: "string", required: true, readOnly: true, field: "d" }, ...mailAttributes },
      indexes: {
        byDay: {
          pk: key("pk", ["day"], "unrouted"),
          sk: key("sk", ["receivedAt", "sesMessageId", "recipient"], "ur"),
        },
      },
    },
    entityConfig,
  );

export type UnknownMailEntity = ReturnType<typeof unknownMailEntity>;
export type UnroutedMailEntity = ReturnType<typeof unroutedMailEntity>;
