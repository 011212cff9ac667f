// The most recent application log lines, kept in memory for GET /v0/management/logs whether or
// not logging-to-file is on. Filled by pino's `hooks.streamWrite` (see `recordLogLine`), so the
// lines are the already-redacted JSON that pino writes.

const DEFAULT_CAPACITY = 2000;
/** Longer lines are cut: one huge log entry must not pin megabytes. */
const MAX_LINE_CHARS = 16 * 1024;

export interface LogEntry {
  /** Increasing sequence number; the cursor for incremental reads. */
  seq: number;
  /** Capture time, ms since the epoch. */
  time: number;
  line: string;
}

export interface LogQuery {
  /** Only lines captured after this Unix time (seconds), as in the Go original's `after`. */
  afterSeconds?: number;
  /** Only lines after this sequence number (the `next-cursor` of an earlier read). */
  afterSeq?: number;
  /** At most this many of the newest matching lines. */
  limit?: number;
}

export class LogRing {
  readonly #capacity: number;
  readonly #entries: LogEntry[] = [];
  /** Index of the oldest entry once the ring is full. */
  #start = 0;
  #nextSeq = 1;

  constructor(capacity = DEFAULT_CAPACITY) {
    this.#capacity = capacity;
  }

  push(line: string, time = Date.now()): void {
    const text = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line;
    const entry = { seq: this.#nextSeq++, time, line: text };
    if (this.#entries.length < this.#capacity) {
      this.#entries.push(entry);
    } else {
      this.#entries[this.#start] = entry;
      this.#start = (this.#start + 1) % this.#capacity;
    }
  }

  /** Matching entries, oldest first. */
  read(q: LogQuery = {}): LogEntry[] {
    const afterMs = q.afterSeconds === undefined ? undefined : (q.afterSeconds + 1) * 1000;
    const out: LogEntry[] = [];
    const n = this.#entries.length;
    for (let i = 0; i < n; i++) {
      const e = this.#entries[(this.#start + i) % n];
      if (q.afterSeq !== undefined && e.seq <= q.afterSeq) continue;
      if (afterMs !== undefined && e.time < afterMs) continue;
      out.push(e);
    }
    return q.limit !== undefined && out.length > q.limit ? out.slice(out.length - q.limit) : out;
  }

  /** Sequence number of the newest line ever pushed (0 if none). */
  get lastSeq(): number {
    return this.#nextSeq - 1;
  }

  /** Drops every line; returns how many were dropped. Sequence numbers keep increasing. */
  clear(): number {
    const dropped = this.#entries.length;
    this.#entries.length = 0;
    this.#start = 0;
    return dropped;
  }
}

/** The process-wide ring behind the logs route. */
export const appLogs = new LogRing();

/** pino `hooks.streamWrite`: records the serialised line and passes it on unchanged. */
export function recordLogLine(serialized: string): string {
  appLogs.push(serialized.endsWith("\n") ? serialized.slice(0, -1) : serialized);
  return serialized;
}
