import { IFLOW_API_BASE_URL } from "../../providers/iflow.ts";
import { textField } from "../auth-file.ts";
import type { AuthKind } from "../auth-kind.ts";
import { apiBase } from "../endpoints.ts";
import { AuthFileError } from "../errors.ts";
import { parseTimestamp } from "../timestamps.ts";
import { parseIflowExpiry, refreshIflowCookieKey } from "./cookie.ts";
import { iflowLogin } from "./login.ts";
import { refreshIflowTokens } from "./tokens.ts";

const HOUR = 60 * 60_000;

/**
 * `type: "iflow"`: an iFlow account calling apis.iflow.cn with its API key. Go's file:
 * access_token, refresh_token, last_refresh, expired, api_key, email, token_type, scope,
 * cookie, type; an optional `base_url` moves the API.
 */
export const iflowAuthKind: AuthKind = {
  type: "iflow",
  provider: "iflow",
  title: "iFlow",
  // The original's lead: a day before the access token (or a cookie account's key) expires.
  refreshLeadMs: 24 * HOUR,
  read(content) {
    const apiKey = textField(content, "api_key");
    if (!apiKey) throw new AuthFileError('no "api_key"');
    return {
      accessToken: apiKey,
      expiresAt: parseTimestamp(parseIflowExpiry(content.expired)),
      baseUrl: textField(content, "base_url") || apiBase("iflow", IFLOW_API_BASE_URL),
    };
  },
  refresh(content, ctx) {
    const refreshToken = textField(content, "refresh_token");
    if (refreshToken) return refreshIflowTokens(refreshToken, ctx.proxyUrl);
    // A cookie account: renew the API key by its name with the cookie.
    const cookie = textField(content, "cookie");
    const name = textField(content, "email");
    if (cookie && name) return refreshIflowCookieKey(cookie, name, ctx.proxyUrl);
    return Promise.reject(new AuthFileError('no "refresh_token" (or "cookie" and "email")'));
  },
  login: iflowLogin,
};
