/**
 * `save-cooldown-status`: cooldowns survive a restart. Each credential with a running cooldown
 * has one `<name>.cds` JSON file in auth-dir, named after its auth file (`codex-a.json` ->
 * `codex-a.cds`) or, for an API key from config.yaml, after its non-secret credential id.
 * Changes are written in the background, batched for a moment; a file goes away once its
 * credential has no running cooldown left (cleared, or expired). At start-up every `.cds` file
 * in auth-dir is read back, expired records ignored. The shape follows the Go original's:
 * `{version, auth_id, provider, updated_at, records: [{auth_id, provider, model, status,
 * next_retry_after, reason, quota: {exceeded, next_recover_at, backoff_level},
 * last_error: {http_status}, updated_at}]}`.
 */
import { readdir, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../config/atomic-write.ts";
import { log } from "../logging/logger.ts";
import type { CooldownTracker, CoolEntry } from "./cooldown.ts";
import type { Credential } from "./credential.ts";

export const COOLDOWN_FILE_EXT = ".cds";
/** Quiet period before changed cooldowns are written (bounded: not reset by later changes). */
const WRITE_DELAY_MS = 200;
/** Longest timer for removing expired files (setTimeout's limit is ~24.8 days). */
const MAX_TIMER_MS = 60 * 60_000;

export interface CooldownPersistOptions {
  tracker: CooldownTracker;
  /** The auth-dir now (it may change on reload). */
  dir: () => string;
  /** The credential with this id, when it still exists (for its file name and provider). */
  credential: (id: string) => Credential | undefined;
}

interface FileRecord {
  auth_id?: unknown;
  provider?: unknown;
  model?: unknown;
  next_retry_after?: unknown;
  quota?: { backoff_level?: unknown };
  last_error?: { http_status?: unknown };
}

/** The `.cds` file name for a credential: its auth file's base name, else its sanitized id. */
export function cooldownFileName(credId: string, cred: Credential | undefined): string {
  const authFile = cred?.attributes?.auth_file;
  const base = authFile ? authFile.replace(/\.json$/i, "") : credId;
  const safe = base.replace(/[^A-Za-z0-9._@-]+/g, "_").replace(/^[._-]+|[._-]+$/g, "");
  return `${safe || "credential"}${COOLDOWN_FILE_EXT}`;
}

export class CooldownPersister {
  private readonly opts: CooldownPersistOptions;
  /** Credentials whose file must be rewritten or removed. */
  private readonly dirty = new Set<string>();
  /** The file each credential's cooldowns are in now, and when its last cooldown ends. */
  private readonly files = new Map<string, { path: string; until: number }>();
  private writeTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(opts: CooldownPersistOptions) {
    this.opts = opts;
  }

  /** Reads the saved cooldowns back into the tracker, then follows its changes. */
  async start(): Promise<void> {
    await this.load();
    this.opts.tracker.observe((id) => this.mark(id));
    this.armExpiry();
    if (this.dirty.size > 0) this.schedule();
  }

  /** Stops following changes and writes what is pending. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.opts.tracker.observe(undefined);
    clearTimeout(this.expiryTimer);
    await this.flush();
    clearTimeout(this.expiryTimer);
  }

  private mark(credId: string): void {
    this.dirty.add(credId);
    this.schedule();
  }

  private schedule(): void {
    if (this.writeTimer || this.stopped) return;
    this.writeTimer = setTimeout(() => void this.flush(), WRITE_DELAY_MS);
    this.writeTimer.unref();
  }

  /** Writes (or removes) the file of every dirty credential; writes never overlap. */
  flush(): Promise<void> {
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    const ids = [...this.dirty];
    this.dirty.clear();
    this.writing = this.writing.then(async () => {
      for (const id of ids) {
        try {
          await this.save(id);
        } catch (err) {
          log.warn({ credential: id, err: (err as Error).message }, "could not save cooldown state");
        }
      }
      this.armExpiry();
    });
    return this.writing;
  }

  private async save(credId: string): Promise<void> {
    const now = Date.now();
    const entries = this.opts.tracker.entriesOf(credId, now);
    const known = this.files.get(credId);
    if (entries.length === 0) {
      if (!known) return;
      this.files.delete(credId);
      await unlink(known.path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOENT") throw err;
      });
      return;
    }
    const cred = this.opts.credential(credId);
    const path = join(this.opts.dir(), cooldownFileName(credId, cred));
    await writeFileAtomic(path, `${JSON.stringify(fileBody(credId, cred, entries, now), null, 2)}\n`);
    if (known && known.path !== path) await unlink(known.path).catch(() => {});
    this.files.set(credId, { path, until: Math.max(...entries.map((e) => e.until)) });
  }

  /** Wakes up when the earliest saved cooldown ends, so its file is removed. */
  private armExpiry(): void {
    clearTimeout(this.expiryTimer);
    if (this.stopped || this.files.size === 0) return;
    const next = Math.min(...[...this.files.values()].map((f) => f.until));
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, next - Date.now()) + 50);
    this.expiryTimer = setTimeout(() => {
      const now = Date.now();
      for (const [id, f] of this.files) if (f.until <= now) this.dirty.add(id);
      if (this.dirty.size > 0) void this.flush();
      else this.armExpiry();
    }, delay);
    this.expiryTimer.unref();
  }

  private async load(): Promise<void> {
    const dir = this.opts.dir();
    let names: string[];
    try {
      names = (await readdir(dir, { withFileTypes: true }))
        .filter(
          (d) => d.isFile() && d.name.toLowerCase().endsWith(COOLDOWN_FILE_EXT) && !d.name.startsWith("."),
        )
        .map((d) => d.name);
    } catch {
      return; // no auth-dir yet: nothing saved
    }
    const now = Date.now();
    for (const name of names) {
      const path = join(dir, name);
      let records: FileRecord[];
      let fileId: string | undefined;
      try {
        const body = JSON.parse(await readFile(path, "utf8")) as { auth_id?: unknown; records?: unknown };
        records = Array.isArray(body.records) ? (body.records as FileRecord[]) : [];
        fileId = typeof body.auth_id === "string" ? body.auth_id : undefined;
      } catch (err) {
        log.warn({ file: name, err: (err as Error).message }, "cooldown state file unreadable; ignored");
        continue;
      }
      let until = 0;
      for (const r of records) {
        const id = typeof r.auth_id === "string" && r.auth_id ? r.auth_id : fileId;
        const at = typeof r.next_retry_after === "string" ? Date.parse(r.next_retry_after) : Number.NaN;
        if (!id || typeof r.model !== "string" || !(at > now)) continue;
        fileId ??= id;
        const failures = Number(r.quota?.backoff_level);
        const status = Number(r.last_error?.http_status);
        this.opts.tracker.restore(id, r.model, {
          until: at,
          failures: Number.isInteger(failures) && failures > 0 ? failures : 1,
          status: Number.isInteger(status) && status > 0 ? status : 429,
        });
        until = Math.max(until, at);
      }
      if (!fileId) continue;
      this.files.set(fileId, { path, until });
      // Nothing left running in it: removed by the first flush.
      if (until === 0) this.dirty.add(fileId);
    }
  }
}

