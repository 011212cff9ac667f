import type { Context, MiddlewareHandler } from "hono";
import type { Runtime } from "../proxy/runtime.ts";
import { VERSION } from "../server/version.ts";
import { FailedAttempts } from "./attempts.ts";
import { clientAddress, isLoopbackAddress } from "./client-address.ts";
import { isBcryptHash, KeyVerifier, safeEqual } from "./secret.ts";

// Who may use /v0/management. The order of checks follows the Go original: a banned address
// is refused first, then remote clients (unless allowed), then the key itself. Neither the
// key nor anything derived from it is logged or echoed.

export interface AccessSettings {
  /** `remote-management.secret-key` (plaintext or bcrypt hash); '' = not set. */
  secret: string;
  allowRemote: boolean;
  /** MANAGEMENT_PASSWORD; '' = not set. */
  envPassword: string;
}

export type Denial = { status: 403 | 404; error: string; retryAfterSeconds?: number };

/** Checks that need no key: disabled (404), banned, remote. Undefined = go on to the key check. */
export function precheck(s: AccessSettings, address: string, banRemainingMs: number): Denial | undefined {
  if (!s.secret && !s.envPassword) return { status: 404, error: "not found" };
  if (banRemainingMs > 0) {
    const seconds = Math.ceil(banRemainingMs / 1000);
    return {
      status: 403,
      error: `IP banned due to too many failed attempts. Try again in ${formatWait(seconds)}`,
      retryAfterSeconds: seconds,
    };
  }
  // As in the original, MANAGEMENT_PASSWORD (typically set for a container) also admits remote clients.
  if (!isLoopbackAddress(address) && !s.allowRemote && !s.envPassword) {
    return { status: 403, error: "remote management disabled" };
  }
  return undefined;
}

/** The key from `Authorization: Bearer`, `X-Management-Key` or `X-Local-Password`; '' if none. */
export function providedKey(header: (name: string) => string | undefined): string {
  const authorization = header("authorization")?.trim();
  if (authorization) {
    const match = /^bearer\s+(.+)$/i.exec(authorization);
    return match ? match[1].trim() : authorization;
  }
  return header("x-management-key")?.trim() || header("x-local-password")?.trim() || "";
}

function formatWait(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m}m${s}s` : `${s}s`;
}

export interface AccessOptions {
  envPassword: string;
  attempts?: FailedAttempts;
  /** Called after a successful check while the configured secret is still plaintext. */
  onPlaintextSecret?: () => void;
}

export function managementAccess(rt: Runtime, opts: AccessOptions): MiddlewareHandler {
  const attempts = opts.attempts ?? new FailedAttempts();
  const verifier = new KeyVerifier();
  const envPassword = opts.envPassword;

  const keyMatches = async (key: string, secret: string) =>
    (envPassword !== "" && safeEqual(key, envPassword)) ||
    (secret !== "" && (await verifier.matches(key, secret)));

  return async (c: Context, next) => {
    const management = rt.config["remote-management"];
    const settings = {
      secret: management["secret-key"],
      allowRemote: management["allow-remote"],
      envPassword,
    };
    const address = clientAddress(c);
    const denial = precheck(settings, address, attempts.banRemaining(address));
    if (denial?.status === 404) return c.notFound();
    if (denial) {
      const headers: Record<string, string> =
        denial.retryAfterSeconds === undefined ? {} : { "retry-after": String(denial.retryAfterSeconds) };
      return c.json({ error: denial.error }, denial.status, headers);
    }

    const key = providedKey((name) => c.req.header(name));
    if (!key || !(await keyMatches(key, settings.secret))) {
      attempts.fail(address);
      return c.json({ error: key ? "invalid management key" : "missing management key" }, 401);
    }
    attempts.succeed(address);
    if (settings.secret && !isBcryptHash(settings.secret)) opts.onPlaintextSecret?.();
    c.header("X-CPA-VERSION", VERSION);
    await next();
  };
}
