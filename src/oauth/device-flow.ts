import { setTimeout as sleep } from "node:timers/promises";
import type { DeviceLogin } from "../auth/auth-kind.ts";
import { dispatcherFor } from "../upstream/dispatchers.ts";
import { request } from "../upstream/undici.ts";
import { LoginError } from "./errors.ts";
import { createPkce } from "./pkce.ts";
import { postTokenRequest, TokenEndpointError } from "./token-request.ts";

/**
 * The OAuth 2.0 device authorization grant (RFC 8628), optionally with PKCE (Qwen): ask for a
 * device code, show the user where to approve it, poll the token endpoint until they did.
 * The poll honours `interval`, backs off on `slow_down`, keeps waiting on
 * `authorization_pending`, and ends on `expired_token`, `access_denied` or the code's expiry.
 */

export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/** RFC 8628 §3.5: the poll interval when the server names none, and the slow_down step. */
const DEFAULT_INTERVAL_S = 5;
const SLOW_DOWN_STEP_MS = 5000;
/** When the server names no lifetime for the device code. */
const DEFAULT_EXPIRES_IN_S = 300;

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  /** The verification URL with the user code filled in, '' when the server gives none. */
  verificationUriComplete: string;
  /** When the device code stops being valid, ms since the epoch. */
  expiresAt: number;
  /** Wait between polls, ms. */
  intervalMs: number;
  /** PKCE verifier sent with every poll ('' without PKCE). */
  codeVerifier: string;
}

/** The URL to open or show: with the code filled in when the server offers one. */
export function verificationUrl(auth: DeviceAuthorization): string {
  return auth.verificationUriComplete || auth.verificationUri;
}

/** Asks the device authorization endpoint for a device code. Rejects with a LoginError. */
export async function startDeviceAuthorization(
  login: DeviceLogin,
  proxyUrl: string,
): Promise<DeviceAuthorization> {
  const params: Record<string, string> = { client_id: login.clientId, scope: login.scope };
  const pkce = login.pkce ? createPkce() : undefined;
  if (pkce) {
    params.code_challenge = pkce.challenge;
    params.code_challenge_method = "S256";
  }
  let status = 0;
  let text = "";
  try {
    const res = await request(login.deviceAuthorizationUrl(), {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
        ...login.headers?.(),
      },
      body: new URLSearchParams(params).toString(),
      dispatcher: dispatcherFor(proxyUrl),
      signal: AbortSignal.timeout(30_000),
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    throw new LoginError(`the device authorization endpoint is unreachable: ${(err as Error).message}`);
  }
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (status !== 200 || typeof body?.device_code !== "string" || !body.device_code) {
    const reason = typeof body?.error === "string" ? body.error : `HTTP ${status}`;
    throw new LoginError(`the device authorization was refused (${reason})`);
  }
  const verificationUri = str(body.verification_uri) || str(body.verification_url);
  const verificationUriComplete = str(body.verification_uri_complete);
  if (!verificationUri && !verificationUriComplete) {
    throw new LoginError("the device authorization answer has no verification URL");
  }
  return {
    deviceCode: body.device_code,
    userCode: str(body.user_code),
    verificationUri,
    verificationUriComplete,
    expiresAt: Date.now() + positive(body.expires_in, DEFAULT_EXPIRES_IN_S) * 1000,
    intervalMs: positive(body.interval, DEFAULT_INTERVAL_S) * 1000,
    codeVerifier: pkce?.verifier ?? "",
  };
}

export interface PollOptions {
  proxyUrl: string;
  /** Stop waiting before the code expires (ms from now), e.g. the login timeout. */
  timeoutMs?: number;
  /**
   * Let pending waits hold the process open (the login command). A background login from the
   * management API does not, so a closing server is never kept alive by one.
   */
  keepAlive?: boolean;
  signal?: AbortSignal;
  /** Called before each wait with the reason (`authorization_pending`, `slow_down`, ...). */
  onWait?: (reason: string, ms: number) => void;
  /** The wait between polls; tests replace it. */
  wait?: (ms: number, signal?: AbortSignal, keepAlive?: boolean) => Promise<void>;
}

function defaultWait(ms: number, signal?: AbortSignal, keepAlive = true): Promise<void> {
  return sleep(ms, undefined, { signal, ref: keepAlive });
}

/**
 * Polls the token endpoint until the user approved the device code; resolves with the token
 * answer. Rejects with a LoginError saying why the login cannot finish.
 */
export async function pollDeviceToken(
  login: DeviceLogin,
  auth: DeviceAuthorization,
  opts: PollOptions,
): Promise<Record<string, unknown>> {
  const wait = opts.wait ?? defaultWait;
  const started = Date.now();
  const timeoutAt = opts.timeoutMs === undefined ? Number.POSITIVE_INFINITY : started + opts.timeoutMs;
  const params: Record<string, string> = {
    grant_type: DEVICE_CODE_GRANT,
    client_id: login.clientId,
    device_code: auth.deviceCode,
  };
  if (auth.codeVerifier) params.code_verifier = auth.codeVerifier;
  let intervalMs = auth.intervalMs;
  let reason = "authorization_pending";
  for (;;) {
    opts.onWait?.(reason, intervalMs);
    try {
      await wait(intervalMs, opts.signal, opts.keepAlive ?? true);
    } catch {
      throw new LoginError("the login was cancelled");
    }
    try {
      return await postTokenRequest({
        url: login.tokenUrl(),
        encoding: "form",
        proxyUrl: opts.proxyUrl,
        params,
        headers: login.headers?.(),
      });
    } catch (err) {
      if (!(err instanceof TokenEndpointError)) throw err;
      reason = err.code || (err.status === 0 ? "unreachable" : `HTTP ${err.status}`);
      switch (err.code) {
        case "authorization_pending":
          break;
        case "slow_down":
          intervalMs += SLOW_DOWN_STEP_MS;
          break;
        case "expired_token":
          throw new LoginError(
            "the device code expired before the login was approved; start the login again",
          );
        case "access_denied":
          throw new LoginError("the authorization was denied");
        default:
          // No answer or a server error: the next poll may do better. Anything else is final.
          if (err.status !== 0 && err.status < 500)
            throw new LoginError(`could not get tokens: ${err.message}`);
      }
    }
    const now = Date.now();
    if (now >= auth.expiresAt) {
      throw new LoginError("the device code expired before the login was approved; start the login again");
    }
    if (now >= timeoutAt) {
      throw new LoginError(
        `timed out after ${Math.round((now - started) / 1000)}s waiting for the login to be approved`,
      );
    }
  }
}

function str(v: unknown): string {
  return typeof v === "string" ? v.trim() : "";
}

function positive(v: unknown, fallback: number): number {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}
