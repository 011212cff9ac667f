/**
 * A fake iFlow account server, as iflow.cn and platform.iflow.cn run it for the iFlow CLI.
 * The proxy's `CLI_PROXY_OAUTH_BASE_IFLOW` points at `<fake>/iflow` and
 * `CLI_PROXY_OAUTH_BASE_IFLOW_PLATFORM` at `<fake>/iflow-platform`; the real paths follow:
 *
 *   GET  /iflow/oauth                      login page: client_id, redirect, state -> 302 to `redirect`
 *                                          with code and state (`x-fake-oauth-deny` refuses,
 *                                          `x-fake-oauth-email` picks the account)
 *   POST /iflow/oauth/token                authorization_code and refresh_token grants; the client
 *                                          authenticates with Basic auth matching its form fields
 *   GET  /iflow/api/oauth/getUserInfo      ?accessToken= -> {success, data: {apiKey, email, phone}}
 *   POST /iflow-platform/api/openapi/apikey  a cookie account renews its API key: Cookie `BXAuth=...`,
 *                                          body {name} -> {success, data: {apiKey, expireTime, name}}
 *
 * Each account has one API key (as on iFlow): `sk-iflow-<hash of the email>`.
 */
import { createHash, randomBytes } from "node:crypto";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { FakeOAuth } from "./oauth.ts";
import { formParams, headerValue } from "./oauth-params.ts";
import { sendJson } from "./send.ts";

interface PendingCode {
  clientId: string;
  redirect: string;
  email: string;
}

const DEFAULT_EMAIL = "iflow-user@example.com";

export class FakeIflowAuth {
  /** Cookies whose API-key renewal is refused from now on. */
  readonly revokedCookies = new Set<string>();
  private readonly oauth: FakeOAuth;
  private readonly codes = new Map<string, PendingCode>();
  /** Account of every access and refresh token issued. */
  private readonly owners = new Map<string, string>();
  private serial = 0;

  constructor(oauth: FakeOAuth) {
    this.oauth = oauth;
  }

  /** The API key the fake hands out for `email`. */
  static apiKeyFor(email: string): string {
    return `sk-iflow-${createHash("sha256").update(email).digest("hex").slice(0, 12)}`;
  }

  /** Serves an iFlow account route; false when `path` is not one. */
  handle(
    method: string,
    path: string,
    query: Record<string, string>,
    headers: IncomingHttpHeaders,
    body: unknown,
    res: ServerResponse,
  ): boolean {
    const route = `${method} ${path}`;
    if (route === "GET /iflow/oauth") this.authorize(query, headers, res);
    else if (route === "POST /iflow/oauth/token") {
      const answer = this.token(formParams(body), headers);
      sendJson(res, answer.status, answer.body);
    } else if (route === "GET /iflow/api/oauth/getUserInfo") this.userInfo(query, res);
    else if (route === "POST /iflow-platform/api/openapi/apikey") this.renewKey(headers, body, res);
    else return false;
    return true;
  }

  private authorize(q: Record<string, string>, headers: IncomingHttpHeaders, res: ServerResponse): void {
    const missing = ["client_id", "redirect", "state"].filter((k) => !q[k]);
    let redirect: URL | undefined;
    try {
      redirect = new URL(q.redirect);
    } catch {
      missing.push("a valid redirect");
    }
    if (missing.length > 0 || !redirect) {
      sendJson(res, 400, { success: false, message: `missing ${missing.join(", ")}` });
      return;
    }
    const deny = headerValue(headers["x-fake-oauth-deny"]);
    if (deny) {
      redirect.searchParams.set("error", deny);
    } else {
      const code = `iflow-code-${++this.serial}-${randomBytes(6).toString("hex")}`;
      const email = headerValue(headers["x-fake-oauth-email"]) || DEFAULT_EMAIL;
      this.codes.set(code, { clientId: q.client_id, redirect: q.redirect, email });
      redirect.searchParams.set("code", code);
    }
    redirect.searchParams.set("state", q.state);
    res.writeHead(302, { location: redirect.toString(), "content-length": 0 });
    res.end();
  }

  private token(p: Record<string, string>, headers: IncomingHttpHeaders): { status: number; body: unknown } {
    const refuse = (error: string, description: string, status = 400) => ({
      status,
      body: { error, error_description: description },
    });
    const basic = headerValue(headers.authorization).replace(/^Basic\s+/i, "");
    const client = Buffer.from(basic, "base64").toString("utf8");
    if (!p.client_id || !p.client_secret || client !== `${p.client_id}:${p.client_secret}`) {
      return refuse("invalid_client", "client authentication failed", 401);
    }
    if (p.grant_type === "authorization_code") {
      const pending = this.codes.get(p.code ?? "");
      if (!pending) return refuse("invalid_grant", "unknown or used code");
      this.codes.delete(p.code);
      if (pending.clientId !== p.client_id) return refuse("invalid_grant", "client_id does not match");
      if (pending.redirect !== p.redirect_uri) return refuse("invalid_grant", "redirect_uri does not match");
      return { status: 200, body: this.issue("authorization_code", pending.email) };
    }
    if (p.grant_type === "refresh_token") {
      const token = p.refresh_token ?? "";
      if (!token || this.oauth.isRevokedRefreshToken(token)) {
        return refuse("invalid_grant", "refresh token revoked");
      }
      return { status: 200, body: this.issue("refresh_token", this.owners.get(token) ?? DEFAULT_EMAIL) };
    }
    return refuse("unsupported_grant_type", `grant_type ${p.grant_type ?? "(none)"}`);
  }

  private issue(grant: "authorization_code" | "refresh_token", email: string): Record<string, unknown> {
    const n = ++this.serial;
    const salt = randomBytes(2).toString("hex");
    const access_token = `at-iflow-${n}-${salt}`;
    const refresh_token = `rt-iflow-${n}-${salt}`;
    this.owners.set(access_token, email);
    this.owners.set(refresh_token, email);
    this.oauth.issued.push({ provider: "iflow", grant, access_token, refresh_token, email });
    return {
      access_token,
      refresh_token,
      token_type: "bearer",
      expires_in: this.oauth.expiresIn,
      scope: "read",
    };
  }

  private userInfo(q: Record<string, string>, res: ServerResponse): void {
    const email = this.owners.get(q.accessToken ?? "");
    if (!email) {
      sendJson(res, 401, { success: false, message: "invalid accessToken" });
      return;
    }
    sendJson(res, 200, {
      success: true,
      data: { apiKey: FakeIflowAuth.apiKeyFor(email), email, phone: "" },
    });
  }

  private renewKey(headers: IncomingHttpHeaders, body: unknown, res: ServerResponse): void {
    const cookie = headerValue(headers.cookie);
    const name = typeof (body as any)?.name === "string" ? (body as any).name : "";
    if (!/BXAuth=[^;]+/.test(cookie) || this.revokedCookies.has(cookie)) {
      sendJson(res, 200, { success: false, code: "401", message: "login expired" });
      return;
    }
    if (!name) {
      sendJson(res, 200, { success: false, code: "400", message: "name is required" });
      return;
    }
    const expires = new Date(Date.now() + 30 * 24 * 60 * 60_000);
    sendJson(res, 200, {
      success: true,
      data: {
        apiKey: `sk-iflow-renewed-${++this.serial}`,
        // iFlow's format: `YYYY-MM-DD HH:mm`.
        expireTime: expires.toISOString().slice(0, 16).replace("T", " "),
        name,
      },
    });
  }
}
