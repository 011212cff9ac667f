import { ANTIGRAVITY_BASE_URL } from "../../providers/antigravity.ts";
import { textField } from "../auth-file.ts";
import type { AccountFields, AuthKind } from "../auth-kind.ts";
import { apiBase } from "../endpoints.ts";
import { AuthFileError } from "../errors.ts";
import { refreshGoogleToken } from "../gemini-cli/google-oauth.ts";
import { parseTimestamp } from "../timestamps.ts";
import { antigravityLogin } from "./login.ts";
import { ANTIGRAVITY_OAUTH, tokenFields } from "./tokens.ts";

/**
 * `type: "antigravity"`: an Antigravity IDE account (Google sign-in) calling Code Assist on
 * the daily endpoint. Go's file: type, access_token, refresh_token, expires_in, timestamp,
 * expired, email, project_id; an optional `base_url` picks another endpoint.
 */
export const antigravityAuthKind: AuthKind = {
  type: "antigravity",
  provider: "antigravity",
  title: "Antigravity",
  // Google access tokens last an hour; the original refreshes five minutes ahead.
  refreshLeadMs: 5 * 60_000,
  read(content): AccountFields {
    const accessToken = textField(content, "access_token");
    if (!accessToken) throw new AuthFileError('no "access_token"');
    const project = textField(content, "project_id");
    return {
      accessToken,
      expiresAt: parseTimestamp(content.expired) ?? expiryFromTimestamp(content),
      baseUrl: textField(content, "base_url") || apiBase(ANTIGRAVITY_OAUTH.kind, ANTIGRAVITY_BASE_URL),
      attributes: project ? { project_id: project } : undefined,
    };
  },
  async refresh(content, ctx) {
    const refreshToken = textField(content, "refresh_token");
    if (!refreshToken) throw new AuthFileError('no "refresh_token"');
    return tokenFields(await refreshGoogleToken(ANTIGRAVITY_OAUTH, refreshToken, ctx.proxyUrl), refreshToken);
  },
  login: antigravityLogin,
};

/** Files without `expired`: `timestamp` (ms) + `expires_in` (s). */
function expiryFromTimestamp(content: Readonly<Record<string, unknown>>): number | undefined {
  const at = Number(content.timestamp);
  const seconds = Number(content.expires_in);
  return at > 0 && seconds > 0 ? at + seconds * 1000 : undefined;
}
