/**
 * Claims of an OpenAI id_token (read, not verified: the token came straight from the token
 * endpoint over TLS). The account facts live under the `https://api.openai.com/auth` claim.
 */

export interface CodexClaims {
  email: string;
  /** `chatgpt_account_id`, else `user_id` (tokens from some clients omit the former). */
  accountId: string;
  /** `chatgpt_plan_type`: plus, pro, team, ... */
  planType: string;
  /** `exp` as ms since the epoch, when present. */
  expiresAt?: number;
}

/** The JWT's payload object, or undefined when `token` is not a JWT. */
export function jwtPayload(token: unknown): Record<string, any> | undefined {
  if (typeof token !== "string") return undefined;
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    return payload && typeof payload === "object" ? payload : undefined;
  } catch {
    return undefined;
  }
}

export function codexClaims(idToken: unknown): CodexClaims | undefined {
  const p = jwtPayload(idToken);
  if (!p) return undefined;
  const auth = p["https://api.openai.com/auth"] ?? {};
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  return {
    email: str(p.email),
    accountId: str(auth.chatgpt_account_id) || str(auth.user_id),
    planType: str(auth.chatgpt_plan_type),
    expiresAt: typeof p.exp === "number" ? p.exp * 1000 : undefined,
  };
}
