import { dispatcherFor } from "../upstream/dispatchers.ts";
import { request } from "../upstream/undici.ts";

/**
 * One call to an OAuth token endpoint (authorization_code or refresh_token grant). Errors say
 * what the server said (its `error` code and description), never the tokens sent.
 */

/** OAuth error codes after which the same grant can never succeed: the user must log in again. */
const PERMANENT_CODES = new Set([
  "invalid_grant",
  "invalid_client",
  "unauthorized_client",
  "unsupported_grant_type",
  "invalid_request",
  "refresh_token_reused",
  "refresh_token_expired",
  "refresh_token_invalidated",
]);

export class TokenEndpointError extends Error {
  /** HTTP status, 0 when no answer came. */
  readonly status: number;
  /** The OAuth `error` code ("invalid_grant"), '' when none. */
  readonly code: string;
  /** True when retrying the same grant cannot help (revoked/reused refresh token, bad client). */
  readonly permanent: boolean;

  constructor(message: string, status: number, code: string) {
    super(message);
    this.name = "TokenEndpointError";
    this.status = status;
    this.code = code;
    this.permanent = PERMANENT_CODES.has(code);
  }
}

export interface TokenRequest {
  url: string;
  params: Record<string, string>;
  /** `form` (RFC 6749 form encoding) or `json` (Anthropic's endpoint). */
  encoding: "form" | "json";
  proxyUrl?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** Posts the grant; resolves with the JSON answer, which has an `access_token`. */
export async function postTokenRequest(req: TokenRequest): Promise<Record<string, unknown>> {
  const form = req.encoding === "form";
  let status = 0;
  let text = "";
  try {
    const res = await request(req.url, {
      method: "POST",
      headers: {
        "content-type": form ? "application/x-www-form-urlencoded" : "application/json",
        accept: "application/json",
        ...req.headers,
      },
      body: form ? new URLSearchParams(req.params).toString() : JSON.stringify(req.params),
      dispatcher: dispatcherFor(req.proxyUrl),
      signal: AbortSignal.timeout(req.timeoutMs ?? 30_000),
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    throw new TokenEndpointError(`token endpoint unreachable: ${(err as Error).message}`, 0, "");
  }
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (status < 200 || status >= 300) {
    const { code, description } = oauthError(body);
    const detail = code ? `${code}${description ? `: ${description}` : ""}` : `HTTP ${status}`;
    throw new TokenEndpointError(`token endpoint refused the grant (${detail})`, status, code);
  }
  if (!body || typeof body !== "object" || typeof body.access_token !== "string" || !body.access_token) {
    throw new TokenEndpointError("token endpoint answered without an access_token", status, "");
  }
  return body as Record<string, unknown>;
}

/** RFC 6749 `{error, error_description}`, or OpenAI's `{error: {code|type, message}}`. */
function oauthError(body: any): { code: string; description: string } {
  const e = body?.error;
  if (typeof e === "string") {
    return { code: e, description: typeof body.error_description === "string" ? body.error_description : "" };
  }
  if (e && typeof e === "object") {
    const code = typeof e.code === "string" ? e.code : typeof e.type === "string" ? e.type : "";
    return { code, description: typeof e.message === "string" ? e.message : "" };
  }
  return { code: "", description: "" };
}

/** `expires_in` seconds from now as ms since the epoch (default one hour when missing). */
export function expiryFrom(body: Record<string, unknown>, now = Date.now()): number {
  const seconds = Number(body.expires_in);
  return now + (Number.isFinite(seconds) && seconds > 0 ? seconds : 3600) * 1000;
}
