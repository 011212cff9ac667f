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
    // Several projects ("a,b,c" from Go's multi-project logins): the account serves the first
    // and, with quota-exceeded.switch-project, moves on to the next when its quota runs out.
    const projects = [
      ...new Set(
        textField(content, "project_id")
          .split(",")
          .map((p) => p.trim())
          .filter((p) => p !== ""),
      ),
    ];
    if (projects.length === 0 || projects[0].toLowerCase() === "all") {
      throw new AuthFileError('no usable "project_id"; log in again with --login --project_id ID');
    }
    const attributes: Record<string, string> = { project_id: projects[0] };
    if (projects.length > 1) attributes.projects = projects.join(",");
    return {
      accessToken: token.accessToken,
      expiresAt: token.expiresAt,
      baseUrl: apiBase(GEMINI_CLI_OAUTH.kind, CODE_ASSIST_BASE_URL),
      attributes,
    };
  },
  async refresh(content, ctx) {
    const { refreshToken } = readGeminiToken(content);
    if (!refreshToken) throw new AuthFileError('no "token.refresh_token"');
    return refreshedFields(content, await refreshGoogleToken(GEMINI_CLI_OAUTH, refreshToken, ctx.proxyUrl));
  },
  login: geminiCliLogin,
};
