import { createRoute } from "@hono/zod-openapi";
import { Client } from "@outdesk/core/tenancy";
import * as z from "zod";
import { router } from "./context";
import { commonErrors, conflictError } from "./errors";
import { bearer, etag, expectedVersion, json, jsonBody, pageOf } from "./http";
import { requireAuth } from "./middleware";

const ClientPage = pageOf(Client.Info, "ClientPage");
const params = z.object({ clientId: z.string().max(64) });
const VersionBody = z.strictObject({ version: z.number().int().positive().optional() }).meta({ id: "VersionOnly" });
const tags = ["Clients"];

export const clients = router();
clients.use(requireAuth);
clients
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "List the clients you can see",
      description: "Provider admins see all; agents their assigned clients; client admins their own.",
      security: bearer,
      request: { query: Client.ListInput },
      responses: { 200: json(ClientPage, "A page of clients"), ...commonErrors },
    }),
    async (c) => c.json(await Client.list(c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create a client company (provider admins)",
      security: bearer,
      request: { body: jsonBody(Client.CreateInput) },
      responses: { 201: json(Client.Info, "Created"), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const client = await Client.create(c.req.valid("json"));
      etag(c, client.version);
      return c.json(client, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{clientId}",
      tags,
      summary: "Get a client",
      security: bearer,
      request: { params },
      responses: { 200: json(Client.Info, "The client"), ...commonErrors },
    }),
    async (c) => {
      const client = await Client.get(c.req.valid("param").clientId);
      etag(c, client.version);
      return c.json(client, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{clientId}",
      tags,
      summary: "Update a client (provider admins)",
      description: "Conditional on `If-Match` or `version`; 409 with `currentVersion` when stale.",
      security: bearer,
      request: { params, body: jsonBody(Client.UpdateInput) },
      responses: { 200: json(Client.Info, "Updated"), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const client = await Client.update({
        ...body,
        version: expectedVersion(c, body.version),
        clientId: c.req.valid("param").clientId,
      });
      etag(c, client.version);
      return c.json(client, 200);
    },
  );

for (const [action, operation, summary] of [
  ["archive", Client.archive, "Archive a client: it leaves working views; data and addresses stay"],
  ["restore", Client.restore, "Restore an archived client"],
] as const) {
  clients.openapi(
    createRoute({
      method: "post",
      path: `/{clientId}/${action}`,
      tags,
      summary,
      security: bearer,
      request: { params, body: { required: false, content: { "application/json": { schema: VersionBody } } } },
      responses: { 200: json(Client.Info, "Done"), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      // The body is optional: without a JSON content type the validator passes nothing.
      const parsed: { version?: number } = c.req.valid("json") ?? {};
      const client = await operation({
        clientId: c.req.valid("param").clientId,
        version: expectedVersion(c, parsed.version),
      });
      etag(c, client.version);
      return c.json(client, 200);
    },
  );
}
