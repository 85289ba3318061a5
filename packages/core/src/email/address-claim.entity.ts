import { Entity } from "electrodb";
import { entityConfig, key } from "../common/keys";

export const ClaimStates = ["pending", "verified", "conflict"] as const;
export type ClaimState = (typeof ClaimStates)[number];

export const VerificationMethods = ["code", "mail", "domain", "system"] as const;
export type VerificationMethod = (typeof VerificationMethods)[number];

/**
 * A client's claim on one of its own support addresses (help@acme.example), inside the
 * provider's and client's keys: claims of different providers on one address are different
 * items, so a pending claim blocks nobody and a provider reads only its own. Mail for the
 * address routes only once the claim is verified, when the global inboundAddress item is
 * written in the same transaction. `conflict`: control was proven, but the address already
 * routes to another account (shown only to whoever proved control).
 */
export const addressClaimEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "addressClaim", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true, field: "p" },
        clientId: { type: "string", required: true, readOnly: true, field: "c" },
        address: { type: "string", required: true, readOnly: true, field: "a" },
        state: { type: ClaimStates, required: true, field: "st" },
        method: { type: VerificationMethods, field: "m" },
        /** HMAC of the current code (never the code itself), bound to provider, client and address. */
        codeHash: { type: "string", field: "ch" },
        codeExpiresAt: { type: "string", field: "ce" },
        /** Tries at the current code; a new code resets them. */
        attempts: { type: "number", required: true, default: 0, field: "at" },
        /** When the current code's mail was accepted by SES; unset while unsent or after a failure. */
        codeSentAt: { type: "string", field: "cs" },
        sendFailed: { type: "boolean", field: "sf" },
        sesMessageId: { type: "string", field: "sm" },
        verifiedAt: { type: "string", field: "va" },
        createdAt: { type: "string", required: true, readOnly: true, field: "ca" },
        updatedAt: { type: "string", required: true, field: "ua" },
      },
      indexes: {
        byClient: { pk: key("pk", ["providerId", "clientId"]), sk: key("sk", ["address"], "ac") },
      },
    },
    entityConfig,
  );

export type AddressClaimEntity = ReturnType<typeof addressClaimEntity>;
