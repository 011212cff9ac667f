// Failed management-key attempts per client address. Five failures ban the address for 30
// minutes, as in the Go original; a success clears the count. Idle entries are pruned so a
// scan from many addresses cannot grow the table without bound.

export const MAX_FAILURES = 5;
export const BAN_MS = 30 * 60_000;
const IDLE_MS = 2 * 60 * 60_000;
const PRUNE_EVERY_MS = 60_000;

interface Attempts {
  failures: number;
  bannedUntil: number;
  lastSeen: number;
}

export class FailedAttempts {
  readonly #entries = new Map<string, Attempts>();
  readonly #now: () => number;
  #lastPrune = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Milliseconds left on the address's ban, 0 when it may try. An expired ban is lifted. */
  banRemaining(address: string): number {
    const entry = this.#entries.get(address);
    if (!entry || entry.bannedUntil === 0) return 0;
    const left = entry.bannedUntil - this.#now();
    if (left > 0) return left;
    entry.bannedUntil = 0;
    entry.failures = 0;
    return 0;
  }

  /** Records a failure; returns true when it starts a ban. */
  fail(address: string): boolean {
    const now = this.#now();
    this.#prune(now);
    let entry = this.#entries.get(address);
    if (!entry) {
      entry = { failures: 0, bannedUntil: 0, lastSeen: now };
      this.#entries.set(address, entry);
    }
    entry.lastSeen = now;
    entry.failures++;
    if (entry.failures < MAX_FAILURES) return false;
    entry.failures = 0;
    entry.bannedUntil = now + BAN_MS;
    return true;
  }

  succeed(address: string): void {
    this.#entries.delete(address);
  }

  #prune(now: number): void {
    if (now - this.#lastPrune < PRUNE_EVERY_MS) return;
    this.#lastPrune = now;
    for (const [address, entry] of this.#entries) {
      if (entry.bannedUntil <= now && now - entry.lastSeen > IDLE_MS) this.#entries.delete(address);
    }
  }
}
