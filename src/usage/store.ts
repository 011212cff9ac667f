/**
 * The embedded usage store: SQLite through `node:sqlite`, WAL mode, one file. Detail rows keep
 * every request for the retention window; older whole hours are rolled into hourly aggregate
 * rows (per origin, client key, provider and model) so totals stay exact and the file bounded.
 *
 * `origin` is the id of the store that first recorded a row. Import uses it to tell apart the
 * same requests arriving twice (same origin) from different requests (different origins).
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { reportModel, type UsageRecord } from "./record.ts";

export const HOUR_MS = 3_600_000;

/** A detail row: a usage record plus the store it came from. */
export interface StoredRecord extends UsageRecord {
  origin: string;
}

/** Requests of one (hour, origin, key, provider, model) cell, rolled up. */
export interface HourlyRow {
  /** Start of the UTC hour, epoch ms. */
  hour: number;
  origin: string;
  apiKeyHash: string;
  apiKeyMasked: string;
  provider: string;
  model: string;
  requests: number;
  failures: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  latencyMsSum: number;
}

/** The identity of a cell: detail rows in it and its hourly row describe the same requests. */
export type CellKey = Pick<HourlyRow, "hour" | "origin" | "apiKeyHash" | "provider" | "model">;

export interface ApiModelTotals {
  apiKeyHash: string;
  apiKeyMasked: string;
  model: string;
  requests: number;
  failures: number;
  tokens: number;
}

/** Requests one credential served in one time slot (`slot` = floor(ts / slot length)). */
export interface CredentialSlot {
  credentialId: string;
  slot: number;
  requests: number;
  failures: number;
}

