/**
 * A fake OAuth authorization server + token endpoint per provider, so logins and token
 * refreshes run end to end against real HTTP. Paths keep each provider's real path after a
 * provider segment (the proxy's `CLI_PROXY_OAUTH_BASE_<KIND>` points at `<fake>/<provider>`):
 *
 *   GET  /{provider}/oauth/authorize       checks the PKCE/state parameters and answers a
 *                                          302 to `redirect_uri` with `code` and `state`
 *   POST /{provider}/oauth/token           authorization_code (code, redirect_uri, client_id and
 *   POST /{provider}/v1/oauth/token        the PKCE verifier are checked) and refresh_token grants;
 *                                          form or JSON bodies
 *
 * The token answer has the provider's shape: Codex (OpenAI) adds an `id_token` JWT carrying
 * email and ChatGPT account id; Claude (Anthropic) adds `account` and `organization`.
 * Qwen's device flow and iFlow's servers have their own shapes: `qwen` (oauth-qwen.ts) and
 * `iflow` (oauth-iflow.ts) share this object's issued tokens, token lifetime and revocations.
 */
import { createHash, randomBytes } from "node:crypto";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { FakeGoogleAuth } from "./oauth-google.ts";
import { FakeIflowAuth } from "./oauth-iflow.ts";
import { FakeQwenAuth } from "./oauth-qwen.ts";
import { sendJson } from "./send.ts";

export interface IssuedTokens {
  provider: string;
  grant: "authorization_code" | "refresh_token" | "device_code";
  access_token: string;
  refresh_token: string;
  email: string;
}

interface Identity {
  email: string;
  accountId: string;
  plan: string;
}

interface PendingCode {
  provider: string;
  clientId: string;
  redirectUri: string;
  challenge: string;
  identity: Identity;
}

const DEFAULT_IDENTITY: Identity = { email: "user@example.com", accountId: "acct-fake-1", plan: "plus" };
const AUTHORIZE = /^\/([a-z0-9-]+)\/oauth\/authorize$/;
const TOKEN = /^\/([a-z0-9-]+)\/(?:v1\/)?oauth\/token$/;

export class FakeOAuth {
  /** Lifetime of issued access tokens, seconds (`expires_in`). */
  expiresIn = 3600;
  /** Delay before the token endpoint answers, ms (to observe concurrent refreshes). */
  tokenDelayMs = 0;
  /** Token requests being answered right now, and the most seen at once. */
  tokenInFlight = 0;
  tokenMaxInFlight = 0;
  /** Every token pair issued, oldest first. */
  readonly issued: IssuedTokens[] = [];
  /** Qwen's device authorization server. */
  readonly qwen = new FakeQwenAuth(this);
  /** iFlow's login, token, user-info and API-key servers. */
  readonly iflow = new FakeIflowAuth(this);
  /** Google sign-in (Gemini CLI, Antigravity) and scripted Code Assist account setup. */
  readonly google = new FakeGoogleAuth(this);
  private readonly codes = new Map<string, PendingCode>();
  private readonly identities = new Map<string, Identity>();
  private readonly revokedAccess = new Set<string>();
  private readonly revokedRefresh = new Set<string>();
  private serial = 0;

  /** Generation calls presenting this access token get a 401 from now on. */
  revokeAccessToken(token: string): void {
    this.revokedAccess.add(token);
  }

  /** Refresh grants with this token get `invalid_grant` from now on. */
  revokeRefreshToken(token: string): void {
    this.revokedRefresh.add(token);
  }

  isRevokedAccessToken(token: string | undefined): boolean {
    return token !== undefined && this.revokedAccess.has(token);
  }

  isRevokedRefreshToken(token: string): boolean {
    return this.revokedRefresh.has(token);
  }

  /** Serves an OAuth route; false when `path` is not one. */
  handle(
    method: string,
    path: string,
    query: Record<string, string>,
    headers: IncomingHttpHeaders,
    body: unknown,
    res: ServerResponse,
  ): boolean {
    if (this.qwen.handle(method, path, query, headers, body, res)) return true;
    if (this.iflow.handle(method, path, query, headers, body, res)) return true;
    if (this.google.handle(method, path, query, headers, body, res)) return true;
    const authorize = method === "GET" ? AUTHORIZE.exec(path) : null;
    if (authorize) {
      this.authorize(authorize[1], query, headers, res);
      return true;
    }
    const token = method === "POST" ? TOKEN.exec(path) : null;
    if (token) {
      const answer = () => {
        const a = this.token(token[1], tokenParams(body));
        sendJson(res, a.status, a.body);
      };
      if (this.tokenDelayMs <= 0) {
        answer();
        return true;
      }
      this.tokenInFlight++;
      this.tokenMaxInFlight = Math.max(this.tokenMaxInFlight, this.tokenInFlight);
      setTimeout(() => {
        this.tokenInFlight--;
        answer();
      }, this.tokenDelayMs);
      return true;
    }
    return false;
  }

