import { hkdfSync, type webcrypto } from "node:crypto";
import { exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { Config } from "../config";

export interface SigningKeys {
  privateKey: webcrypto.CryptoKey;
  publicKey: webcrypto.CryptoKey;
  kid: string;
  /** AES-256-GCM key for paging cursors, derived so there is one secret to manage. */
  cursorKey: Buffer;
  /** HMAC key of signed reply addresses and our Message-IDs (core/email/tokens.ts). */
  mailKey: Buffer;
}

let cached: { source: string; keys: Promise<SigningKeys> } | undefined;

async function load(source: string): Promise<SigningKeys> {
  const jwk = JSON.parse(source) as JWK;
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || !jwk.d || !jwk.x) {
    throw new Error("The signing key must be a private Ed25519 JWK");
  }
  const { d, ...publicJwk } = jwk;
  return {
    privateKey: (await importJWK(jwk, "EdDSA")) as webcrypto.CryptoKey,
    publicKey: (await importJWK(publicJwk, "EdDSA")) as webcrypto.CryptoKey,
    kid: jwk.kid ?? "outdesk",
    cursorKey: Buffer.from(hkdfSync("sha256", Buffer.from(d, "base64url"), "outdesk", "cursor-v1", 32)),
    mailKey: Buffer.from(hkdfSync("sha256", Buffer.from(d, "base64url"), "outdesk", "mail-v1", 32)),
  };
}

export function signingKeys(): Promise<SigningKeys> {
  const source = Config.get("signingKey");
  if (cached?.source !== source) cached = { source, keys: load(source) };
  return cached.keys;
}

/** A new private JWK as JSON: the value of the JwtSigningKey secret, or .data/ locally. */
export async function generateSigningKey(): Promise<string> {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const jwk = await exportJWK(privateKey);
  return JSON.stringify({ ...jwk, alg: "EdDSA", kid: `k${Date.now().toString(36)}` });
}
