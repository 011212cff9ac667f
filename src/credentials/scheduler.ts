import type { Candidate } from "../routing/registry.ts";
import type { CooldownTracker } from "./cooldown.ts";

export type RoutingStrategy = "round-robin" | "fill-first";

/**
 * Orders the candidates of one request: highest priority bucket first; within a bucket,
 * round-robin rotates a per-model cursor (weights repeat a credential in the rotation) while
 * fill-first keeps config order. Cooling candidates are left out.
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
    now = Date.now(),
  ): Candidate[] {
    const usable: Candidate[] = [];
    for (const c of candidates)
      if (cooldowns.remaining(c.cred.id, c.upstreamModel, now) === 0) usable.push(c);
    if (usable.length <= 1) return usable;

    const samePriority = usable.every((c) => c.cred.priority === usable[0].cred.priority);
    if (!samePriority) usable.sort((a, b) => b.cred.priority - a.cred.priority); // stable: keeps config order
    if (this.strategy === "fill-first") return usable;

    const top = usable[0].cred.priority;
    let bucketEnd = 1;
    while (bucketEnd < usable.length && usable[bucketEnd].cred.priority === top) bucketEnd++;
    const start = this.pick(key, usable, bucketEnd);
    if (start === 0) return usable;
    const bucket = usable.slice(0, bucketEnd);
    return [...bucket.slice(start), ...bucket.slice(0, start), ...usable.slice(bucketEnd)];
  }

  /** Index within the first `n` candidates where this request starts. */
  private pick(key: string, usable: Candidate[], n: number): number {
    const cursor = this.cursors.get(key) ?? 0;
    this.cursors.set(key, cursor + 1);
    let total = 0;
    for (let i = 0; i < n; i++) total += usable[i].cred.weight;
    let slot = cursor % total;
    for (let i = 0; i < n; i++) {
      slot -= usable[i].cred.weight;
      if (slot < 0) return i;
    }
    return 0;
  }
}
