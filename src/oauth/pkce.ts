import { createHash, randomBytes } from "node:crypto";

/** PKCE (RFC 7636) with S256: a random verifier and its SHA-256 challenge, both base64url. */
export interface Pkce {
  verifier: string;
  challenge: string;
}

export function createPkce(): Pkce {
  const verifier = randomBytes(64).toString("base64url"); // 86 characters, within 43..128
  return { verifier, challenge: pkceChallenge(verifier) };
}

export function pkceChallenge(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}
