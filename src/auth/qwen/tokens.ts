import { randomUUID } from "node:crypto";
import { expiryFrom, postTokenRequest } from "../../oauth/token-request.ts";
import { oauthBase } from "../endpoints.ts";
import { formatTimestamp } from "../timestamps.ts";

/** Qwen Code's OAuth client on chat.qwen.ai (device flow with PKCE). */
export const QWEN_CLIENT_ID = "f0304373b74a44d2b584a3fb70ca9e56";
export const QWEN_SCOPE = "openid profile email model.completion";
const AUTH_ORIGIN = "https://chat.qwen.ai";

export const qwenDeviceEndpoint = () => `${oauthBase("qwen", AUTH_ORIGIN)}/api/v1/oauth2/device/code`;
export const qwenTokenEndpoint = () => `${oauthBase("qwen", AUTH_ORIGIN)}/api/v1/oauth2/token`;

/** Qwen Code tags its OAuth calls with a request id. */
export const qwenRequestHeaders = () => ({ "x-request-id": randomUUID() });

/**
 * The auth-file fields (Go's names) for a token answer. A refresh answer without a new
 * refresh token or `resource_url` keeps the old ones.
 */
export function qwenTokenFields(
  body: Record<string, unknown>,
  previous: { refreshToken?: string; resourceUrl?: string } = {},
): Record<string, unknown> {
  const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");
  return {
    access_token: body.access_token,
    refresh_token: text(body.refresh_token) || previous.refreshToken || "",
    resource_url: text(body.resource_url) || previous.resourceUrl || "",
    expired: formatTimestamp(expiryFrom(body)),
  };
}

export async function refreshQwenTokens(
  refreshToken: string,
  resourceUrl: string,
  proxyUrl: string,
): Promise<Record<string, unknown>> {
  const body = await postTokenRequest({
    url: qwenTokenEndpoint(),
    encoding: "form",
    proxyUrl,
    headers: qwenRequestHeaders(),
    params: { grant_type: "refresh_token", refresh_token: refreshToken, client_id: QWEN_CLIENT_ID },
  });
  return qwenTokenFields(body, { refreshToken, resourceUrl });
}
