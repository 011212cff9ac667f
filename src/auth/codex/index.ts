import { CHATGPT_CODEX_BASE_URL } from "../../providers/codex.ts";
import { textField } from "../auth-file.ts";
import type { AccountFields, AuthKind } from "../auth-kind.ts";
import { apiBase } from "../endpoints.ts";
import { AuthFileError } from "../errors.ts";
import { parseTimestamp } from "../timestamps.ts";
import { codexClaims, jwtPayload } from "./jwt.ts";
import { codexLogin } from "./login.ts";
import { refreshCodexTokens } from "./tokens.ts";

const DAY = 24 * 60 * 60_000;

/**
 * `type: "codex"`: a ChatGPT account (Codex CLI sign-in) calling the ChatGPT backend's
 * Responses endpoint with its `account_id`. Go's file: id_token, access_token,
 * refresh_token, account_id, last_refresh, email, type, expired.
 */
export const codexAuthKind: AuthKind = {
  type: "codex",
  provider: "codex",
  title: "Codex",
  // Access tokens last about ten days; refresh well before (as the original does).
  refreshLeadMs: 5 * DAY,
  read(content): AccountFields {
    const accessToken = textField(content, "access_token");
    if (!accessToken) throw new AuthFileError('no "access_token"');
    const accountId = textField(content, "account_id") || codexClaims(content.id_token)?.accountId || "";
    // Older files lack `expired`; the access token is a JWT that carries its own expiry.
    const jwtExp = jwtPayload(accessToken)?.exp;
    const expiresAt =
      parseTimestamp(content.expired) ?? (typeof jwtExp === "number" ? jwtExp * 1000 : undefined);
    return {
      accessToken,
      expiresAt,
      baseUrl: apiBase("codex", CHATGPT_CODEX_BASE_URL),
      attributes: accountId ? { account_id: accountId } : undefined,
    };
  },
  refresh(content, ctx) {
    const refreshToken = textField(content, "refresh_token");
    if (!refreshToken) return Promise.reject(new AuthFileError('no "refresh_token"'));
    return refreshCodexTokens(refreshToken, ctx.proxyUrl);
  },
  login: codexLogin,
};
