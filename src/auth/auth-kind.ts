import type { ProviderId } from "../providers/types.ts";

/**
 * What one kind of account file (one `type` value in auth-dir) must provide. Each kind lives
 * in its own folder (`src/auth/codex/`, `src/auth/claude/`, ...) and is listed once in
 * `registry.ts`; the store, refresher, watcher, login command and management routes are
 * shared and never name a kind.
 */
export interface AuthKind {
  /** The file's `type` value, e.g. "codex". Also the `oauth-excluded-models` / `oauth-model-alias` channel. */
  type: string;
  /** The upstream whose wire format and headers its credentials use (`kind: "oauth"` variant). */
  provider: ProviderId;
  /** For messages: "Codex", "Claude Code". */
  title: string;
  /** The background refresh starts this long before the access token expires. */
  refreshLeadMs: number;
  /** The credential-specific parts of a file. Throws AuthFileError when it cannot be used. */
  read(content: Readonly<Record<string, unknown>>): AccountFields;
  /**
   * New tokens for the file's refresh token. Resolves with the fields to store (merged into
   * the file; unknown fields stay); rejects with a TokenEndpointError (permanent for
   * `invalid_grant` and the like). Absent when the kind cannot refresh.
   */
  refresh?(content: Readonly<Record<string, unknown>>, ctx: RefreshContext): Promise<Record<string, unknown>>;
  /** Browser login (authorization code with PKCE through a local callback). */
  login?: BrowserLogin;
  /** Device login (RFC 8628: the user approves a code on another device; we poll). */
  deviceLogin?: DeviceLogin;
}

export interface AccountFields {
  accessToken: string;
  /** Access token expiry (ms since the epoch), when known; drives the background refresh. */
  expiresAt?: number;
  /** Upstream base URL for this account (e.g. the ChatGPT backend); default: the provider's. */
  baseUrl?: string;
  /** Provider facts for the upstream call, e.g. `account_id`. */
  attributes?: Record<string, string>;
}

export interface RefreshContext {
  /** The account's proxy ('' = direct). */
  proxyUrl: string;
}

/** An authorization-code login: where to send the browser and how to turn the code into a file. */
export interface BrowserLogin {
  /** Management route name: `GET /v0/management/{name}-auth-url`; also accepted as `provider` in oauth-callback. */
  managementName: string;
  /** Other names accepted as `provider` in `POST /v0/management/oauth-callback`. */
  aliases: readonly string[];
  /** The public route the web-panel flow can finish on: `/{publicCallback}/callback`. */
  publicCallback: string;
  /** The local callback of the login command, as registered with the OAuth client (e.g. 1455, "/auth/callback"). */
  callbackPort: number;
  callbackPath: string;
  authorizeUrl(p: { redirectUri: string; state: string; codeChallenge: string }): string;
  /** Exchanges the code for tokens and returns the new account file. */
  exchange(p: ExchangeParams): Promise<NewAuthFile>;
}

export interface ExchangeParams {
  code: string;
  state: string;
  codeVerifier: string;
  /** The redirect URI the authorization used (the token endpoint checks it). */
  redirectUri: string;
  proxyUrl: string;
  /** `--project_id` of the login command, for kinds that need one. */
  projectId?: string;
}

export interface NewAuthFile {
  /** File name in auth-dir (safe: no path separators). */
  fileName: string;
  content: Record<string, unknown>;
}

/**
 * A device authorization grant (RFC 8628): no local callback; the user opens the verification
 * URL (anywhere) and approves the code while we poll the token endpoint.
 */
export interface DeviceLogin {
  /** Management route name: `GET /v0/management/{name}-auth-url`. */
  managementName: string;
  /** The device authorization endpoint (RFC 8628 §3.1). */
  deviceAuthorizationUrl(): string;
  /** The token endpoint polled with the device code. */
  tokenUrl(): string;
  clientId: string;
  scope: string;
  /** Send a PKCE S256 challenge with the device request and its verifier with every poll. */
  pkce: boolean;
  /** Extra headers for the device and token requests (e.g. a request id). */
  headers?(): Record<string, string>;
  /**
   * When the token answer does not name the account: the question the login command asks
   * (only on a terminal) for an email or alias to name the file by.
   */
  accountPrompt?: string;
  /** The new account file for a successful token answer; `account` is the prompt's answer, if any. */
  toFile(tokens: Record<string, unknown>, account?: string): NewAuthFile;
}
