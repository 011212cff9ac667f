/**
 * The request path's side of usage: `record()` only pushes onto an in-memory buffer; a timer
 * writes the buffer in one transaction about once a second (sooner when it fills up). The
 * database opens lazily, so a proxy with statistics off never creates the file.
 */
import { join } from "node:path";
import type { Config } from "../config/index.ts";
import { expandHome } from "../config/index.ts";
import { log } from "../logging/logger.ts";
import type { UsageRecord } from "./record.ts";
import { HOUR_MS, UsageDatabase } from "./store.ts";

export interface UsageSettings {
  enabled: boolean;
  /** SQLite file. */
  path: string;
  /** Detail rows older than this many days are rolled into hourly rows; 0 keeps details forever. */
  retentionDays: number;
}

export const DEFAULT_RETENTION_DAYS = 30;

/**
 * Settings from the config. `usage-database` and `usage-retention-days` are read defensively
 * so this works before the schema declares them.
 */
export function usageSettings(config: Config): UsageSettings {
  const extra = config as unknown as Record<string, unknown>;
  const configured = extra["usage-database"];
  const path =
    typeof configured === "string" && configured.trim() !== ""
      ? expandHome(configured.trim())
      : join(config["auth-dir"], "usage.db");
  const days = Number(extra["usage-retention-days"] ?? DEFAULT_RETENTION_DAYS);
  return {
    enabled: config["usage-statistics-enabled"] === true,
    path,
    retentionDays: Number.isFinite(days) && days >= 0 ? days : DEFAULT_RETENTION_DAYS,
  };
}

export interface RecorderOptions {
  /** Longest a record waits in memory, ms. */
  flushIntervalMs?: number;
  /** Records that trigger an early flush. */
  batchSize?: number;
  /** Cap of the buffer while the database is failing; the oldest records go first. */
  maxBuffered?: number;
  compactIntervalMs?: number;
  now?: () => number;
}

export class UsageRecorder {
  private settings: UsageSettings;
  private readonly flushIntervalMs: number;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  private readonly compactIntervalMs: number;
  private readonly now: () => number;
  private buffer: UsageRecord[] = [];
  private db: UsageDatabase | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushSoon: NodeJS.Immediate | undefined;
  private compactTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Records dropped because the buffer overflowed while writes failed. */
  dropped = 0;

  constructor(settings: UsageSettings, opts: RecorderOptions = {}) {
    this.settings = settings;
    this.flushIntervalMs = opts.flushIntervalMs ?? 1000;
    this.batchSize = opts.batchSize ?? 512;
    this.maxBuffered = opts.maxBuffered ?? 100_000;
    this.compactIntervalMs = opts.compactIntervalMs ?? HOUR_MS;
    this.now = opts.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  get path(): string {
    return this.settings.path;
  }

  /** Applies reloaded settings; a new path flushes to the old file and reopens on next use. */
  configure(settings: UsageSettings): void {
    if (settings.path !== this.settings.path) {
      this.flush();
      this.closeDatabase();
    }
    this.settings = settings;
  }

  /** Hot path: one branch and an array push. */
  record(rec: UsageRecord): void {
    if (!this.settings.enabled || this.closed) return;
    const n = this.buffer.push(rec);
    if (n === 1) {
      this.flushTimer = setTimeout(() => this.flush(), this.flushIntervalMs);
      this.flushTimer.unref();
    } else if (n >= this.batchSize && this.flushSoon === undefined) {
      this.flushSoon = setImmediate(() => this.flush());
      this.flushSoon.unref();
    }
  }

  /** Writes buffered records now. A failure keeps them for the next try. */
  flush(): void {
    this.clearFlushTimers();
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    try {
      this.open().insert(batch);
    } catch (err) {
      log.warn({ err: (err as Error).message, records: batch.length }, "usage: write failed, will retry");
      this.buffer = batch.concat(this.buffer);
      const excess = this.buffer.length - this.maxBuffered;
      if (excess > 0) {
        this.buffer.splice(0, excess);
        this.dropped += excess;
      }
      if (!this.closed) {
        this.flushTimer = setTimeout(() => this.flush(), this.flushIntervalMs);
        this.flushTimer.unref();
      }
    }
  }

  /** The database with every buffered record in it: what reports and exports read. */
  database(): UsageDatabase {
    this.flush();
    return this.open();
  }

  /** Opens the file on first use, compacting once then hourly. */
  private open(): UsageDatabase {
    if (!this.db) {
      this.db = UsageDatabase.open(this.settings.path);
      this.compact();
      this.compactTimer = setInterval(() => this.compact(), this.compactIntervalMs);
      this.compactTimer.unref();
    }
    return this.db;
  }

  /** Rolls details older than the retention into hourly rows; returns how many rows moved. */
  compact(): number {
    if (!this.db || this.settings.retentionDays <= 0) return 0;
    try {
      return this.db.compact(this.now() - this.settings.retentionDays * 24 * HOUR_MS);
    } catch (err) {
      log.warn({ err: (err as Error).message }, "usage: compaction failed");
      return 0;
    }
  }

  /** Flushes and closes; later records are ignored. */
  close(): void {
    this.flush();
    this.closed = true;
    this.clearFlushTimers();
    this.closeDatabase();
  }

  private closeDatabase(): void {
    if (this.compactTimer) clearInterval(this.compactTimer);
    this.compactTimer = undefined;
    this.db?.close();
    this.db = undefined;
  }

  private clearFlushTimers(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.flushSoon) clearImmediate(this.flushSoon);
    this.flushTimer = undefined;
    this.flushSoon = undefined;
  }
}
