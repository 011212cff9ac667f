import { CODE_ASSIST_BASE_URL } from "../../providers/gemini-cli.ts";
import { textField } from "../auth-file.ts";
import type { AccountFields, AuthKind } from "../auth-kind.ts";
import { apiBase } from "../endpoints.ts";
import { AuthFileError } from "../errors.ts";
import { refreshGoogleToken } from "./google-oauth.ts";
import { geminiCliLogin } from "./login.ts";
import { GEMINI_CLI_OAUTH, readGeminiToken, refreshedFields } from "./tokens.ts";

/**
 * `type: "gemini"`: a Gemini CLI account (Google sign-in) calling Code Assist for its Cloud
 * project. Go's file: token {access_token, token_type, refresh_token, expiry, ...},
 * project_id, email, auto, checked, type.
 */
export const geminiCliAuthKind: AuthKind = {
  type: "gemini",
  provider: "gemini-cli",
  title: "Gemini CLI",
  // Google access tokens last an hour.
  refreshLeadMs: 5 * 60_000,
  read(content): AccountFields {
    const token = readGeminiToken(content);
    if (!token.accessToken) throw new AuthFileError('no "token.access_token"');
    // Several projects ("a,b" or "ALL" in Go's multi-project logins): this account serves the first.
    const project = textField(content, "project_id").split(",")[0].trim();
    if (!project || project.toLowerCase() === "all") {
      throw new AuthFileError('no usable "project_id"; log in again with --login --project_id ID');
    }
    return {
      accessToken: token.accessToken,
      expiresAt: token.expiresAt,
      baseUrl: apiBase(GEMINI_CLI_OAUTH.kind, CODE_ASSIST_BASE_URL),
      attributes: { project_id: project },
    };
  },
  async refresh(content, ctx) {
    const { refreshToken } = readGeminiToken(content);
    if (!refreshToken) throw new AuthFileError('no "token.refresh_token"');
    return refreshedFields(content, await refreshGoogleToken(GEMINI_CLI_OAUTH, refreshToken, ctx.proxyUrl));
  },
  login: geminiCliLogin,
};
