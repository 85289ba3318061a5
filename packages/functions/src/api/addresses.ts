import { createRoute } from "@hono/zod-openapi";
import { Addresses, MAX_CODE_ATTEMPTS } from "@outdesk/core/email/addresses";
import * as z from "zod";
import { router } from "./context";
import { commonErrors, conflictError, rateLimitError } from "./errors";
import { bearer, json, jsonBody, pageOf } from "./http";
import { requireAuth } from "./middleware";

const tags = ["Mail addresses"];
const clientParams = z.object({ clientId: z.string().max(64) });
const addressParams = clientParams.extend({
  address: z.string().max(254).describe("the address, e.g. help@acme.example (URL-encoded)"),
});
const AddBody = z.strictObject({ address: z.string().max(254) }).meta({ id: "SupportAddressAdd" });
const CodeBody = z.strictObject({ code: z.string().max(32) }).meta({ id: "SupportAddressCode" });
const UnknownPage = pageOf(Addresses.UnknownInfo, "UnknownRecipientMailPage");

/** A client's own support addresses: claimed, verified by a mailed code or the domain, removed. Provider admins. */
export const addresses = router();
addresses.use(requireAuth);
addresses
  .openapi(
    createRoute({
      method: "get",
      path: "/{clientId}/addresses",
      tags,
      summary: "List a client's addresses with their state, and its default address",
      security: bearer,
      request: { params: clientParams },
      responses: { 200: json(Addresses.List, "The addresses"), ...commonErrors },
    }),
    async (c) => c.json(await Addresses.list(c.req.valid("param")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{clientId}/addresses",
      tags,
      summary: "Add an address: it stays pending, routing nothing, until verified",
      description:
        "Mails a verification code to the address. The answer does not depend on whether anyone else claims or owns it.",
      security: bearer,
      request: { params: clientParams, body: jsonBody(AddBody) },
      responses: {
        201: json(Addresses.Info, "Claimed, pending"),
        ...commonErrors,
        ...conflictError,
        ...rateLimitError,
      },
    }),
    async (c) => c.json(await Addresses.add({ ...c.req.valid("param"), ...c.req.valid("json") }), 201),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{clientId}/addresses/{address}/resend",
      tags,
      summary: "Mail a new verification code (the old one stops working)",
      security: bearer,
      request: { params: addressParams },
      responses: { 200: json(Addresses.Info, "Sent"), ...commonErrors, ...conflictError, ...rateLimitError },
    }),
    async (c) => c.json(await Addresses.resend(c.req.valid("param")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{clientId}/addresses/{address}/verify",
      tags,
      summary: "Verify an address with the mailed code",
      description: `At most ${MAX_CODE_ATTEMPTS} tries per code; codes expire after a day. 409 when the address already receives mail for another account.`,
      security: bearer,
      request: { params: addressParams, body: jsonBody(CodeBody) },
      responses: { 200: json(Addresses.Info, "Verified: the address routes mail"), ...commonErrors, ...conflictError },
    }),
    async (c) => c.json(await Addresses.verifyCode({ ...c.req.valid("param"), ...c.req.valid("json") }), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{clientId}/addresses/{address}/verify-domain",
      tags,
      summary: "Verify an address through its domain's SES identity",
      description:
        "The domain must be a verified SES identity tagged `outdesk:provider` = your provider id (set up by the operators).",
      security: bearer,
      request: { params: addressParams },
      responses: {
        200: json(Addresses.Info, "Verified: the address routes mail"),
        ...commonErrors,
        ...conflictError,
        ...rateLimitError,
      },
    }),
    async (c) => c.json(await Addresses.verifyDomain(c.req.valid("param")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{clientId}/addresses/{address}",
      tags,
      summary: "Remove an address: it stops routing mail",
      security: bearer,
      request: { params: addressParams },
      responses: { 204: { description: "Removed" }, ...commonErrors, ...conflictError },
    }),
    async (c) => {
      await Addresses.remove(c.req.valid("param"));
      return c.body(null, 204);
    },
  );

/** Mail to addresses on the mail domain that name the provider but no client (provider admins). */
export const unknownMail = router();
unknownMail.use(requireAuth);
unknownMail.openapi(
  createRoute({
    method: "get",
    path: "/unknown",
    tags,
    summary: "List mail to unknown addresses of your provider, newest first",
    description:
      "Mail to `<anything>.<your provider slug>@<mail domain>` that no client's address routes (a renamed client, a typo). Kept 90 days.",
    security: bearer,
    request: { query: Addresses.UnknownListInput },
    responses: { 200: json(UnknownPage, "A page of mail"), ...commonErrors },
  }),
  async (c) => c.json(await Addresses.listUnknown(c.req.valid("query")), 200),
);
