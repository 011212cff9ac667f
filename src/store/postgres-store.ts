import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import pg from "pg";
import { readSettledText } from "../config/index.ts";
import { log } from "../logging/logger.ts";
import type { PostgresStoreSettings } from "./env.ts";
import {
  AUTH_DIR_REL,
  CONFIG_REL,
  mirrorPaths,
  normalizeLineEndings,
  redact,
  type Store,
  StoreError,
  safeAuthId,
  seedConfig,
} from "./store.ts";

// config.yaml and the auth files in PostgreSQL (PGSTORE_*), in the Go original's tables:
//   config_store (id TEXT PRIMARY KEY, content TEXT, created_at, updated_at) - one row, id 'config'
//   auth_store   (id TEXT PRIMARY KEY, content JSONB, created_at, updated_at) - id = path under auths/
// in PGSTORE_SCHEMA when set (created if missing). The mirror is <local path>/pgstore.

const CONFIG_TABLE = "config_store";
const AUTH_TABLE = "auth_store";
const CONFIG_ID = "config";

export class PostgresStore implements Store {
  readonly kind = "postgres" as const;
  readonly root: string;
  readonly configPath: string;
  readonly authDir: string;
  private readonly settings: PostgresStoreSettings;
  private readonly pool: pg.Pool;

  constructor(settings: PostgresStoreSettings) {
    this.settings = settings;
    this.root = settings.root;
    ({ configPath: this.configPath, authDir: this.authDir } = mirrorPaths(settings.root));
    this.pool = new pg.Pool({ connectionString: settings.dsn, max: 2, connectionTimeoutMillis: 15_000 });
    // An idle client losing its server must not crash the process; the next query reconnects.
    this.pool.on("error", (err) =>
      log.warn({ store: "postgres", reason: this.clean(err) }, "store: idle connection lost"),
    );
  }

  async pull(examplePath?: string): Promise<void> {
    await mkdir(dirname(this.configPath), { recursive: true, mode: 0o700 });
    await mkdir(this.authDir, { recursive: true, mode: 0o700 });
    await this.guard(async () => {
      await this.ensureSchema();
      const config = await this.pool.query<{ content: string }>(
        `SELECT content FROM ${this.table(CONFIG_TABLE)} WHERE id = $1`,
        [CONFIG_ID],
      );
      if (config.rows.length > 0) {
        await writeFile(this.configPath, normalizeLineEndings(config.rows[0].content), { mode: 0o600 });
      } else {
        await seedConfig(this.configPath, examplePath);
        await this.putConfig(await readFile(this.configPath, "utf8"));
      }
      // The table is the truth: stale account files leave the mirror (other files there stay).
      for (const name of await readdir(this.authDir)) {
        if (name.toLowerCase().endsWith(".json")) await rm(join(this.authDir, name), { force: true });
      }
      const auths = await this.pool.query<{ id: string; content: string }>(
        `SELECT id, content::text AS content FROM ${this.table(AUTH_TABLE)}`,
      );
      for (const row of auths.rows) {
        const id = safeAuthId(row.id);
        if (!id) {
          log.warn({ store: "postgres", id: row.id }, "store: auth id outside the auth dir; skipped");
          continue;
        }
        const path = join(this.authDir, ...id.split("/"));
        await mkdir(dirname(path), { recursive: true, mode: 0o700 });
        await writeFile(path, row.content, { mode: 0o600 });
      }
    });
  }

  async pushFile(rel: string): Promise<void> {
    await this.guard(async () => {
      const text = await readIfPresent(join(this.root, ...rel.split("/")));
      if (rel === CONFIG_REL) {
        if (text) await this.putConfig(text);
        return;
      }
      const id = rel.slice(AUTH_DIR_REL.length + 1);
      if (!text) {
        await this.pool.query(`DELETE FROM ${this.table(AUTH_TABLE)} WHERE id = $1`, [id]);
        return;
      }
      try {
        JSON.parse(text);
      } catch {
        // The column is JSONB; the auth store skips such a file too. Not retried: it cannot succeed.
        log.warn({ store: "postgres", file: rel }, "store: auth file is not JSON; not stored");
        return;
      }
      await this.pool.query(
        `INSERT INTO ${this.table(AUTH_TABLE)} (id, content, created_at, updated_at) VALUES ($1, $2::jsonb, NOW(), NOW())
         ON CONFLICT (id) DO UPDATE SET content = EXCLUDED.content, updated_at = NOW()`,
        [id, text],
      );
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async ensureSchema(): Promise<void> {
    if (this.settings.schema)
      await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.settings.schema)}`);
    for (const [table, type] of [
      [CONFIG_TABLE, "TEXT"],
      [AUTH_TABLE, "JSONB"],
    ]) {
      await this.pool.query(`CREATE TABLE IF NOT EXISTS ${this.table(table)} (
        id TEXT PRIMARY KEY,
        content ${type} NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
      )`);
    }
  }

  private async putConfig(text: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table(CONFIG_TABLE)} (id, content, created_at, updated_at) VALUES ($1, $2, NOW(), NOW())
       ON CONFLICT (id) DO UPDATE SET content = EXCLUDED.content, updated_at = NOW()`,
      [CONFIG_ID, normalizeLineEndings(text)],
    );
  }

  private table(name: string): string {
    return this.settings.schema
      ? `${quoteIdent(this.settings.schema)}.${quoteIdent(name)}`
      : quoteIdent(name);
  }

  private clean(err: unknown): string {
    const url = safeUrl(this.settings.dsn);
    return redact(err instanceof Error ? err.message : String(err), [this.settings.dsn, url?.password]);
  }

  private async guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw new StoreError(`postgres store: ${this.clean(err)}`);
    }
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function safeUrl(dsn: string): URL | undefined {
  try {
    return new URL(dsn);
  } catch {
    return undefined;
  }
}

/** The file's settled text, or '' when it is missing. */
async function readIfPresent(path: string): Promise<string> {
  try {
    return await readSettledText(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw err;
  }
}
