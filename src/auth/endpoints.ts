/**
 * Where each kind's OAuth server, subscription API and login callback live. The real values
 * are fixed (the OAuth clients are registered with them); these environment variables replace
 * them FOR TESTS ONLY, so the fake upstream can play every server:
 *
 *   CLI_PROXY_OAUTH_BASE_<KIND>   origin of the authorization + token server (the real path is kept:
 *                                 `<base>/oauth/authorize`, `<base>/oauth/token`, ...)
 *   CLI_PROXY_API_BASE_<KIND>     base URL of the subscription API (e.g. the ChatGPT backend)
 *   CLI_PROXY_OAUTH_PORT_<KIND>   port of the login command's local callback (0 = any free port)
 *   CLI_PROXY_OAUTH_TIMEOUT_MS    how long a login waits for the browser (default 5 minutes)
 *
 * <KIND> is the file type upper-cased with "-" as "_": CODEX, CLAUDE, GEMINI_CLI, ...
 * Read at each use, so a test may set them before starting a proxy in-process.
 */

const DEFAULT_LOGIN_TIMEOUT_MS = 5 * 60_000;

function envName(prefix: string, kind: string): string {
  return `${prefix}${kind.toUpperCase().replace(/-/g, "_")}`;
}

function override(prefix: string, kind: string): string | undefined {
  const v = process.env[envName(prefix, kind)]?.trim();
  return v ? v.replace(/\/+$/, "") : undefined;
}

/** The OAuth server origin for `kind`: the real one, or the test override. */
export function oauthBase(kind: string, real: string): string {
  return override("CLI_PROXY_OAUTH_BASE_", kind) ?? real;
}

/** The subscription API base URL for `kind`: the real one, or the test override. */
export function apiBase(kind: string, real: string): string {
  return override("CLI_PROXY_API_BASE_", kind) ?? real;
}

/** The login callback port for `kind`: the registered one, or the test override. */
export function callbackPort(kind: string, real: number): number {
  const v = override("CLI_PROXY_OAUTH_PORT_", kind);
  const n = v === undefined ? Number.NaN : Number(v);
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : real;
}

export function loginTimeoutMs(): number {
  const n = Number(process.env.CLI_PROXY_OAUTH_TIMEOUT_MS);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_LOGIN_TIMEOUT_MS;
}
