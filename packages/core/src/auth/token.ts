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
 * Short-lived access tokens name the user and session; the session's liveness, role and clients
 * are re-checked through session-check.ts's short cache, so changes apply within that bound.
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

/** A token's verified claims; what they grant is re-checked per session by the caller. */
export interface VerifiedToken {
  actor: Extract<Actor, { type: "user" | "api_key" }>;
  sessionId: string;
}

/**
 * Signatures already verified by this instance, until the token expires: a signature check costs
 * more than the rest of a typical request's own work. Bounded; the oldest entries go first. Only
 * the signature is cached: revocation is checked on every use (session-check.ts).
 */
const verified = new Map<string, VerifiedToken & { expiresAt: number }>();
const MAX_VERIFIED = 5000;
Config.onChange(() => verified.clear());

export async function verifyAccessToken(token: string): Promise<VerifiedToken> {
  const hit = verified.get(token);
  if (hit && hit.expiresAt > Date.now() / 1000) return hit;
  if (hit) verified.delete(token);
  return checkAccessToken(token);
}

async function checkAccessToken(token: string): Promise<VerifiedToken> {
  const { publicKey } = await signingKeys();
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, publicKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: ["EdDSA"] }));
  } catch {
    throw Unauthorized("The access token is invalid or has expired");
  }
  const claims = Claims.safeParse(payload);
  if (!claims.success) throw Unauthorized("The access token is invalid or has expired");
  const { sub, pid, sid, role, cids, name } = claims.data;
  const actor: VerifiedToken["actor"] = {
    type: "user",
    providerId: pid,
    id: sub,
    role,
    clientIds: role === "provider_admin" ? "all" : cids,
    name,
  };
  if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!);
  const result = { actor, sessionId: sid };
  verified.set(token, { ...result, expiresAt: (payload as { exp: number }).exp });
  return result;
}
