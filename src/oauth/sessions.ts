import type { AuthKind, NewAuthFile } from "../auth/auth-kind.ts";
import { callbackPort } from "../auth/endpoints.ts";
import { saveNewAuthFile } from "../auth/write-back.ts";
import { log } from "../logging/logger.ts";
import type { Runtime } from "../proxy/runtime.ts";
import { createPkce } from "./pkce.ts";
import { createState } from "./state.ts";

/**
 * Logins started from the management API (the web panel on a possibly remote server). The
 * panel gets the authorization URL and a `state`; the browser comes back to the kind's
 * registered local callback, whose URL the user hands back (POST /oauth-callback), or to the
 * public `/{name}/callback` route; the code is exchanged and the file saved in auth-dir, where
 * the watcher picks it up. The panel polls the outcome by `state`.
 */

export type SessionStatus = "wait" | "ok" | "error";

export interface LoginSession {
  state: string;
  kind: AuthKind;
  status: SessionStatus;
  error?: string;
  /** The saved file's name once `ok`. */
  fileName?: string;
  expiresAt: number;
}

interface PrivateSession extends LoginSession {
  verifier: string;
  redirectUri: string;
  finishing?: Promise<LoginSession>;
  /** Set by `cancel`: whatever the login still produces is not saved. */
  cancelled?: boolean;
  /** Stops the background work of a login that finishes on its own (a device-flow poll). */
  onCancel?: () => void;
}

/** How long a started login may take, and how long its outcome stays readable. */
const SESSION_TTL_MS = 10 * 60_000;

export class LoginSessions {
  private readonly rt: Runtime;
  private readonly sessions = new Map<string, PrivateSession>();

  constructor(rt: Runtime) {
    this.rt = rt;
  }

  /** Starts a login; returns the URL to open and its state. */
  begin(kind: AuthKind): { url: string; state: string } {
    const login = kind.login!;
    this.prune();
    const state = createState();
    const pkce = createPkce();
    const redirectUri = `http://localhost:${callbackPort(kind.type, login.callbackPort)}${login.callbackPath}`;
    this.sessions.set(state, {
      state,
      kind,
      status: "wait",
      verifier: pkce.verifier,
      redirectUri,
      expiresAt: Date.now() + SESSION_TTL_MS,
    });
    return { url: login.authorizeUrl({ redirectUri, state, codeChallenge: pkce.challenge }), state };
  }

  /**
   * Follows a login that finishes on its own (a device flow polling in the background): `wait`
   * until `outcome` settles, then `ok` with the file saved in auth-dir, or `error`. Returns the
   * state to poll with. `onCancel` stops the work behind `outcome` when the login is cancelled.
   */
  track(kind: AuthKind, outcome: Promise<NewAuthFile>, onCancel?: () => void): string {
    this.prune();
    const state = createState();
    const s: PrivateSession = {
      state,
      kind,
      status: "wait",
      verifier: "",
      redirectUri: "",
      expiresAt: Date.now() + SESSION_TTL_MS,
      onCancel,
    };
    this.sessions.set(state, s);
    s.finishing = this.save(s, outcome);
    return state;
  }

  /**
   * Abandons a login still waiting (the panel closed its dialog): the session is forgotten and
   * nothing it produces later is saved. False when `state` names no waiting login.
   */
  cancel(state: string): boolean {
    this.prune();
    const s = this.sessions.get(state);
    if (s?.status !== "wait") return false;
    s.cancelled = true;
    this.sessions.delete(state);
    s.onCancel?.();
    return true;
  }

  get(state: string): LoginSession | undefined {
    this.prune();
    return this.sessions.get(state);
  }

  /**
   * Finishes the login of `state` with what the browser came back with. Idempotent: a second
   * callback for a finished login changes nothing. Resolves with the session's outcome.
   */
  finish(state: string, back: { code?: string; error?: string }): Promise<LoginSession> {
    const s = this.sessions.get(state);
    if (!s) return Promise.reject(new Error("unknown or expired state"));
    if (s.status !== "wait") return Promise.resolve(s);
    s.finishing ??= this.exchange(s, back);
    return s.finishing;
  }

  private async exchange(s: PrivateSession, back: { code?: string; error?: string }): Promise<LoginSession> {
    if (back.error) return settle(s, "error", `the authorization was denied: ${back.error}`);
    if (!back.code) return settle(s, "error", "the callback carried no authorization code");
    const file = s.kind.login!.exchange({
      code: back.code,
      state: s.state,
      codeVerifier: s.verifier,
      redirectUri: s.redirectUri,
      proxyUrl: this.rt.config["proxy-url"] ?? "",
    });
    return this.save(s, file);
  }

  /** Saves the login's file in auth-dir and settles the session with the outcome. */
  private async save(s: PrivateSession, outcome: Promise<NewAuthFile>): Promise<LoginSession> {
    try {
      const file = await outcome;
      if (s.cancelled) return settle(s, "error", "the login was cancelled");
      await saveNewAuthFile(this.rt.config["auth-dir"], file);
      s.fileName = file.fileName;
      log.info({ file: file.fileName, type: s.kind.type }, "login finished; account saved");
      return settle(s, "ok");
    } catch (err) {
      const message = (err as Error)?.message ?? String(err);
      if (s.cancelled) return settle(s, "error", "the login was cancelled");
      log.warn({ type: s.kind.type, reason: message }, "login failed");
      return settle(s, "error", `could not finish the login: ${message}`);
    }
  }

  private prune(): void {
    const now = Date.now();
    for (const [state, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(state);
  }
}

function settle(s: PrivateSession, status: SessionStatus, error?: string): LoginSession {
  s.status = status;
  s.error = error;
  s.expiresAt = Date.now() + SESSION_TTL_MS;
  return s;
}

const byRuntime = new WeakMap<Runtime, LoginSessions>();

/** The login sessions of one running server. */
export function loginSessionsFor(rt: Runtime): LoginSessions {
  let sessions = byRuntime.get(rt);
  if (!sessions) {
    sessions = new LoginSessions(rt);
    byRuntime.set(rt, sessions);
  }
  return sessions;
}