export interface LocalHourTotals {
  /** Local time, `YYYY-MM-DD HH`. */
  localHour: string;
  requests: number;
  tokens: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS usage_detail (
  id TEXT NOT NULL UNIQUE,
  origin TEXT NOT NULL,
  ts INTEGER NOT NULL,
  api_key_hash TEXT NOT NULL,
  api_key_masked TEXT NOT NULL,
  provider TEXT NOT NULL,
  credential_id TEXT NOT NULL,
  credential_label TEXT NOT NULL,
  model TEXT NOT NULL,
  model_requested TEXT NOT NULL,
  model_served TEXT NOT NULL,
  format TEXT NOT NULL,
  stream INTEGER NOT NULL,
  status INTEGER NOT NULL,
  latency_ms INTEGER NOT NULL,
  ttft_ms INTEGER,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cached_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  failed INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS usage_detail_ts ON usage_detail (ts);
CREATE TABLE IF NOT EXISTS usage_hourly (
  hour INTEGER NOT NULL,
  origin TEXT NOT NULL,
  api_key_hash TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  api_key_masked TEXT NOT NULL,
  requests INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cached_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  latency_ms_sum INTEGER NOT NULL,
  PRIMARY KEY (hour, origin, api_key_hash, provider, model)
) WITHOUT ROWID;
`;

const DETAIL_COLUMNS = `id, origin, ts, api_key_hash, api_key_masked, provider, credential_id, credential_label,
  model, model_requested, model_served, format, stream, status, latency_ms, ttft_ms,
  input_tokens, output_tokens, cached_tokens, reasoning_tokens, failed`;

const HOURLY_COLUMNS = `hour, origin, api_key_hash, provider, model, api_key_masked, requests, failures,
  input_tokens, output_tokens, cached_tokens, reasoning_tokens, latency_ms_sum`;

const CELL_WHERE = `origin = ? AND api_key_hash = ? AND provider = ? AND model = ?`;

/** Local-time `YYYY-MM-DD HH` of an epoch-ms column, as the Go original buckets days and hours. */
const localHourOf = (col: string) => `strftime('%Y-%m-%d %H', ${col} / 1000, 'unixepoch', 'localtime')`;

export class UsageDatabase {
  readonly path: string;
  /** This store's origin id, created with the file and kept for its life. */
  readonly storeId: string;
  private readonly db: DatabaseSync;
  private readonly insertDetail: StatementSync;
  private readonly upsertHourlyAdd: StatementSync;

  private constructor(path: string, db: DatabaseSync) {
    this.path = path;
    this.db = db;
    db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('store_id', ?)").run(randomUUID());
    this.storeId = String((db.prepare("SELECT value FROM meta WHERE key = 'store_id'").get() as any).value);
    this.insertDetail = db.prepare(
      `INSERT OR IGNORE INTO usage_detail (${DETAIL_COLUMNS}) VALUES (${Array(21).fill("?").join(", ")})`,
    );
    this.upsertHourlyAdd = db.prepare(
      `INSERT INTO usage_hourly (${HOURLY_COLUMNS}) VALUES (${Array(13).fill("?").join(", ")})
       ON CONFLICT (hour, origin, api_key_hash, provider, model) DO UPDATE SET
         requests = requests + excluded.requests, failures = failures + excluded.failures,
         input_tokens = input_tokens + excluded.input_tokens,
         output_tokens = output_tokens + excluded.output_tokens,
         cached_tokens = cached_tokens + excluded.cached_tokens,
         reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
         latency_ms_sum = latency_ms_sum + excluded.latency_ms_sum`,
    );
  }

  /** Opens (creating the file and folder if needed) the store at `path`; ':memory:' works too. */
  static open(path: string): UsageDatabase {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    const db = new DatabaseSync(path);
    try {
      // auto_vacuum only takes effect before the first table exists; harmless afterwards.
      db.exec("PRAGMA auto_vacuum = INCREMENTAL");
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = NORMAL");
      db.exec("PRAGMA busy_timeout = 5000");
      db.exec(SCHEMA);
      return new UsageDatabase(path, db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  /** Runs `fn` in one transaction (rolled back if it throws). */
  transaction<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const out = fn();
      this.db.exec("COMMIT");
      return out;
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
  }

  /** Inserts records recorded here (or imported with their origin); ids already present are skipped. */
  insert(records: readonly UsageRecord[], origin = this.storeId): number {
    if (records.length === 0) return 0;
    return this.transaction(() => this.insertRows(records, origin));
  }

  /** Inside a transaction: returns how many rows were new. */
  insertRows(records: readonly (UsageRecord & { origin?: string })[], origin = this.storeId): number {
    let added = 0;
    for (const r of records) {
      const res = this.insertDetail.run(
        r.id,
        r.origin ?? origin,
        r.time,
        r.apiKeyHash,
        r.apiKeyMasked,
        r.provider,
        r.credentialId,
        r.credentialLabel,
        reportModel(r),
        r.modelRequested,
        r.modelServed,
        String(r.format),
        r.stream ? 1 : 0,
        r.status,
        r.latencyMs,
        r.ttftMs ?? null,
        r.inputTokens,
        r.outputTokens,
        r.cachedTokens,
        r.reasoningTokens,
        r.failed ? 1 : 0,
      );
      added += Number(res.changes);
    }
    return added;
  }

  /**
   * Rolls detail rows of whole hours that ended before `cutoffMs` into hourly rows, in one
   * transaction. Whole hours only, so a cell is either all detail or all aggregate.
   */
  compact(cutoffMs: number): number {
    const before = Math.floor(cutoffMs / HOUR_MS) * HOUR_MS;
    const moved = this.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO usage_hourly (${HOURLY_COLUMNS})
           SELECT ts - (ts % ${HOUR_MS}), origin, api_key_hash, provider, model, MAX(api_key_masked),
                  COUNT(*), SUM(failed), SUM(input_tokens), SUM(output_tokens), SUM(cached_tokens),
                  SUM(reasoning_tokens), SUM(latency_ms)
           FROM usage_detail WHERE ts < ? GROUP BY 1, 2, 3, 4, 5
           ON CONFLICT (hour, origin, api_key_hash, provider, model) DO UPDATE SET
             requests = requests + excluded.requests, failures = failures + excluded.failures,
             input_tokens = input_tokens + excluded.input_tokens,
             output_tokens = output_tokens + excluded.output_tokens,
             cached_tokens = cached_tokens + excluded.cached_tokens,
             reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
             latency_ms_sum = latency_ms_sum + excluded.latency_ms_sum`,
        )
        .run(before);
      return Number(this.db.prepare("DELETE FROM usage_detail WHERE ts < ?").run(before).changes);
    });
    if (moved > 0) this.db.exec("PRAGMA incremental_vacuum");
    return moved;
  }

  /** Request and token totals per (client key, model), detail and hourly rows together. */
  totalsByApiModel(): ApiModelTotals[] {
    const rows = this.db
      .prepare(
        `SELECT api_key_hash, MAX(api_key_masked) AS masked, model, SUM(requests) AS requests,
                SUM(failures) AS failures, SUM(tokens) AS tokens
         FROM (
           SELECT api_key_hash, api_key_masked, model, 1 AS requests, failed AS failures,
                  input_tokens + output_tokens AS tokens FROM usage_detail
           UNION ALL
           SELECT api_key_hash, api_key_masked, model, requests, failures,
                  input_tokens + output_tokens FROM usage_hourly
         ) GROUP BY api_key_hash, model ORDER BY api_key_hash, model`,
      )
      .all() as any[];
    return rows.map((r) => ({
      apiKeyHash: r.api_key_hash,
      apiKeyMasked: r.masked,
      model: r.model,
      requests: Number(r.requests),
      failures: Number(r.failures),
      tokens: Number(r.tokens),
    }));
  }

  /**
   * Requests and failures per credential and `slotMs`-long slot since `sinceMs`, from detail
   * rows (hourly rows carry no credential). Reads through the ts index.
   */
  credentialSlots(sinceMs: number, slotMs: number): CredentialSlot[] {
    const rows = this.db
      .prepare(
        `SELECT credential_id, CAST(ts / ? AS INTEGER) AS slot, COUNT(*) AS requests, SUM(failed) AS failures
         FROM usage_detail WHERE ts >= ? AND credential_id <> '' GROUP BY credential_id, slot`,
      )
      .all(Math.max(1, Math.floor(slotMs)), sinceMs) as any[];
    return rows.map((r) => ({
      credentialId: r.credential_id,
      slot: Number(r.slot),
      requests: Number(r.requests),
      failures: Number(r.failures),
    }));
  }

  /** Requests and tokens per local-time hour. */
  totalsByLocalHour(): LocalHourTotals[] {
    const rows = this.db
      .prepare(
        `SELECT k, SUM(requests) AS requests, SUM(tokens) AS tokens FROM (
           SELECT ${localHourOf("ts")} AS k, 1 AS requests, input_tokens + output_tokens AS tokens
           FROM usage_detail
           UNION ALL
           SELECT ${localHourOf("hour")}, requests, input_tokens + output_tokens FROM usage_hourly
         ) GROUP BY k ORDER BY k`,
      )
      .all() as any[];
    return rows.map((r) => ({ localHour: r.k, requests: Number(r.requests), tokens: Number(r.tokens) }));
  }

  /** Detail rows, oldest first; with `perModelLimit`, only the newest that many per (key, model). */
  details(perModelLimit?: number): StoredRecord[] {
    const sql =
      perModelLimit === undefined || !Number.isFinite(perModelLimit)
        ? `SELECT ${DETAIL_COLUMNS} FROM usage_detail ORDER BY ts, id`
        : `SELECT ${DETAIL_COLUMNS} FROM (
             SELECT *, ROW_NUMBER() OVER (PARTITION BY api_key_hash, model ORDER BY ts DESC, id DESC) AS n
             FROM usage_detail
           ) WHERE n <= ${Math.max(0, Math.floor(perModelLimit))} ORDER BY ts, id`;
    return (this.db.prepare(sql).all() as any[]).map(rowToRecord);
  }

  hourly(): HourlyRow[] {
    const rows = this.db
      .prepare(
        `SELECT ${HOURLY_COLUMNS} FROM usage_hourly ORDER BY hour, origin, api_key_hash, provider, model`,
      )
      .all() as any[];
    return rows.map(rowToHourly);
  }

  /** The hourly row of a cell, if it was compacted. */
  hourlyCell(cell: CellKey): HourlyRow | undefined {
    const row = this.db
      .prepare(`SELECT ${HOURLY_COLUMNS} FROM usage_hourly WHERE hour = ? AND ${CELL_WHERE}`)
      .get(cell.hour, cell.origin, cell.apiKeyHash, cell.provider, cell.model);
    return row ? rowToHourly(row) : undefined;
  }

  /** How many detail rows fall in a cell. */
  detailCount(cell: CellKey): number {
    const row = this.db
      .prepare(`SELECT COUNT(*) AS n FROM usage_detail WHERE ts >= ? AND ts < ? AND ${CELL_WHERE}`)
      .get(cell.hour, cell.hour + HOUR_MS, cell.origin, cell.apiKeyHash, cell.provider, cell.model) as any;
    return Number(row.n);
  }

  /** Inside a transaction: empties a cell, detail and hourly rows alike. */
  clearCell(cell: CellKey): void {
    const args = [cell.origin, cell.apiKeyHash, cell.provider, cell.model] as const;
    this.db
      .prepare(`DELETE FROM usage_detail WHERE ts >= ? AND ts < ? AND ${CELL_WHERE}`)
      .run(cell.hour, cell.hour + HOUR_MS, ...args);
    this.db.prepare(`DELETE FROM usage_hourly WHERE hour = ? AND ${CELL_WHERE}`).run(cell.hour, ...args);
  }

  /** Inside a transaction: adds an hourly row onto its cell. */
  addHourly(row: HourlyRow): void {
    this.upsertHourlyAdd.run(
      row.hour,
      row.origin,
      row.apiKeyHash,
      row.provider,
      row.model,
      row.apiKeyMasked,
      row.requests,
      row.failures,
      row.inputTokens,
      row.outputTokens,
      row.cachedTokens,
      row.reasoningTokens,
      row.latencyMsSum,
    );
  }
}

