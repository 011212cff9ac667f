import { TokenEndpointError } from "../../oauth/token-request.ts";
import { dispatcherFor } from "../../upstream/dispatchers.ts";
import { request } from "../../upstream/undici.ts";
import { oauthBase } from "../endpoints.ts";

/**
 * iFlow accounts added with a browser cookie (the original's cookie login) have no refresh
 * token: their API key is renewed on the iFlow platform with the cookie (`BXAuth=...`) and
 * the key's name (the file's `email`). The key's expiry comes as `YYYY-MM-DD HH:mm`.
 */
const PLATFORM_ORIGIN = "https://platform.iflow.cn";
const apiKeyEndpoint = () => `${oauthBase("iflow-platform", PLATFORM_ORIGIN)}/api/openapi/apikey`;

/** New `api_key` and `expired` for a cookie account. A refused cookie is permanent (log in again). */
export async function refreshIflowCookieKey(
  cookie: string,
  name: string,
  proxyUrl: string,
): Promise<Record<string, unknown>> {
  let status = 0;
  let body: any;
  try {
    const res = await request(apiKeyEndpoint(), {
      method: "POST",
      headers: {
        cookie,
        "content-type": "application/json",
        accept: "application/json, text/plain, */*",
        origin: PLATFORM_ORIGIN,
        referer: `${PLATFORM_ORIGIN}/`,
      },
      body: JSON.stringify({ name }),
      dispatcher: dispatcherFor(proxyUrl),
      signal: AbortSignal.timeout(30_000),
    });
    status = res.statusCode;
    body = await res.body.json().catch(() => undefined);
  } catch (err) {
    throw new TokenEndpointError(`iFlow platform unreachable: ${(err as Error).message}`, 0, "");
  }
  const apiKey = typeof body?.data?.apiKey === "string" ? body.data.apiKey.trim() : "";
  if (status === 200 && body?.success === true && apiKey) {
    return { api_key: apiKey, expired: String(body.data.expireTime ?? "") };
  }
  const why = typeof body?.message === "string" && body.message ? body.message : `HTTP ${status}`;
  // A server error may pass; an answer that refuses the cookie will not change by retrying.
  const code = status >= 500 ? "" : "invalid_grant";
  throw new TokenEndpointError(`iFlow refused to renew the API key with the cookie (${why})`, status, code);
}

/** The expiry of an iFlow file: RFC 3339 (OAuth files) or `YYYY-MM-DD HH:mm` (cookie files, read as UTC as the original does). */
export function parseIflowExpiry(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const v = value.trim();
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(v) ? `${v.replace(" ", "T")}Z` : v || undefined;
}
