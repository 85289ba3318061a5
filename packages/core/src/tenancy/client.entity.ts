import { Entity } from "electrodb";
import { timestamps, version } from "../common/attributes";
import { entityConfig, key } from "../common/keys";

export const clientEntity = () =>
  new Entity(
    {
      model: { service: "outdesk", entity: "client", version: "1" },
      attributes: {
        providerId: { type: "string", required: true, readOnly: true },
        clientId: { type: "string", required: true, readOnly: true },
        name: { type: "string", required: true },
        slug: { type: "string", required: true },
        /** Prefix of human ticket numbers and mail subject tokens: ACME → ACME-1042. */
        ticketPrefix: { type: "string", required: true },
        timeZone: { type: "string", required: true },
        /** Verified addresses of the client's own (each has a routing item); claims live in addressClaim. */
        supportAddresses: { type: "list", items: { type: "string" }, required: true, default: () => [] },
        /** `<slug>.<providerSlug>@<mail domain>`, routed from creation; moves with the slug. */
        defaultAddress: { type: "string" },
        /** From name and address, signature, auto-acknowledgement (core/email/mail-settings.ts); unset: defaults. */
        mailSettings: { type: "any" },
        status: { type: ["active", "archived"] as const, required: true, default: "active" },
        /** Custom ticket field definitions (validated by Client.TicketField before writing). */
        ticketFields: { type: "any", required: true, default: () => [] },
        /** Solved tickets close after this many days without activity. */
        autoCloseDays: { type: "number", required: true, default: 4 },
        /** Per-client ticket number counter: ACME-1 … ACME-1042. */
        lastTicketNumber: { type: "number", required: true, default: 0 },
        archivedAt: { type: "string" },
        ...timestamps,
        ...version,
      },
      indexes: {
        byId: {
          pk: key("pk", ["providerId"]),
          sk: key("sk", ["clientId"], "c"),
        },
      },
    },
    entityConfig,
  );

export type ClientEntity = ReturnType<typeof clientEntity>;
