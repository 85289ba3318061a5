import { createRoute } from "@hono/zod-openapi";
import { User } from "@outdesk/core/tenancy";
import * as z from "zod";
import { router } from "./context";
import { commonErrors, conflictError } from "./errors";
import { bearer, etag, expectedVersion, json, jsonBody, pageOf } from "./http";
import { requireAuth } from "./middleware";

const UserPage = pageOf(User.Info, "UserPage");
const params = z.object({ userId: z.string().max(64) });
const Invitation = z
  .object({
    user: User.Info,
    inviteToken: z.string().describe("shown once; the invitee sends it to POST /v1/auth/accept-invite"),
    inviteExpiresAt: z.string(),
  })
  .meta({ id: "Invitation" });
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
        "Provider admins invite anyone; client admins invite client admins of their own client. Agents get `clientIds` (the clients they serve), client admins exactly one, provider admins none.",
      security: bearer,
      request: { body: jsonBody(User.InviteInput) },
      responses: { 201: json(Invitation, "Invited"), ...commonErrors, ...conflictError },
    }),
    async (c) => c.json(await User.invite(c.req.valid("json")), 201),
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
