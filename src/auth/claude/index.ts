import { textField } from "../auth-file.ts";
import type { AuthKind } from "../auth-kind.ts";
import { apiBase } from "../endpoints.ts";
import { AuthFileError } from "../errors.ts";
import { parseTimestamp } from "../timestamps.ts";
import { claudeLogin } from "./login.ts";
import { refreshClaudeTokens } from "./tokens.ts";

const HOUR = 60 * 60_000;

/**
 * `type: "claude"`: a Claude subscription (Claude Code sign-in) calling the Messages API with
 * its bearer token. Go's file: id_token, access_token, refresh_token, last_refresh, email,
 * type, expired.
 */
export const claudeAuthKind: AuthKind = {
  type: "claude",
  provider: "claude",
  title: "Claude Code",
  // Access tokens last hours; refresh well before.
  refreshLeadMs: 4 * HOUR,
  read(content) {
    const accessToken = textField(content, "access_token");
    if (!accessToken) throw new AuthFileError('no "access_token"');
    return {
      accessToken,
      expiresAt: parseTimestamp(content.expired),
      baseUrl: apiBase("claude", "https://api.anthropic.com"),
    };
  },
  refresh(content, ctx) {
    const refreshToken = textField(content, "refresh_token");
    if (!refreshToken) return Promise.reject(new AuthFileError('no "refresh_token"'));
    return refreshClaudeTokens(refreshToken, ctx.proxyUrl);
  },
  login: claudeLogin,
};
