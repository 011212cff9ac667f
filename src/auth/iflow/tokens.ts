import { expiryFrom, postTokenRequest } from "../../oauth/token-request.ts";
import { dispatcherFor } from "../../upstream/dispatchers.ts";
import { request } from "../../upstream/undici.ts";
import { oauthBase } from "../endpoints.ts";
import { formatTimestamp } from "../timestamps.ts";

/**
 * iFlow's OAuth client (the iFlow CLI's; its secret is public, `IFLOW_CLIENT_SECRET` replaces
 * it as in the original) on iflow.cn. Tokens alone do not call the API: after every grant the
 * user-info endpoint hands out the account's API key, which is what requests carry.
 */
export const IFLOW_CLIENT_ID = "10009311001";
const DEFAULT_CLIENT_SECRET = "4Z3YjXycVsQvyGF1etiNlIBB4RsqSDtW";
const AUTH_ORIGIN = "https://iflow.cn";

const clientSecret = () => process.env.IFLOW_CLIENT_SECRET?.trim() || DEFAULT_CLIENT_SECRET;
export const iflowAuthorizeEndpoint = () => `${oauthBase("iflow", AUTH_ORIGIN)}/oauth`;
const tokenEndpoint = () => `${oauthBase("iflow", AUTH_ORIGIN)}/oauth/token`;
const userInfoEndpoint = () => `${oauthBase("iflow", AUTH_ORIGIN)}/api/oauth/getUserInfo`;

/** The user-info call failed: the tokens are fine but the account cannot be used yet. */
export class IflowAccountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IflowAccountError";
  }
}

/** Posts a grant with the client's credentials (Basic auth and form fields, as iFlow wants both). */
function postGrant(params: Record<string, string>, proxyUrl: string) {
  const secret = clientSecret();
  return postTokenRequest({
    url: tokenEndpoint(),
    encoding: "form",
    proxyUrl,
    headers: { authorization: `Basic ${Buffer.from(`${IFLOW_CLIENT_ID}:${secret}`).toString("base64")}` },
    params: { ...params, client_id: IFLOW_CLIENT_ID, client_secret: secret },
  });
}

/** The account's API key and identity (email, else phone) for an access token. */
export async function fetchIflowAccount(
  accessToken: string,
  proxyUrl: string,
): Promise<{ apiKey: string; account: string }> {
  let status = 0;
  let body: any;
  try {
    const res = await request(`${userInfoEndpoint()}?accessToken=${encodeURIComponent(accessToken)}`, {
      method: "GET",
      headers: { accept: "application/json" },
      dispatcher: dispatcherFor(proxyUrl),
      signal: AbortSignal.timeout(30_000),
    });
    status = res.statusCode;
    body = await res.body.json().catch(() => undefined);
  } catch (err) {
    throw new IflowAccountError(`iFlow user info unreachable: ${(err as Error).message}`);
  }
  if (status !== 200 || body?.success !== true) {
    const why = typeof body?.message === "string" && body.message ? body.message : `HTTP ${status}`;
    throw new IflowAccountError(`iFlow user info refused (${why})`);
  }
  const data = body.data ?? {};
  const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");
  const apiKey = text(data.apiKey);
  if (!apiKey) throw new IflowAccountError("iFlow user info carried no API key");
  return { apiKey, account: text(data.email) || text(data.phone) };
}

/** Auth-file fields (Go's names) for a token answer plus the account it unlocks. */
async function fileFields(
  body: Record<string, unknown>,
  proxyUrl: string,
  previousRefreshToken = "",
): Promise<Record<string, unknown>> {
  const { apiKey, account } = await fetchIflowAccount(String(body.access_token), proxyUrl);
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  const fields: Record<string, unknown> = {
    access_token: body.access_token,
    refresh_token: text(body.refresh_token) || previousRefreshToken,
    expired: formatTimestamp(expiryFrom(body)),
    api_key: apiKey,
  };
  if (account) fields.email = account;
  if (text(body.token_type)) fields.token_type = body.token_type;
  if (text(body.scope)) fields.scope = body.scope;
  return fields;
}

export async function exchangeIflowCode(p: {
  code: string;
  redirectUri: string;
  proxyUrl: string;
}): Promise<Record<string, unknown>> {
  const body = await postGrant(
    { grant_type: "authorization_code", code: p.code, redirect_uri: p.redirectUri },
    p.proxyUrl,
  );
  return fileFields(body, p.proxyUrl);
}

export async function refreshIflowTokens(
  refreshToken: string,
  proxyUrl: string,
): Promise<Record<string, unknown>> {
  const body = await postGrant({ grant_type: "refresh_token", refresh_token: refreshToken }, proxyUrl);
  return fileFields(body, proxyUrl, refreshToken);
}
