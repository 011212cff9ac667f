import { textField } from "../auth-file.ts";
import type { AuthKind } from "../auth-kind.ts";
import { AuthFileError } from "../errors.ts";
import { parseTimestamp } from "../timestamps.ts";
import { qwenBaseUrl } from "./base-url.ts";
import { qwenLogin } from "./login.ts";
import { refreshQwenTokens } from "./tokens.ts";

const HOUR = 60 * 60_000;

/**
 * `type: "qwen"`: a Qwen Code account calling OpenAI Chat Completions at its `resource_url`.
 * Go's file: access_token, refresh_token, last_refresh, resource_url, email, type, expired.
 */
export const qwenAuthKind: AuthKind = {
  type: "qwen",
  provider: "qwen",
  title: "Qwen Code",
  // Access tokens last hours; refresh well before (the original's lead).
  refreshLeadMs: 3 * HOUR,
  read(content) {
    const accessToken = textField(content, "access_token");
    if (!accessToken) throw new AuthFileError('no "access_token"');
    return {
      accessToken,
      // Qwen Code's own credential file says `expiry_date` (ms); Go's says `expired`.
      expiresAt: parseTimestamp(content.expired) ?? parseTimestamp(content.expiry_date),
      baseUrl: qwenBaseUrl(textField(content, "resource_url")),
    };
  },
  refresh(content, ctx) {
    const refreshToken = textField(content, "refresh_token");
    if (!refreshToken) return Promise.reject(new AuthFileError('no "refresh_token"'));
    return refreshQwenTokens(refreshToken, textField(content, "resource_url"), ctx.proxyUrl);
  },
  deviceLogin: qwenLogin,
};