/** Follows the `save-cooldown-status` setting: persistence starts and stops with it. */
export interface CooldownPersistence {
  /** Re-reads the setting (at start and after each reload). */
  sync(): Promise<void>;
  /** Writes what is pending and stops. */
  close(): Promise<void>;
}

export function cooldownPersistence(
  opts: CooldownPersistOptions & { enabled: () => boolean },
): CooldownPersistence {
  let current: CooldownPersister | undefined;
  let step: Promise<void> = Promise.resolve();
  const sync = () => {
    step = step.then(async () => {
      if (opts.enabled() && !current) {
        current = new CooldownPersister(opts);
        await current.start();
      } else if (!opts.enabled() && current) {
        const was = current;
        current = undefined;
        await was.stop();
      }
    });
    return step;
  };
  return {
    sync,
    close: () => {
      step = step.then(async () => {
        await current?.stop();
        current = undefined;
      });
      return step;
    },
  };
}

function fileBody(credId: string, cred: Credential | undefined, entries: CoolEntry[], now: number) {
  const updated = new Date(now).toISOString();
  const provider = cred?.provider ?? "";
  return {
    version: 1,
    auth_id: credId,
    provider,
    updated_at: updated,
    records: entries
      .sort((a, b) => a.model.localeCompare(b.model))
      .map((e) => {
        const next = new Date(e.until).toISOString();
        return {
          provider,
          auth_id: credId,
          model: e.model,
          status: "error",
          next_retry_after: next,
          reason: e.status === 429 ? "quota" : `http_${e.status}`,
          quota: { exceeded: e.status === 429, next_recover_at: next, backoff_level: e.failures },
          last_error: { http_status: e.status },
          updated_at: updated,
        };
      }),
  };
}
