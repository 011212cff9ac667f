/**
 * Per (credential, model) cooldown after upstream failures. A cooldown set from an upstream
 * reset hint lasts exactly that long; without a hint, repeated 429s back off exponentially.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const MAX_BACKOFF = 30 * MINUTE;

interface CoolState {
  until: number;
  failures: number;
  status: number;
}

export interface CoolingInfo {
  credentialId: string;
  model: string;
  until: number;
  status: number;
}

export class CooldownTracker {
  private readonly states = new Map<string, CoolState>();

  private static key(credId: string, model: string): string {
    return `${credId}\u0000${model}`;
  }

  /** Milliseconds left, 0 when usable. */
  remaining(credId: string, model: string, now = Date.now()): number {
    const s = this.states.get(CooldownTracker.key(credId, model));
    if (!s || s.until <= now) return 0;
    return s.until - now;
  }

  /**
   * Records a failed attempt. `resetMs` is the upstream's own reset hint; it wins over our
   * defaults so a cooldown never outlives what the upstream said.
   */
  fail(credId: string, model: string, status: number, resetMs?: number, now = Date.now()): number {
    const key = CooldownTracker.key(credId, model);
    const prev = this.states.get(key);
    const failures = (prev?.failures ?? 0) + 1;
    const duration = resetMs !== undefined && resetMs >= 0 ? resetMs : defaultCooldown(status, failures);
    if (duration <= 0) return 0;
    this.states.set(key, { until: now + duration, failures, status });
    return duration;
  }

  /** Success clears the state for that pair. */
  succeed(credId: string, model: string): void {
    if (this.states.size === 0) return;
    this.states.delete(CooldownTracker.key(credId, model));
  }

  /** Current cooldowns (for status pages and metrics). */
  active(now = Date.now()): CoolingInfo[] {
    const out: CoolingInfo[] = [];
    for (const [key, s] of this.states) {
      if (s.until <= now) continue;
      const [credentialId, model] = key.split("\u0000");
      out.push({ credentialId, model, until: s.until, status: s.status });
    }
    return out;
  }
}

function defaultCooldown(status: number, failures: number): number {
  if (status === 429) return Math.min(MAX_BACKOFF, 1000 * 2 ** Math.min(failures - 1, 20));
  if (status === 401 || status === 403) return 30 * MINUTE;
  if (status === 404) return 12 * HOUR;
  if (status >= 500) return MINUTE;
  return 0;
}