  /**
   * The "browser" visiting the authorization page: the user approves at once. Header
   * `x-fake-oauth-deny: <error>` makes the user refuse instead (a redirect with `error=`);
   * `x-fake-oauth-email` chooses the account that signs in.
   */
  private authorize(
    provider: string,
    q: Record<string, string>,
    headers: IncomingHttpHeaders,
    res: ServerResponse,
  ): void {
    const missing = ["client_id", "redirect_uri", "state", "code_challenge"].filter((k) => !q[k]);
    if (q.response_type !== "code") missing.push("response_type=code");
    if (q.code_challenge_method !== "S256") missing.push("code_challenge_method=S256");
    let redirect: URL | undefined;
    try {
      redirect = new URL(q.redirect_uri);
    } catch {
      missing.push("a valid redirect_uri");
    }
    if (missing.length > 0 || !redirect) {
      sendJson(res, 400, { error: "invalid_request", error_description: `missing ${missing.join(", ")}` });
      return;
    }
    const deny = headerValue(headers["x-fake-oauth-deny"]);
    if (deny) {
      redirect.searchParams.set("error", deny);
      redirect.searchParams.set("error_description", "The user denied the request");
    } else {
      const code = `code-${++this.serial}-${randomBytes(6).toString("hex")}`;
      const email = headerValue(headers["x-fake-oauth-email"]) || DEFAULT_IDENTITY.email;
      this.codes.set(code, {
        provider,
        clientId: q.client_id,
        redirectUri: q.redirect_uri,
        challenge: q.code_challenge,
        identity: {
          ...DEFAULT_IDENTITY,
          email,
          accountId: `acct-${createHash("sha256").update(email).digest("hex").slice(0, 8)}`,
        },
      });
      redirect.searchParams.set("code", code);
    }
    redirect.searchParams.set("state", q.state);
    res.writeHead(302, { location: redirect.toString(), "content-length": 0 });
    res.end();
  }

  private token(provider: string, p: Record<string, string>): { status: number; body: unknown } {
    const refuse = (error: string, description: string) => ({
      status: 400,
      body: { error, error_description: description },
    });
    if (p.grant_type === "authorization_code") {
      const pending = this.codes.get(p.code ?? "");
      if (!pending || pending.provider !== provider) return refuse("invalid_grant", "unknown or used code");
      this.codes.delete(p.code);
      if (pending.clientId !== p.client_id) return refuse("invalid_grant", "client_id does not match");
      if (pending.redirectUri !== p.redirect_uri)
        return refuse("invalid_grant", "redirect_uri does not match");
      const challenge = createHash("sha256")
        .update(p.code_verifier ?? "")
        .digest("base64url");
      if (challenge !== pending.challenge) return refuse("invalid_grant", "PKCE verification failed");
      return { status: 200, body: this.issue(provider, "authorization_code", pending.identity) };
    }
    if (p.grant_type === "refresh_token") {
      const token = p.refresh_token ?? "";
      if (!token || this.revokedRefresh.has(token)) return refuse("invalid_grant", "refresh token revoked");
      return {
        status: 200,
        body: this.issue(provider, "refresh_token", this.identities.get(token) ?? DEFAULT_IDENTITY),
      };
    }
    return refuse("unsupported_grant_type", `grant_type ${p.grant_type ?? "(none)"}`);
  }

  private issue(provider: string, grant: IssuedTokens["grant"], who: Identity): Record<string, unknown> {
    const n = ++this.serial;
    const salt = randomBytes(2).toString("hex");
    const tokens: IssuedTokens = {
      provider,
      grant,
      access_token: `at-${provider}-${n}-${salt}`,
      refresh_token: `rt-${provider}-${n}-${salt}`,
      email: who.email,
    };
    this.issued.push(tokens);
    this.identities.set(tokens.refresh_token, who);
    const base = {
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token,
      token_type: "Bearer",
      expires_in: this.expiresIn,
    };
    if (provider === "codex") {
      return {
        ...base,
        id_token: openAiIdToken(who, this.expiresIn),
        scope: "openid profile email offline_access",
      };
    }
    if (provider === "claude") {
      return {
        ...base,
        scope: "user:inference user:profile",
        organization: { uuid: "org-fake-1", name: "Fake Org" },
        account: { uuid: who.accountId, email_address: who.email },
      };
    }
    return base;
  }
}

/** An unsigned id_token with the claims OpenAI puts in it. */
function openAiIdToken(who: Identity, expiresIn: number): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const claims = {
    iss: "https://auth.openai.com",
    sub: `user-${who.accountId}`,
    email: who.email,
    email_verified: true,
    iat: now,
    exp: now + expiresIn,
    "https://api.openai.com/auth": {
      chatgpt_account_id: who.accountId,
      chatgpt_plan_type: who.plan,
      chatgpt_user_id: `user-${who.accountId}`,
    },
  };
  return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.fake`;
}

function tokenParams(body: unknown): Record<string, string> {
  if (typeof body === "string") return Object.fromEntries(new URLSearchParams(body));
  if (body && typeof body === "object") {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
    return out;
  }
  return {};
}

function headerValue(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? "";
}
