import { jwtVerify, SignJWT } from "jose";
import * as z from "zod";
import type { Actor, Role } from "../actor";
import { Config } from "../config";
import { Unauthorized } from "../error";
import { signingKeys } from "./keys";

export const ACCESS_TOKEN_SECONDS = 15 * 60;
const ISSUER = "outdesk";
const AUDIENCE = "outdesk-api";

const Claims = z.object({
  sub: z.string(),
  pid: z.string(),
  sid: z.string(),
  role: z.enum(["provider_admin", "agent", "client_admin"]),
  cids: z.array(z.string()),
  name: z.string().optional(),
});

/**
 * Short-lived access tokens carry the actor's role and clients, so a request needs no read to
 * authorize. Changes to a user's role or clients apply at the next refresh (≤ 15 minutes).
 */
export async function signAccessToken(input: {
  providerId: string;
  userId: string;
  sessionId: string;
  role: Role;
  clientIds: string[];
  name: string;
}): Promise<string> {
  const { privateKey, kid } = await signingKeys();
  return new SignJWT({
    pid: input.providerId,
    sid: input.sessionId,
    role: input.role,
    cids: input.clientIds,
    name: input.name,
  })
    .setProtectedHeader({ alg: "EdDSA", kid })
    .setSubject(input.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_SECONDS}s`)
    .sign(privateKey);
}

/**
 * Tokens already verified by this instance, until they expire: a signature check costs more
 * than the rest of a typical request's own work. Bounded; the oldest entries go first. What a
 * token grants is in the token, so a hit grants exactly what a fresh check would.
 */
const verified = new Map<string, { actor: Actor; expiresAt: number }>();
const MAX_VERIFIED = 5000;
Config.onChange(() => verified.clear());

export async function verifyAccessToken(token: string): Promise<Actor> {
  const hit = verified.get(token);
  if (hit && hit.expiresAt > Date.now() / 1000) return hit.actor;
  if (hit) verified.delete(token);
  return checkAccessToken(token);
}

async function checkAccessToken(token: string): Promise<Actor> {
  const { publicKey } = await signingKeys();
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, publicKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: ["EdDSA"] }));
  } catch {
    throw Unauthorized("The access token is invalid or has expired");
  }
  const claims = Claims.safeParse(payload);
  if (!claims.success) throw Unauthorized("The access token is invalid or has expired");
  const { sub, pid, role, cids, name } = claims.data;
  const actor: Actor = {
    type: "user",
    providerId: pid,
    id: sub,
    role,
    clientIds: role === "provider_admin" ? "all" : cids,
    name,
  };
  if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!);
  verified.set(token, { actor, expiresAt: (payload as { exp: number }).exp });
  return actor;
}
