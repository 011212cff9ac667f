import { fileNamePart } from "../../oauth/file-name.ts";
import type { BrowserLogin } from "../auth-kind.ts";
import { formatTimestamp } from "../timestamps.ts";
import { CLAUDE_CLIENT_ID, claudeAuthorizeEndpoint, exchangeClaudeCode } from "./tokens.ts";

/** Claude.ai sign-in as Claude Code does it (registered callback: localhost:54545/callback). */
export const claudeLogin: BrowserLogin = {
  managementName: "anthropic",
  aliases: ["claude"],
  publicCallback: "anthropic",
  callbackPort: 54545,
  callbackPath: "/callback",
  authorizeUrl: ({ redirectUri, state, codeChallenge }) => {
    const q = new URLSearchParams({
      code: "true",
      client_id: CLAUDE_CLIENT_ID,
      response_type: "code",
      redirect_uri: redirectUri,
      scope: "org:create_api_key user:profile user:inference",
      code_challenge: codeChallenge,
      code_challenge_method: "S256",
      state,
    });
    return `${claudeAuthorizeEndpoint()}?${q}`;
  },
  exchange: async (p) => {
    const tokens = await exchangeClaudeCode(p);
    const email = typeof tokens.email === "string" ? tokens.email : "";
    // Field order as the Go original writes it.
    const content: Record<string, unknown> = {
      id_token: "",
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token,
      last_refresh: formatTimestamp(Date.now()),
      email,
      type: "claude",
      expired: tokens.expired,
    };
    return { fileName: `claude-${fileNamePart(email || "account")}.json`, content };
  },
};
