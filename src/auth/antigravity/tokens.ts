import { expiryFrom } from "../../oauth/token-request.ts";
import type { GoogleOAuthClient } from "../gemini-cli/google-oauth.ts";
import { formatTimestamp } from "../timestamps.ts";

/** The Antigravity IDE's Google OAuth client (an installed app: the secret is public). */
export const ANTIGRAVITY_OAUTH: GoogleOAuthClient = {
  kind: "antigravity",
  clientId: "1071006060591-tmhssin2h21lcre235vtolojh4g403ep.apps.googleusercontent.com",
  clientSecret: "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",
  scopes: [
    "https://www.googleapis.com/auth/cloud-platform",
    "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/userinfo.profile",
    "https://www.googleapis.com/auth/cclog",
    "https://www.googleapis.com/auth/experimentsandconfigs",
  ],
};

/**
 * The token fields of an Antigravity file for a token answer, as the Go original writes
 * them: the tokens, `expires_in` with the `timestamp` (ms) it counts from, and `expired`
 * (RFC 3339). A refresh answer without a new refresh token keeps the old one.
 */
export function tokenFields(
  body: Record<string, unknown>,
  previousRefreshToken = "",
): Record<string, unknown> {
  const now = Date.now();
  const seconds = Number(body.expires_in);
  return {
    access_token: body.access_token,
    refresh_token:
      typeof body.refresh_token === "string" && body.refresh_token
        ? body.refresh_token
        : previousRefreshToken,
    expires_in: Number.isFinite(seconds) && seconds > 0 ? seconds : 3600,
    timestamp: now,
    expired: formatTimestamp(expiryFrom(body, now)),
  };
}
