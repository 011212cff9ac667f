import { fileNamePart } from "../../oauth/file-name.ts";
import type { BrowserLogin } from "../auth-kind.ts";
import { formatTimestamp } from "../timestamps.ts";
import { codexClaims } from "./jwt.ts";
import { CODEX_CLIENT_ID, codexAuthorizeEndpoint, exchangeCodexCode } from "./tokens.ts";

/** ChatGPT sign-in as the Codex CLI does it (its registered callback is localhost:1455/auth/callback). */
export const codexLogin: BrowserLogin = {
  managementName: "codex",
  aliases: ["openai"],
  publicCallback: "codex",
  callbackPort: 1455,
  callbackPath: "/auth/callback",
  authorizeUrl: ({ redirectUri, state, codeChallenge }) => {
    const q = new URLSearchParams({
      client_id: CODEX_CLIENT_ID,
      response_type: "code",
      redirect_uri: redirectUri,
      scope: "openid email profile offline_access",
      state,
      code_challenge: codeChallenge,
      code_challenge_method: "S256",
      prompt: "login",
      id_token_add_organizations: "true",
      codex_cli_simplified_flow: "true",
    });
    return `${codexAuthorizeEndpoint()}?${q}`;
  },
  exchange: async (p) => {
    const tokens = await exchangeCodexCode(p);
    const claims = codexClaims(tokens.id_token);
    const email = typeof tokens.email === "string" ? tokens.email : "";
    // Field order as the Go original writes it.
    const content: Record<string, unknown> = {
      id_token: tokens.id_token,
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token,
      account_id: tokens.account_id ?? "",
      last_refresh: formatTimestamp(Date.now()),
      email,
      type: "codex",
      expired: tokens.expired,
    };
    const who = fileNamePart(email || String(tokens.account_id ?? "") || "account");
    const plan = (claims?.planType ?? "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "");
    return { fileName: plan ? `codex-${who}-${plan}.json` : `codex-${who}.json`, content };
  },
};
