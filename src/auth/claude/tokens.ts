import { expiryFrom, postTokenRequest } from "../../oauth/token-request.ts";
import { oauthBase } from "../endpoints.ts";
import { formatTimestamp } from "../timestamps.ts";

/** Anthropic's OAuth client of Claude Code: authorize on claude.ai, tokens from the API host. */
export const CLAUDE_CLIENT_ID = "9d1c250a-e61b-44d9-88ed-5944d1962f5e";

export const claudeAuthorizeEndpoint = () => `${oauthBase("claude", "https://claude.ai")}/oauth/authorize`;
const tokenEndpoint = () => `${oauthBase("claude", "https://api.anthropic.com")}/v1/oauth/token`;

/** Auth-file fields for a token answer; the account's email comes as `account.email_address`. */
function fileFields(body: Record<string, any>, previousRefreshToken = ""): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    access_token: body.access_token,
    refresh_token:
      typeof body.refresh_token === "string" && body.refresh_token
        ? body.refresh_token
        : previousRefreshToken,
    expired: formatTimestamp(expiryFrom(body)),
  };
  const email = body.account?.email_address;
  if (typeof email === "string" && email) fields.email = email;
  return fields;
}

/** Claude's callback hands the code as `code#state`; the token endpoint wants both (JSON body). */
export async function exchangeClaudeCode(p: {
  code: string;
  state: string;
  codeVerifier: string;
  redirectUri: string;
  proxyUrl: string;
}): Promise<Record<string, unknown>> {
  const [code, embeddedState] = p.code.split("#", 2);
  const body = await postTokenRequest({
    url: tokenEndpoint(),
    encoding: "json",
    proxyUrl: p.proxyUrl,
    params: {
      code,
      state: embeddedState || p.state,
      grant_type: "authorization_code",
      client_id: CLAUDE_CLIENT_ID,
      redirect_uri: p.redirectUri,
      code_verifier: p.codeVerifier,
    },
  });
  return fileFields(body);
}

export async function refreshClaudeTokens(
  refreshToken: string,
  proxyUrl: string,
): Promise<Record<string, unknown>> {
  const body = await postTokenRequest({
    url: tokenEndpoint(),
    encoding: "json",
    proxyUrl,
    params: { client_id: CLAUDE_CLIENT_ID, grant_type: "refresh_token", refresh_token: refreshToken },
  });
  return fileFields(body, refreshToken);
}
