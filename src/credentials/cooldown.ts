/**
 * Per (credential, model) cooldown after upstream failures. A cooldown set from an upstream
 * reset hint lasts exactly that long; without a hint, repeated 429s back off exponentially.
 */
import type { Config } from "../config/index.ts";
import type { Credential } from "./credential.ts";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const MAX_BACKOFF = 30 * MINUTE;
const DEFAULT_TRANSIENT = MINUTE;

export interface CoolState {
  until: number;
  failures: number;
  status: number;
}

/** One (model, state) pair of a credential, for persistence. */
export interface CoolEntry extends CoolState {
  model: string;
}

export interface CoolingInfo {
  credentialId: string;
  model: string;
  until: number;
  status: number;
}

/** Config-derived knobs: which credentials never cool, and how long 408/5xx cool. */
export interface CooldownPolicy {
  /** Credentials with `disable-cooling` in effect (their own setting, else the global one). */
  noCooling: ReadonlySet<string>;
  /** Cooldown after 408/5xx in ms; 0 = none. */
  transientMs: number;
}

/** The policy for these credentials under this config. */
export function cooldownPolicy(config: Config, credentials: readonly Credential[]): CooldownPolicy {
  const noCooling = new Set<string>();
  for (const c of credentials) if (c.disableCooling ?? config["disable-cooling"]) noCooling.add(c.id);
  const seconds = config["transient-error-cooldown-seconds"];
  // 0 keeps the original's 60 s; negative turns transient cooldowns off.
  const transientMs = seconds === 0 ? DEFAULT_TRANSIENT : Math.max(0, seconds * SECOND);
  return { noCooling, transientMs };
}

export class CooldownTracker {
  private readonly states = new Map<string, CoolState>();
  private policy: CooldownPolicy = { noCooling: new Set(), transientMs: DEFAULT_TRANSIENT };
  /** Told which credential's cooldowns changed (set only while `save-cooldown-status` is on). */
  private onChange: ((credId: string) => void) | undefined;

  private static key(credId: string, model: string): string {
    return `${credId}\u0000${model}`;
  }

  /** Applies a new policy (on config reload); existing cooldowns of now-exempt credentials stop counting. */
  configure(policy: CooldownPolicy): void {
    this.policy = policy;
  }

  /** Subscribes to changes (one listener; undefined unsubscribes). */
  observe(listener: ((credId: string) => void) | undefined): void {
    this.onChange = listener;
  }

  /** The still-running cooldowns of one credential. */
  entriesOf(credId: string, now = Date.now()): CoolEntry[] {
    const out: CoolEntry[] = [];
    const prefix = `${credId}\u0000`;
    for (const [key, s] of this.states) {
      if (key.startsWith(prefix) && s.until > now) out.push({ model: key.slice(prefix.length), ...s });
    }
    return out;
  }

  /** Puts back a saved cooldown (at start-up); a later one already known wins. Not reported as a change. */
  restore(credId: string, model: string, state: CoolState, now = Date.now()): void {
    if (state.until <= now) return;
    const key = CooldownTracker.key(credId, model);
    const known = this.states.get(key);
    if (!known || known.until < state.until) this.states.set(key, { ...state });
  }

  /** Milliseconds left, 0 when usable. */
  remaining(credId: string, model: string, now = Date.now()): number {
    if (this.states.size === 0) return 0;
    const s = this.states.get(CooldownTracker.key(credId, model));
    if (!s || s.until <= now) return 0;
    if (this.policy.noCooling.size > 0 && this.policy.noCooling.has(credId)) return 0;
    return s.until - now;
  }

  /**
   * Records a failed attempt and returns the cooldown it started (ms, 0 = none). `resetMs` is
   * the upstream's own reset hint: it wins over our defaults, so a cooldown never outlives
   * the time the upstream gave.
   */
  fail(credId: string, model: string, status: number, resetMs?: number, now = Date.now()): number {
    if (this.policy.noCooling.has(credId)) return 0;
    const key = CooldownTracker.key(credId, model);
    const prev = this.states.get(key);
    const failures = (prev?.failures ?? 0) + 1;
    const duration = resetMs !== undefined && resetMs >= 0 ? resetMs : this.defaultCooldown(status, failures);
    if (duration <= 0) return 0;
    this.states.set(key, { until: now + duration, failures, status });
    this.onChange?.(credId);
    return duration;
  }

  /**
   * A cooldown a `request-scoped-errors` rule asked for: the status's own duration, or the
   * transient one when the status has none (a 400 the rule singles out).
   */
  forceFail(credId: string, model: string, status: number, resetMs?: number, now = Date.now()): number {
    if (this.policy.noCooling.has(credId)) return 0;
    const own = resetMs !== undefined && resetMs >= 0 ? resetMs : this.defaultCooldown(status, 1);
    return this.fail(credId, model, status, own > 0 ? own : this.policy.transientMs, now);
  }

  /** Success clears the state for that pair, backoff included. */
  succeed(credId: string, model: string): void {
    if (this.states.size === 0) return;
    if (this.states.delete(CooldownTracker.key(credId, model))) this.onChange?.(credId);
  }

  /**
   * Forgets every cooldown and backoff of one credential (a manual reset); returns the models
   * that were still cooling.
   */
  reset(credId: string, now = Date.now()): string[] {
    const cooling: string[] = [];
    const prefix = `${credId}\u0000`;
    for (const [key, s] of this.states) {
      if (!key.startsWith(prefix)) continue;
      if (s.until > now) cooling.push(key.slice(prefix.length));
      this.states.delete(key);
      this.onChange?.(credId);
    }
    return cooling.sort();
  }

  /** Current cooldowns (for status pages and metrics). */
  active(now = Date.now()): CoolingInfo[] {
    const out: CoolingInfo[] = [];
    for (const [key, s] of this.states) {
      if (s.until <= now) continue;
      const [credentialId, model] = key.split("\u0000");
      if (this.policy.noCooling.has(credentialId)) continue;
      out.push({ credentialId, model, until: s.until, status: s.status });
    }
    return out;
  }

  private defaultCooldown(status: number, failures: number): number {
    // 1 s, 2 s, 4 s, ... for 429s in a row without a hint, at most 30 minutes.
    if (status === 429) return Math.min(MAX_BACKOFF, SECOND * 2 ** Math.min(failures - 1, 21));
    if (status === 401 || status === 403) return 30 * MINUTE;
    if (status === 404) return 12 * HOUR;
    if (status === 408 || status >= 500) return this.policy.transientMs;
    return 0;
  }
}
