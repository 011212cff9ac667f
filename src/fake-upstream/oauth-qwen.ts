/**
 * A fake Qwen authorization server: the device authorization grant (RFC 8628) with PKCE, as
 * chat.qwen.ai runs it for Qwen Code. The proxy's `CLI_PROXY_OAUTH_BASE_QWEN` points at
 * `<fake>/qwen`; the real paths follow:
 *
 *   POST /qwen/api/v1/oauth2/device/code   client_id, scope, code_challenge (S256) -> device_code,
 *                                          user_code, verification_uri(_complete), expires_in, interval
 *   GET  /qwen/authorize?user_code=        the verification page; visiting it approves the code
 *                                          (`x-fake-oauth-deny: <error>` refuses instead)
 *   POST /qwen/api/v1/oauth2/token         device_code grant (client_id + code_verifier checked):
 *                                          authorization_pending until approved, expired_token after
 *                                          expires_in, access_denied when refused; refresh_token grant
 *
 * Token answers carry `resource_url` (the API host of the account).
 */
import { createHash, randomBytes } from "node:crypto";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { FakeOAuth } from "./oauth.ts";
import { formParams, headerValue } from "./oauth-params.ts";
import { sendJson } from "./send.ts";

interface DeviceGrant {
  deviceCode: string;
  userCode: string;
  clientId: string;
  challenge: string;
  expiresAt: number;
  status: "pending" | "approved" | "denied" | "used";
  denial?: string;
}

const PREFIX = "/qwen";

export class FakeQwenAuth {
  /** Seconds between polls the server asks for (fractions allowed, to keep tests quick). */
  interval = 1;
  /** Lifetime of a device code, seconds. */
  deviceExpiresIn = 300;
  /** The `resource_url` token answers carry. */
  resourceUrl = "portal.qwen.ai";
  /** Error codes the next polls answer with before anything else (e.g. "slow_down"). */
  readonly forcedPollErrors: string[] = [];
  /** Device codes issued, oldest first. */
  readonly grants: DeviceGrant[] = [];
  private readonly oauth: FakeOAuth;
  private serial = 0;

  constructor(oauth: FakeOAuth) {
    this.oauth = oauth;
  }

  /** Serves a Qwen OAuth route; false when `path` is not one. */
  handle(
    method: string,
    path: string,
    query: Record<string, string>,
    headers: IncomingHttpHeaders,
    body: unknown,
    res: ServerResponse,
  ): boolean {
    if (!path.startsWith(`${PREFIX}/`)) return false;
    const route = `${method} ${path.slice(PREFIX.length)}`;
    if (route === "POST /api/v1/oauth2/device/code") {
      this.deviceCode(formParams(body), headers, res);
    } else if (route === "GET /authorize") {
      this.verify(query, headers, res);
    } else if (route === "POST /api/v1/oauth2/token") {
      const answer = this.token(formParams(body));
      sendJson(res, answer.status, answer.body);
    } else {
      return false;
    }
    return true;
  }

  private deviceCode(p: Record<string, string>, headers: IncomingHttpHeaders, res: ServerResponse): void {
    const missing = ["client_id", "scope", "code_challenge"].filter((k) => !p[k]);
    if (p.code_challenge_method !== "S256") missing.push("code_challenge_method=S256");
    if (missing.length > 0) {
      sendJson(res, 400, { error: "invalid_request", error_description: `missing ${missing.join(", ")}` });
      return;
    }
    const grant: DeviceGrant = {
      deviceCode: `dc-${++this.serial}-${randomBytes(8).toString("hex")}`,
      userCode: randomBytes(4).toString("hex").toUpperCase(),
      clientId: p.client_id,
      challenge: p.code_challenge,
      expiresAt: Date.now() + this.deviceExpiresIn * 1000,
      status: "pending",
    };
    this.grants.push(grant);
    const page = `http://${headers.host}${PREFIX}/authorize`;
    sendJson(res, 200, {
      device_code: grant.deviceCode,
      user_code: grant.userCode,
      verification_uri: page,
      verification_uri_complete: `${page}?user_code=${grant.userCode}&client=qwen-code`,
      expires_in: this.deviceExpiresIn,
      interval: this.interval,
    });
  }

  /** The user at the verification page: approves at once, or refuses with `x-fake-oauth-deny`. */
  private verify(q: Record<string, string>, headers: IncomingHttpHeaders, res: ServerResponse): void {
    const grant = this.grants.find((g) => g.userCode === q.user_code);
    if (grant?.status !== "pending" || Date.now() >= grant.expiresAt) {
      sendJson(res, 400, { error: "invalid_request", error_description: "unknown or expired user code" });
      return;
    }
    const deny = headerValue(headers["x-fake-oauth-deny"]);
    grant.status = deny ? "denied" : "approved";
    grant.denial = deny || undefined;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(deny ? "<p>Access denied.</p>" : "<p>Device approved. You can close this page.</p>");
  }

  private token(p: Record<string, string>): { status: number; body: unknown } {
    const refuse = (error: string, description: string, status = 400) => ({
      status,
      body: { error, error_description: description },
    });
    if (p.grant_type === "refresh_token") {
      const token = p.refresh_token ?? "";
      if (!token || this.oauth.isRevokedRefreshToken(token)) {
        return refuse("invalid_grant", "refresh token revoked");
      }
      return { status: 200, body: this.issue("refresh_token") };
    }
    if (p.grant_type !== "urn:ietf:params:oauth:grant-type:device_code") {
      return refuse("unsupported_grant_type", `grant_type ${p.grant_type ?? "(none)"}`);
    }
    const grant = this.grants.find((g) => g.deviceCode === p.device_code);
    if (!grant || grant.status === "used") return refuse("invalid_grant", "unknown or used device code");
    if (grant.clientId !== p.client_id) return refuse("invalid_client", "client_id does not match");
    const challenge = createHash("sha256")
      .update(p.code_verifier ?? "")
      .digest("base64url");
    if (challenge !== grant.challenge) return refuse("invalid_grant", "PKCE verification failed");
    const forced = this.forcedPollErrors.shift();
    if (forced) return refuse(forced, "scripted answer", forced === "slow_down" ? 429 : 400);
    if (Date.now() >= grant.expiresAt) return refuse("expired_token", "the device code has expired");
    if (grant.status === "denied") return refuse(grant.denial ?? "access_denied", "the user refused");
    if (grant.status === "pending") return refuse("authorization_pending", "waiting for the user");
    grant.status = "used";
    return { status: 200, body: this.issue("device_code") };
  }

  private issue(grant: "device_code" | "refresh_token"): Record<string, unknown> {
    const n = ++this.serial;
    const salt = randomBytes(2).toString("hex");
    const access_token = `at-qwen-${n}-${salt}`;
    const refresh_token = `rt-qwen-${n}-${salt}`;
    this.oauth.issued.push({ provider: "qwen", grant, access_token, refresh_token, email: "" });
    return {
      access_token,
      refresh_token,
      token_type: "Bearer",
      expires_in: this.oauth.expiresIn,
      resource_url: this.resourceUrl,
    };
  }
}