function rowToRecord(r: any): StoredRecord {
  const rec: StoredRecord = {
    id: r.id,
    origin: r.origin,
    time: Number(r.ts),
    apiKeyMasked: r.api_key_masked,
    apiKeyHash: r.api_key_hash,
    provider: r.provider,
    credentialId: r.credential_id,
    credentialLabel: r.credential_label,
    modelRequested: r.model_requested,
    modelServed: r.model_served,
    format: r.format,
    stream: r.stream === 1,
    status: Number(r.status),
    latencyMs: Number(r.latency_ms),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    cachedTokens: Number(r.cached_tokens),
    reasoningTokens: Number(r.reasoning_tokens),
    failed: r.failed === 1,
  };
  if (r.ttft_ms !== null) rec.ttftMs = Number(r.ttft_ms);
  return rec;
}

function rowToHourly(r: any): HourlyRow {
  return {
    hour: Number(r.hour),
    origin: r.origin,
    apiKeyHash: r.api_key_hash,
    apiKeyMasked: r.api_key_masked,
    provider: r.provider,
    model: r.model,
    requests: Number(r.requests),
    failures: Number(r.failures),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    cachedTokens: Number(r.cached_tokens),
    reasoningTokens: Number(r.reasoning_tokens),
    latencyMsSum: Number(r.latency_ms_sum),
  };
}
