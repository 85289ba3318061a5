import { createRoute } from "@hono/zod-openapi";
import { useTenant } from "@outdesk/core/actor";
import { Invitation as InvitationMail } from "@outdesk/core/email/invitation";
import { User } from "@outdesk/core/tenancy";
import * as z from "zod";
import { router } from "./context";
import { commonErrors, conflictError } from "./errors";
import { bearer, etag, expectedVersion, json, jsonBody, pageOf } from "./http";
import { consoleOrigin, requireAuth } from "./middleware";

const UserPage = pageOf(User.Info, "UserPage");
const params = z.object({ userId: z.string().max(64) });
const Invitation = z
  .object({
    user: User.Info,
    inviteToken: z.string().describe("shown once; the invitee sends it to POST /v1/auth/accept-invite"),
    inviteExpiresAt: z.string(),
    mail: z
      .object({
        status: z.enum(["sent", "suppressed", "failed"]),
        to: z.string(),
        detail: z.string().optional().describe("why it was not sent: pass the link on yourself"),
      })
      .describe("the invitation mail with the console's accept link"),
  })
  .meta({ id: "Invitation" });

type Invited = { user: User.Info; inviteToken: string; inviteExpiresAt: string };

/** Mails the accept link of an invitation just committed; the answer says whether it went out. */
async function withMail(c: { env: unknown; req: { url: string } }, invited: Invited) {
  const actor = useTenant();
  const link = `${consoleOrigin(c)}/accept-invite?token=${encodeURIComponent(invited.inviteToken)}`;
  const mail = await InvitationMail.mail({
    providerId: actor.providerId,
    userId: invited.user.id,
    to: invited.user.email,
    name: invited.user.name,
    role: invited.user.role,
    clientIds: invited.user.clientIds,
    link,
    expiresAt: invited.inviteExpiresAt,
    inviter: { name: actor.name, userId: actor.type === "user" ? actor.id : undefined },
  });
  return { ...invited, mail };
}
const tags = ["Users"];

export const users = router();
users.use(requireAuth);
users
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "List users you can see",
      description:
        "Provider admins see everyone; agents see staff and the client admins of their clients; client admins see their client's admins.",
      security: bearer,
      request: { query: User.ListInput },
      responses: { 200: json(UserPage, "A page of users, ordered by email"), ...commonErrors },
    }),
    async (c) => c.json(await User.list(c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Invite a user",
      description:
        "Provider admins invite anyone; client admins invite client admins of their own client. Agents get `clientIds` (the clients they serve), client admins exactly one, provider admins none. The invitee is mailed the console's accept link (`mail` says whether it went out; suppressed addresses are not mailed); the token is also returned once, to pass on another way.",
      security: bearer,
      request: { body: jsonBody(User.InviteInput) },
      responses: { 201: json(Invitation, "Invited"), ...commonErrors, ...conflictError },
    }),
    async (c) => c.json(await withMail(c, await User.invite(c.req.valid("json"))), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{userId}",
      tags,
      summary: "Get a user",
      security: bearer,
      request: { params },
      responses: { 200: json(User.Info, "The user"), ...commonErrors },
    }),
    async (c) => {
      const user = await User.get(c.req.valid("param").userId);
      etag(c, user.version);
      return c.json(user, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{userId}",
      tags,
      summary: "Update a user: name, role, client assignments, disable/enable",
      description:
        "Conditional on `If-Match` or `version`. Role, client and status changes reach existing access tokens within the credential cache bound (≤ 20 s); disabling ends every session and a pending invitation, and re-enabling does not revive them.",
      security: bearer,
      request: { params, body: jsonBody(User.UpdateInput) },
      responses: { 200: json(User.Info, "Updated"), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const user = await User.update({
        ...body,
        version: expectedVersion(c, body.version),
        userId: c.req.valid("param").userId,
      });
      etag(c, user.version);
      return c.json(user, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{userId}/invitation",
      tags,
      summary: "Send a pending invitation again",
      description:
        "A new link with a fresh 7-day expiry, mailed again (the previous link stops working): for a mail that never arrived or a link that ran out. 409 when nothing is pending.",
      security: bearer,
      request: { params },
      responses: { 200: json(Invitation, "Sent again"), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const invited = await withMail(c, await User.reissueInvite(c.req.valid("param").userId));
      etag(c, invited.user.version);
      return c.json(invited, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{userId}/invitation",
      tags,
      summary: "Revoke a pending invitation",
      description: "The invitation link stops working and the user is left disabled. 409 when nothing is pending.",
      security: bearer,
      request: { params },
      responses: { 200: json(User.Info, "Revoked"), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const user = await User.revokeInvite(c.req.valid("param").userId);
      etag(c, user.version);
      return c.json(user, 200);
    },
  );
