/**
 * A fake Google sign-in for Gemini CLI (`/google`) and Antigravity (`/antigravity`): the
 * proxy's `CLI_PROXY_OAUTH_BASE_GEMINI` / `..._ANTIGRAVITY` point at `<fake>/google` /
 * `<fake>/antigravity`, and Google's real paths follow:
 *
 *   GET  /{p}/o/oauth2/v2/auth       checks client, redirect_uri, state, scopes, offline access
 *                                    and the PKCE challenge; 302 to redirect_uri with code + state
 *                                    (`x-fake-oauth-deny: <error>` refuses, `x-fake-oauth-email`
 *                                    picks the account)
 *   POST /{p}/token                  authorization_code (client secret, redirect_uri and PKCE
 *                                    verifier checked) and refresh_token grants, form encoded;
 *                                    like Google, a refresh answer carries no new refresh token
 *   GET  /{p}/oauth2/v1/userinfo     the bearer token's account: {id, email, verified_email, ...}
 *
 * Code Assist account setup (`POST /v1internal:loadCodeAssist` / `:onboardUser`) is answered
 * here for accounts given a state with `setCodeAssistAccount` (onboarding that takes several
 * polls, a project to hand out); every other account gets the stateless answers of
 * code-assist.ts.
 */
import { createHash, randomBytes } from "node:crypto";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { FakeOAuth } from "./oauth.ts";
import { formParams, headerValue } from "./oauth-params.ts";
import { sendJson } from "./send.ts";

/** The OAuth client each prefix expects: the real public installed-app clients. */
const CLIENTS: Record<string, { kind: string; clientId: string; clientSecret: string }> = {
  "/google": {
    kind: "gemini",
    clientId: "681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com",
    clientSecret: "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",
  },
  "/antigravity": {
    kind: "antigravity",
    clientId: "1071006060591-tmhssin2h21lcre235vtolojh4g403ep.apps.googleusercontent.com",
    clientSecret: "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",
  },
};
const EMAIL_SCOPE = "https://www.googleapis.com/auth/userinfo.email";
const DEFAULT_EMAIL = "user@example.com";

/** An account's Code Assist state, for the setup calls. */
export interface CodeAssistAccount {
  /** Current tier id; undefined = not onboarded yet (loadCodeAssist offers tiers only). */
  tier?: string;
  /** The account's project once on a tier. */
  project?: string;
  /** How many onboardUser calls answer `done: false` before the operation completes. */
  pendingPolls?: number;
  /** The project onboarding creates (the free tier's managed project). */
  onboardProject?: string;
}

interface PendingCode {
  prefix: string;
  redirectUri: string;
  challenge: string;
  email: string;
}

const FREE_TIER = { id: "free-tier", name: "Gemini Code Assist for individuals", isDefault: true };
const STANDARD_TIER = {
  id: "standard-tier",
  name: "Gemini Code Assist",
  userDefinedCloudaicompanionProject: true,
};

export class FakeGoogleAuth {
  private readonly oauth: FakeOAuth;
  private readonly codes = new Map<string, PendingCode>();
  /** Account of every access and refresh token issued here. */
  private readonly owners = new Map<string, string>();
  private readonly accounts = new Map<string, CodeAssistAccount & { polls: number }>();
  private serial = 0;

  constructor(oauth: FakeOAuth) {
    this.oauth = oauth;
  }

  /** Gives `email` a Code Assist state the setup calls follow. */
  setCodeAssistAccount(email: string, account: CodeAssistAccount): void {
    this.accounts.set(email, { ...account, polls: 0 });
  }

  handle(
    method: string,
    path: string,
    query: Record<string, string>,
    headers: IncomingHttpHeaders,
    body: unknown,
    res: ServerResponse,
  ): boolean {
    const setup = method === "POST" ? /\/v1internal:(loadCodeAssist|onboardUser)$/.exec(path) : null;
    if (setup) return this.codeAssistSetup(setup[1], headers, body, res);
    const prefix = Object.keys(CLIENTS).find((p) => path.startsWith(`${p}/`));
    if (!prefix) return false;
    const route = `${method} ${path.slice(prefix.length)}`;
    if (route === "GET /o/oauth2/v2/auth") this.authorize(prefix, query, headers, res);
    else if (route === "POST /token") {
      const answer = this.token(prefix, formParams(body));
      sendJson(res, answer.status, answer.body);
    } else if (route === "GET /oauth2/v1/userinfo" || route === "GET /oauth2/v2/userinfo") {
      this.userinfo(headers, res);
    } else return false;
    return true;
  }

  private authorize(
    prefix: string,
    q: Record<string, string>,
    headers: IncomingHttpHeaders,
    res: ServerResponse,
  ): void {
    const problems: string[] = [];
    if (q.client_id !== CLIENTS[prefix].clientId) problems.push("the client_id");
    if (q.response_type !== "code") problems.push("response_type=code");
    if (q.access_type !== "offline") problems.push("access_type=offline");
    if (!q.state) problems.push("state");
    if (!q.code_challenge || q.code_challenge_method !== "S256") problems.push("an S256 code_challenge");
    if (!(q.scope ?? "").split(" ").includes(EMAIL_SCOPE)) problems.push("the userinfo.email scope");
    let redirect: URL | undefined;
    try {
      redirect = new URL(q.redirect_uri);
    } catch {
      problems.push("a valid redirect_uri");
    }
    if (problems.length > 0 || !redirect) {
      sendJson(res, 400, { error: "invalid_request", error_description: `expected ${problems.join(", ")}` });
      return;
    }
    const deny = headerValue(headers["x-fake-oauth-deny"]);
    if (deny) {
      redirect.searchParams.set("error", deny);
    } else {
      const code = `4/google-${++this.serial}-${randomBytes(6).toString("hex")}`;
      this.codes.set(code, {
        prefix,
        redirectUri: q.redirect_uri,
        challenge: q.code_challenge,
        email: headerValue(headers["x-fake-oauth-email"]) || DEFAULT_EMAIL,
      });
      redirect.searchParams.set("code", code);
      redirect.searchParams.set("scope", q.scope);
    }
    redirect.searchParams.set("state", q.state);
    res.writeHead(302, { location: redirect.toString(), "content-length": 0 });
    res.end();
  }

