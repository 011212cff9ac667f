/**
 * Runs async jobs with at most `limit()` of them at once; the rest wait in arrival order.
 * The limit is read each time a slot frees up, so a config reload applies to the queue as is.
 */
export interface Limiter {
  run<T>(job: () => Promise<T>): Promise<T>;
  /** Jobs running now. */
  readonly active: number;
}

export function createLimiter(limit: () => number): Limiter {
  let active = 0;
  const waiting: (() => void)[] = [];
  const next = () => {
    while (waiting.length > 0 && active < Math.max(1, limit())) {
      active++;
      waiting.shift()!();
    }
  };
  return {
    get active() {
      return active;
    },
    run<T>(job: () => Promise<T>): Promise<T> {
      return new Promise<void>((start) => {
        waiting.push(start);
        next();
      })
        .then(job)
        .finally(() => {
          active--;
          next();
        });
    },
  };
}
