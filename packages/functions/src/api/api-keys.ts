import { createRoute } from "@hono/zod-openapi";
import { ApiKey } from "@outdesk/core/auth";
import * as z from "zod";
import { router } from "./context";
import { commonErrors } from "./errors";
import { bearer, json, jsonBody } from "./http";
import { requireAuth } from "./middleware";

const CreatedKey = z
  .object({
    apiKey: ApiKey.Info,
    secret: z.string().describe("the key itself, shown once: send it as Authorization: Bearer <secret>"),
  })
  .meta({ id: "CreatedApiKey" });
const KeyList = z.object({ items: z.array(ApiKey.Info) }).meta({ id: "ApiKeyList" });
const tags = ["API keys"];

export const apiKeys = router();
apiKeys.use(requireAuth);
apiKeys
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "List API keys (provider admins: all; client admins: their client's)",
      security: bearer,
      responses: { 200: json(KeyList, "Keys, without secrets"), ...commonErrors },
    }),
    async (c) => c.json({ items: await ApiKey.list() }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create an API key, provider-wide or scoped to one client",
      security: bearer,
      request: { body: jsonBody(ApiKey.CreateInput) },
      responses: { 201: json(CreatedKey, "Created; the secret is shown only now"), ...commonErrors },
    }),
    async (c) => c.json(await ApiKey.create(c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{keyId}",
      tags,
      summary: "Revoke an API key",
      security: bearer,
      request: { params: z.object({ keyId: z.string().max(64) }) },
      responses: { 200: json(ApiKey.Info, "Revoked"), ...commonErrors },
    }),
    async (c) => c.json(await ApiKey.revoke(c.req.valid("param").keyId), 200),
  );
