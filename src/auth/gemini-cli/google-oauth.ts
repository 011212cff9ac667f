import { LoginError } from "../../oauth/errors.ts";
import { postTokenRequest } from "../../oauth/token-request.ts";
import { dispatcherFor } from "../../upstream/dispatchers.ts";
import { upstreamErrorMessage } from "../../upstream/error-message.ts";
import { request } from "../../upstream/undici.ts";
import { oauthBase } from "../endpoints.ts";

/**
 * Google's OAuth 2.0 endpoints as Gemini CLI and Antigravity use them: authorization code with
 * PKCE for an installed-app client (its "secret" is public and sent with every grant), offline
 * access so a refresh token comes back, and the userinfo endpoint for the account's email.
 * `kind` picks the test-only base override (CLI_PROXY_OAUTH_BASE_<KIND>), which replaces all
 * three Google origins while keeping their paths.
 */
export interface GoogleOAuthClient {
  /** The account file type, for endpoint overrides. */
  kind: string;
  clientId: string;
  clientSecret: string;
  scopes: readonly string[];
}

export const GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";

const authorizeEndpoint = (kind: string) =>
  `${oauthBase(kind, "https://accounts.google.com")}/o/oauth2/v2/auth`;
const tokenEndpoint = (kind: string) => oauthBase(kind, "https://oauth2.googleapis.com") + "/token";
const userinfoEndpoint = (kind: string) =>
  `${oauthBase(kind, "https://www.googleapis.com")}/oauth2/v1/userinfo?alt=json`;

export function googleAuthorizeUrl(
  client: GoogleOAuthClient,
  p: { redirectUri: string; state: string; codeChallenge: string },
): string {
  const q = new URLSearchParams({
    client_id: client.clientId,
    redirect_uri: p.redirectUri,
    response_type: "code",
    scope: client.scopes.join(" "),
    // offline + consent: Google only hands out a refresh token on a consented offline grant.
    access_type: "offline",
    prompt: "consent",
    state: p.state,
    code_challenge: p.codeChallenge,
    code_challenge_method: "S256",
  });
  return `${authorizeEndpoint(client.kind)}?${q}`;
}

/** The token answer for an authorization code (rejects with a TokenEndpointError). */
export function exchangeGoogleCode(
  client: GoogleOAuthClient,
  p: { code: string; codeVerifier: string; redirectUri: string; proxyUrl: string },
): Promise<Record<string, unknown>> {
  return postTokenRequest({
    url: tokenEndpoint(client.kind),
    encoding: "form",
    proxyUrl: p.proxyUrl,
    params: {
      grant_type: "authorization_code",
      code: p.code,
      redirect_uri: p.redirectUri,
      client_id: client.clientId,
      client_secret: client.clientSecret,
      code_verifier: p.codeVerifier,
    },
  });
}

/** The token answer for a refresh token; Google usually sends no new refresh token. */
export function refreshGoogleToken(
  client: GoogleOAuthClient,
  refreshToken: string,
  proxyUrl: string,
): Promise<Record<string, unknown>> {
  return postTokenRequest({
    url: tokenEndpoint(client.kind),
    encoding: "form",
    proxyUrl,
    params: {
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    },
  });
}

/** The signed-in account's email (the scopes include userinfo.email). */
export async function fetchGoogleEmail(kind: string, accessToken: string, proxyUrl: string): Promise<string> {
  let status = 0;
  let text = "";
  try {
    const res = await request(userinfoEndpoint(kind), {
      method: "GET",
      headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" },
      dispatcher: dispatcherFor(proxyUrl),
      signal: AbortSignal.timeout(30_000),
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    throw new LoginError(`could not read the Google account: ${(err as Error).message}`);
  }
  if (status < 200 || status >= 300) {
    throw new LoginError(`could not read the Google account: ${upstreamErrorMessage(status, text)}`);
  }
  let email: unknown;
  try {
    email = JSON.parse(text)?.email;
  } catch {
    email = undefined;
  }
  if (typeof email !== "string" || email.trim() === "") {
    throw new LoginError("the Google account has no email address");
  }
  return email.trim();
}