  private token(prefix: string, p: Record<string, string>): { status: number; body: unknown } {
    const refuse = (status: number, error: string, description: string) => ({
      status,
      body: { error, error_description: description },
    });
    const client = CLIENTS[prefix];
    if (p.client_id !== client.clientId || p.client_secret !== client.clientSecret) {
      return refuse(401, "invalid_client", "The OAuth client was not found.");
    }
    if (p.grant_type === "authorization_code") {
      const pending = this.codes.get(p.code ?? "");
      if (!pending || pending.prefix !== prefix) return refuse(400, "invalid_grant", "Malformed auth code.");
      this.codes.delete(p.code);
      if (pending.redirectUri !== p.redirect_uri) return refuse(400, "redirect_uri_mismatch", "Bad Request");
      const challenge = createHash("sha256")
        .update(p.code_verifier ?? "")
        .digest("base64url");
      if (challenge !== pending.challenge) return refuse(400, "invalid_grant", "Invalid code verifier.");
      return { status: 200, body: this.issue(client.kind, "authorization_code", pending.email) };
    }
    if (p.grant_type === "refresh_token") {
      const token = p.refresh_token ?? "";
      if (!token || this.oauth.isRevokedRefreshToken(token)) {
        return refuse(400, "invalid_grant", "Token has been expired or revoked.");
      }
      return {
        status: 200,
        body: this.issue(client.kind, "refresh_token", this.owners.get(token) ?? DEFAULT_EMAIL, token),
      };
    }
    return refuse(400, "unsupported_grant_type", `Invalid grant_type: ${p.grant_type ?? ""}`);
  }

  private issue(
    kind: string,
    grant: "authorization_code" | "refresh_token",
    email: string,
    refreshToken?: string,
  ): Record<string, unknown> {
    const n = ++this.serial;
    const salt = randomBytes(3).toString("hex");
    const access_token = `ya29.${kind}-${n}-${salt}`;
    const refresh_token = refreshToken ?? `1//${kind}-${n}-${salt}`;
    this.owners.set(access_token, email);
    this.owners.set(refresh_token, email);
    this.oauth.issued.push({ provider: kind, grant, access_token, refresh_token, email });
    const body: Record<string, unknown> = {
      access_token,
      expires_in: this.oauth.expiresIn,
      scope: `${EMAIL_SCOPE} https://www.googleapis.com/auth/cloud-platform openid`,
      token_type: "Bearer",
    };
    if (grant === "authorization_code") body.refresh_token = refresh_token;
    return body;
  }

  private ownerOf(headers: IncomingHttpHeaders): string | undefined {
    const auth = headerValue(headers.authorization);
    const token = auth.startsWith("Bearer ") ? auth.slice(7).trim() : "";
    if (!token || this.oauth.isRevokedAccessToken(token)) return undefined;
    return this.owners.get(token);
  }

  private userinfo(headers: IncomingHttpHeaders, res: ServerResponse): void {
    const email = this.ownerOf(headers);
    if (!email) {
      sendJson(res, 401, {
        error: {
          code: 401,
          message: "Request had invalid authentication credentials.",
          status: "UNAUTHENTICATED",
        },
      });
      return;
    }
    const id = createHash("sha256").update(email).digest("hex").slice(0, 12);
    sendJson(res, 200, { id, email, verified_email: true, name: email.split("@")[0], picture: "" });
  }

  /** Setup calls of an account with a scripted state; false lets the stateless answer run. */
  private codeAssistSetup(
    method: string,
    headers: IncomingHttpHeaders,
    body: unknown,
    res: ServerResponse,
  ): boolean {
    const email = this.ownerOf(headers);
    const account = email === undefined ? undefined : this.accounts.get(email);
    if (!account) return false;
    if (method === "loadCodeAssist") {
      sendJson(
        res,
        200,
        account.tier
          ? {
              currentTier: { id: account.tier },
              allowedTiers: [FREE_TIER, STANDARD_TIER],
              cloudaicompanionProject: account.project,
            }
          : { allowedTiers: [FREE_TIER, STANDARD_TIER] },
      );
      return true;
    }
    const name = `operations/onboard-${createHash("sha256").update(email!).digest("hex").slice(0, 8)}`;
    if (account.polls++ < (account.pendingPolls ?? 0)) {
      sendJson(res, 200, { name, done: false });
      return true;
    }
    const requested = (body as { cloudaicompanionProject?: unknown } | undefined)?.cloudaicompanionProject;
    const project =
      typeof requested === "string" && requested
        ? requested
        : (account.onboardProject ?? "onboarded-project");
    const tier = (body as { tierId?: unknown; tier_id?: unknown } | undefined) ?? {};
    account.tier = String(tier.tierId ?? tier.tier_id ?? "free-tier");
    account.project = project;
    sendJson(res, 200, {
      name,
      done: true,
      response: {
        "@type": "type.googleapis.com/google.internal.cloud.code.v1internal.OnboardUserResponse",
        cloudaicompanionProject: { id: project, name: project },
      },
    });
    return true;
  }
}
