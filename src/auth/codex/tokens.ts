import { expiryFrom, postTokenRequest } from "../../oauth/token-request.ts";
import { oauthBase } from "../endpoints.ts";
import { formatTimestamp } from "../timestamps.ts";
import { codexClaims } from "./jwt.ts";

/** OpenAI's OAuth client of the Codex CLI, and its server. */
export const CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";
const AUTH_ORIGIN = "https://auth.openai.com";

export const codexAuthorizeEndpoint = () => `${oauthBase("codex", AUTH_ORIGIN)}/oauth/authorize`;
const tokenEndpoint = () => `${oauthBase("codex", AUTH_ORIGIN)}/oauth/token`;

/**
 * The auth-file fields for a token answer (Go's names): tokens, `account_id` and `email`
 * from the id_token, `expired` from `expires_in`. A refresh answer without a new refresh
 * token keeps the old one.
 */
function fileFields(body: Record<string, unknown>, previousRefreshToken = ""): Record<string, unknown> {
  const claims = codexClaims(body.id_token);
  const fields: Record<string, unknown> = {
    id_token: typeof body.id_token === "string" ? body.id_token : "",
    access_token: body.access_token,
    refresh_token:
      typeof body.refresh_token === "string" && body.refresh_token
        ? body.refresh_token
        : previousRefreshToken,
    expired: formatTimestamp(expiryFrom(body)),
  };
  if (claims?.accountId) fields.account_id = claims.accountId;
  if (claims?.email) fields.email = claims.email;
  return fields;
}

export async function exchangeCodexCode(p: {
  code: string;
  codeVerifier: string;
  redirectUri: string;
  proxyUrl: string;
}): Promise<Record<string, unknown>> {
  const body = await postTokenRequest({
    url: tokenEndpoint(),
    encoding: "form",
    proxyUrl: p.proxyUrl,
    params: {
      grant_type: "authorization_code",
      client_id: CODEX_CLIENT_ID,
      code: p.code,
      redirect_uri: p.redirectUri,
      code_verifier: p.codeVerifier,
    },
  });
  return fileFields(body);
}

export async function refreshCodexTokens(
  refreshToken: string,
  proxyUrl: string,
): Promise<Record<string, unknown>> {
  const body = await postTokenRequest({
    url: tokenEndpoint(),
    encoding: "form",
    proxyUrl,
    params: {
      client_id: CODEX_CLIENT_ID,
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      scope: "openid profile email",
    },
  });
  return fileFields(body, refreshToken);
}
