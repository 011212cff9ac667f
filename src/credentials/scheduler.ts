import type { Candidate } from "../routing/registry.ts";
import type { CooldownTracker } from "./cooldown.ts";

export type RoutingStrategy = "round-robin" | "fill-first" | "weighted-round-robin";

/** Cursor keys come from client model names (`provider://anything` resolves too); keep the map bounded. */
const MAX_CURSORS = 10_000;

/**
 * Orders the candidates of one request: highest priority bucket first; within the top bucket,
 * round-robin rotates a per-model cursor, weighted-round-robin does the same with each
 * credential taking `weight` consecutive turns, and fill-first keeps config order. Lower
 * buckets follow in config order, as failover. Cooling candidates are left out.
 *
 * The cursor key is the model name without its thinking suffix, so `m(high)` and `m` rotate
 * together.
 *
 * `prefer` (a session's bound credential, see session-affinity.ts) goes first when it is usable,
 * from any priority bucket; the others follow as failover in the order the strategy would give,
 * without moving the cursor, so sessions that keep their credential do not shift the rotation
 * new sessions get.
 */
export class Scheduler {
  strategy: RoutingStrategy;
  private readonly cursors = new Map<string, number>();

  constructor(strategy: RoutingStrategy = "round-robin") {
    this.strategy = strategy;
  }

  order(
    key: string,
    candidates: readonly Candidate[],
    cooldowns: CooldownTracker,
    prefer?: string,
    now = Date.now(),
  ): Candidate[] {
    const usable: Candidate[] = [];
    for (const c of candidates)
      if (cooldowns.remaining(c.cred.id, c.upstreamModel, now) === 0) usable.push(c);
    if (usable.length <= 1) return usable;
    if (prefer !== undefined) {
      const at = usable.findIndex((c) => c.cred.id === prefer);
      if (at >= 0) {
        const bound = usable.splice(at, 1)[0];
        return [bound, ...this.arrange(key, usable, false)];
      }
    }
    return this.arrange(key, usable, true);
  }

  /** Priority buckets and the strategy's rotation; `advance` moves the cursor, else it is only read. */
  private arrange(key: string, usable: Candidate[], advance: boolean): Candidate[] {
    if (usable.length <= 1) return usable;
    const samePriority = usable.every((c) => c.cred.priority === usable[0].cred.priority);
    if (!samePriority) usable.sort((a, b) => b.cred.priority - a.cred.priority); // stable: keeps config order
    if (this.strategy === "fill-first") return usable;

    const top = usable[0].cred.priority;
    let bucketEnd = 1;
    while (bucketEnd < usable.length && usable[bucketEnd].cred.priority === top) bucketEnd++;
    if (bucketEnd === 1) return usable;
    const cursor = advance ? this.advance(key) : (this.cursors.get(key) ?? 0);
    const start =
      this.strategy === "weighted-round-robin" ? weightedSlot(usable, bucketEnd, cursor) : cursor % bucketEnd;
    if (start === 0) return usable;
    const bucket = usable.slice(0, bucketEnd);
    return [...bucket.slice(start), ...bucket.slice(0, start), ...usable.slice(bucketEnd)];
  }

  private advance(key: string): number {
    const cursor = this.cursors.get(key) ?? 0;
    if (cursor === 0 && this.cursors.size >= MAX_CURSORS) this.cursors.clear();
    this.cursors.set(key, cursor + 1);
    return cursor;
  }
}

/** Index within the first `n` candidates whose share of the weight cycle holds `cursor`. */
function weightedSlot(usable: Candidate[], n: number, cursor: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += usable[i].cred.weight;
  let slot = cursor % total;
  for (let i = 0; i < n; i++) {
    slot -= usable[i].cred.weight;
    if (slot < 0) return i;
  }
  return 0;
}
