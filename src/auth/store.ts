import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { readSettledText } from "../config/index.ts";
import type { Credential } from "../credentials/credential.ts";
import { log } from "../logging/logger.ts";
import { TokenEndpointError } from "../oauth/token-request.ts";
import type { Runtime } from "../proxy/runtime.ts";
import { type AuthFile, digestOf, parseAuthFile } from "./auth-file.ts";
import type { AccountFields, AuthKind } from "./auth-kind.ts";
import { buildCredential, upstreamModelsOf } from "./build-credential.ts";
import { AuthFileError } from "./errors.ts";
import { createLimiter } from "./limiter.ts";
import { authKindFor } from "./registry.ts";
import type { AuthFileStatus } from "./status.ts";
import { formatTimestamp, parseTimestamp } from "./timestamps.ts";
import { type AuthDirWatcher, isAuthFileName, watchAuthDir } from "./watcher.ts";
import { writeBackAuthFile } from "./write-back.ts";

/**
 * The accounts in auth-dir, kept in step with the directory and handed to the runtime as
 * extra credentials. Loads every file at start, then follows the watcher; refreshes tokens
 * in the background before they expire and on demand after an upstream 401; writes refreshed
 * tokens back. A file that cannot be used is skipped with one log line per content.
 */

export interface AuthStoreOptions {
  /** Quiet period of the directory watcher, ms (default 150). */
  debounceMs?: number;
  /** Called after the runtime received a new set of credentials (e.g. to learn new secrets). */
  onApply?: () => void;
}

interface RefreshFailure {
  message: string;
  /** The refresh token was refused: nothing helps but a new login. */
  permanent: boolean;
  failures: number;
  retryAt: number;
}

interface Entry {
  name: string;
  digest: string;
  /** Undefined when the text is not a usable auth file (`problem` says why). */
  file?: AuthFile;
  kind?: AuthKind;
  fields?: AccountFields;
  /** Undefined when disabled or unusable. */
  credential?: Credential;
  problem?: string;
  refreshing?: Promise<Credential | undefined>;
  failure?: RefreshFailure;
  /** Last refresh triggered by an upstream 401, so a rejected-yet-fresh token cannot loop. */
  unauthorizedRefreshAt?: number;
  /** Last successful refresh by this process. */
  refreshedAt?: number;
}

/** Background refreshes at once when `auth-auto-refresh-workers` is 0 or less (as in the original). */
const DEFAULT_REFRESH_WORKERS = 16;
/** A refused refresh token cools the account this long (until a new login replaces the file). */
const REVOKED_COOLDOWN_MS = 24 * 60 * 60_000;
/** At most one 401-triggered refresh per account in this window. */
const UNAUTHORIZED_REFRESH_GAP_MS = 30_000;
/** Background refreshes of one account are at least this far apart, whatever the token says. */
const MIN_REFRESH_GAP_MS = 30_000;
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 10 * 60_000;
/** Longest timer (setTimeout's limit is ~24.8 days; shorter also absorbs clock jumps). */
const MAX_TIMER_MS = 60 * 60_000;

export class AuthStore {
  private readonly rt: Runtime;
  private readonly debounceMs: number;
  private readonly onApply: (() => void) | undefined;
  private dir: string;
  private readonly entries = new Map<string, Entry>();
  private readonly byId = new Map<string, Entry>();
  private watcher: AuthDirWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private applyQueued = false;
  private closed = false;
  /** Bounds the background refresher (`auth-auto-refresh-workers`); 401-triggered refreshes skip the queue. */
  private readonly refreshSlots = createLimiter(() => {
    const n = this.rt.config["auth-auto-refresh-workers"];
    return n > 0 ? n : DEFAULT_REFRESH_WORKERS;
  });

  constructor(rt: Runtime, opts: AuthStoreOptions = {}) {
    this.rt = rt;
    this.debounceMs = opts.debounceMs ?? 150;
    this.onApply = opts.onApply;
    this.dir = rt.config["auth-dir"];
  }

  get directory(): string {
    return this.dir;
  }

  /** Loads every file and starts watching; credentials are in the runtime when this resolves. */
  async start(): Promise<void> {
    await this.open();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.watcher?.close();
    const inFlight = [...this.entries.values()].map((e) => e.refreshing).filter(Boolean);
    await Promise.allSettled(inFlight);
  }

  /** After a config reload: follow a new auth-dir, or rebuild credentials under the new config. */
  async reconfigure(): Promise<void> {
    if (this.closed) return;
    const dir = this.rt.config["auth-dir"];
    if (dir !== this.dir) {
      await this.watcher?.close();
      this.entries.clear();
      this.dir = dir;
      await this.open();
      return;
    }
    for (const e of this.entries.values()) this.rebuild(e);
    this.apply();
  }

  /** Status of every file, sorted by name. */
  statuses(): AuthFileStatus[] {
    return [...this.entries.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((e) => this.statusOf(e));
  }

  /**
   * After an upstream 401 with `cred`: a fresh credential to retry once with, or undefined
   * when there is none (not an OAuth account, no refresh possible, refresh refused, or one
   * was already tried moments ago). Concurrent callers share one refresh.
   */
  async refreshAfterUnauthorized(cred: Credential): Promise<Credential | undefined> {
    const e = this.byId.get(cred.id);
    if (!e?.credential || !e.kind?.refresh) return undefined;
    if (e.credential.apiKey !== cred.apiKey) return e.credential; // refreshed since that request began
    if (e.refreshing) return e.refreshing;
    if (e.failure?.permanent) return undefined;
    const now = Date.now();
    if (
      e.unauthorizedRefreshAt !== undefined &&
      now - e.unauthorizedRefreshAt < UNAUTHORIZED_REFRESH_GAP_MS
    ) {
      return undefined;
    }
    e.unauthorizedRefreshAt = now;
    return this.refresh(e);
  }

  /** Refreshes one file's tokens now; resolves with the new credential, undefined on failure. */
  async refreshNow(name: string): Promise<Credential | undefined> {
    const e = this.entries.get(name);
    if (!e?.credential || !e.kind?.refresh) return undefined;
    return e.refreshing ?? this.refresh(e);
  }

  // --- loading -------------------------------------------------------------------------

  private async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 }).catch((err) =>
      log.warn({ dir: this.dir, err: (err as Error).message }, "cannot create auth-dir"),
    );
    let names: string[] = [];
    try {
      names = (await readdir(this.dir, { withFileTypes: true }))
        .filter((d) => d.isFile() && isAuthFileName(d.name))
        .map((d) => d.name);
    } catch (err) {
      log.warn({ dir: this.dir, err: (err as Error).message }, "cannot read auth-dir");
    }
    for (const name of names) await this.load(name);
    this.apply();
    const dir = this.dir;
    this.watcher = watchAuthDir(
      dir,
      (changed) => this.onChanged(dir, changed),
      (err) => log.error({ dir, err: err.message }, "auth-dir watcher failed"),
      this.debounceMs,
    );
    await this.watcher.ready;
  }

  private async onChanged(dir: string, names: string[]): Promise<void> {
    if (this.closed || dir !== this.dir) return;
    let changed = false;
    for (const name of names) if (await this.load(name)) changed = true;
    if (changed) this.apply();
  }

  /** (Re)reads one file; true when the set of credentials may have changed. */
  private async load(name: string): Promise<boolean> {
    const path = join(this.dir, name);
    let text: string;
    try {
      // A file being saved without an atomic rename (a hand copy, an editor) can be caught
      // empty or short; reading it as it settles avoids a spurious "skipped, then loaded".
      text = await readSettledText(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
        log.warn({ file: name, err: (err as Error).message }, "auth file unreadable; skipped");
      }
      const gone = this.entries.get(name);
      if (!gone) return false;
      this.entries.delete(name);
      if (gone.credential) this.clearCooling(gone.credential);
      log.info({ file: name }, "auth file removed");
      return true;
    }
    const digest = digestOf(text);
    const previous = this.entries.get(name);
    if (previous?.digest === digest) return false;

    const entry: Entry = { name, digest };
    try {
      entry.file = parseAuthFile(name, path, text);
    } catch (err) {
      entry.problem = (err as Error).message;
    }
    if (entry.file) {
      entry.kind = authKindFor(entry.file.type);
      if (!entry.kind) entry.problem = `type "${entry.file.type}" is not supported by this version`;
    }
    if (entry.file && entry.kind) {
      try {
        entry.fields = entry.kind.read(entry.file.content);
      } catch (err) {
        if (!(err instanceof AuthFileError)) throw err;
        entry.problem = err.message;
      }
    }
    this.rebuild(entry);
    // New content (a new login, a hand edit) starts clean: no refresh failure, no cooling.
    if (previous?.credential) this.clearCooling(previous.credential);
    this.entries.set(name, entry);
    if (entry.problem) log.warn({ file: name, reason: entry.problem }, "auth file skipped");
    else log.info({ file: name, type: entry.kind?.type, disabled: entry.file?.disabled }, "auth file loaded");
    return true;
  }

  /** Builds the entry's credential under the current config (none when disabled or unusable). */
  private rebuild(e: Entry): void {
    e.credential =
      e.file && e.kind && e.fields && !e.file.disabled
        ? buildCredential(e.file, e.kind, e.fields, this.rt.config)
        : undefined;
  }

  /** Hands the credentials to the runtime (sorted by file name) and re-arms the refresh timer. */
  private apply(): void {
    this.applyQueued = false;
    if (this.closed) return;
    const creds: Credential[] = [];
    this.byId.clear();
    for (const name of [...this.entries.keys()].sort()) {
      const e = this.entries.get(name)!;
      if (!e.credential) continue;
      creds.push(e.credential);
      this.byId.set(e.credential.id, e);
    }
    this.rt.setExtraCredentials(creds);
    this.onApply?.();
    this.arm();
  }

  /** Coalesces the applies of refreshes finishing together into one registry rebuild. */
  private queueApply(): void {
    if (this.applyQueued) return;
    this.applyQueued = true;
    setImmediate(() => this.apply());
  }

  // --- refreshing ----------------------------------------------------------------------

  private refresh(e: Entry, background = false): Promise<Credential | undefined> {
    // A queued refresh whose file was replaced (or the store closed) meanwhile has nothing to do.
    const stale = () => this.closed || this.entries.get(e.name) !== e;
    const job = () => (stale() ? Promise.resolve(undefined) : this.runRefresh(e));
    const run = (background ? this.refreshSlots.run(job) : job()).finally(() => {
      e.refreshing = undefined;
    });
    e.refreshing = run;
    return run;
  }

  private async runRefresh(e: Entry): Promise<Credential | undefined> {
    const kind = e.kind!;
    const file = e.file!;
    try {
      const fields = await kind.refresh!(file.content, { proxyUrl: e.credential?.proxyUrl ?? "" });
      if (this.closed || this.entries.get(e.name) !== e) return undefined; // replaced meanwhile
      const written = await writeBackAuthFile(file, { ...fields, last_refresh: formatTimestamp(Date.now()) });
      e.file = written;
      e.digest = written.digest; // the watcher's event for our own write is then a no-op
      e.fields = kind.read(written.content);
      e.failure = undefined;
      e.refreshedAt = Date.now();
      this.rebuild(e);
      if (e.credential) this.byId.set(e.credential.id, e);
      log.info({ file: e.name, expires: written.content.expired }, "auth tokens refreshed");
      this.queueApply();
      return e.credential;
    } catch (err) {
      this.recordFailure(e, err);
      this.queueApply();
      return undefined;
    }
  }

  private recordFailure(e: Entry, err: unknown): void {
    const permanent =
      err instanceof TokenEndpointError
        ? err.permanent
        : err instanceof AuthFileError || !(err instanceof Error);
    const failures = (e.failure?.failures ?? 0) + 1;
    const wait = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (failures - 1));
    const message = (err as Error)?.message ?? String(err);
    e.failure = { message, permanent, failures, retryAt: Date.now() + wait };
    if (permanent) {
      if (e.credential) {
        for (const model of upstreamModelsOf(e.credential)) {
          this.rt.cooldowns.fail(e.credential.id, model, 401, REVOKED_COOLDOWN_MS);
        }
      }
      log.warn(
        { file: e.name, reason: message },
        "auth refresh refused; account cooled until it logs in again",
      );
    } else {
      log.warn(
        { file: e.name, reason: message, retryInSeconds: wait / 1000 },
        "auth refresh failed; will retry",
      );
    }
  }

  private clearCooling(cred: Credential): void {
    for (const model of upstreamModelsOf(cred)) this.rt.cooldowns.succeed(cred.id, model);
  }

  /**
   * When the background refresh of `e` is due (ms since the epoch), or undefined for never:
   * the kind's lead before expiry, but at most half the token's lifetime (a server handing
   * out tokens shorter than the lead must not cause a refresh loop).
   */
  private dueAt(e: Entry): number | undefined {
    if (!e.credential || !e.kind?.refresh || e.failure?.permanent) return undefined;
    if (e.failure) return e.failure.retryAt;
    const expiresAt = e.fields?.expiresAt;
    if (expiresAt === undefined) return undefined;
    const issuedAt = parseTimestamp(e.file?.content.last_refresh);
    const lifetime = issuedAt === undefined ? 0 : expiresAt - issuedAt;
    const lead = lifetime > 0 ? Math.min(e.kind.refreshLeadMs, lifetime / 2) : e.kind.refreshLeadMs;
    const due = expiresAt - lead;
    return e.refreshedAt === undefined ? due : Math.max(due, e.refreshedAt + MIN_REFRESH_GAP_MS);
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (this.closed) return;
    let next = Number.POSITIVE_INFINITY;
    for (const e of this.entries.values()) {
      const at = this.dueAt(e);
      if (at !== undefined && !e.refreshing && at < next) next = at;
    }
    if (!Number.isFinite(next)) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, next - Date.now()));
    this.timer = setTimeout(() => this.refreshDue(), delay);
    this.timer.unref();
  }

  /** Queues every due refresh; each one that ends re-arms the timer through its apply. */
  private refreshDue(): void {
    const now = Date.now();
    for (const e of this.entries.values()) {
      const at = this.dueAt(e);
      if (at !== undefined && at <= now && !e.refreshing) void this.refresh(e, true);
    }
    this.arm();
  }

  // --- status --------------------------------------------------------------------------

  private statusOf(e: Entry): AuthFileStatus {
    const s: AuthFileStatus = {
      name: e.name,
      type: e.file?.type ?? "",
      status: "active",
      unavailable: false,
    };
    if (e.kind) s.provider = e.kind.provider;
    if (e.file?.email) s.email = e.file.email;
    if (e.fields?.expiresAt !== undefined) s.expired = formatTimestamp(e.fields.expiresAt);
    const last = parseTimestamp(e.file?.content.last_refresh);
    if (last !== undefined) s.last_refresh = formatTimestamp(last);
    const due = this.dueAt(e);
    if (due !== undefined) s.next_refresh = formatTimestamp(Math.max(due, Date.now()));

    if (e.problem) {
      s.status = "error";
      s.status_message = e.problem;
      s.unavailable = true;
    } else if (e.file?.disabled) {
      s.status = "disabled";
      s.status_message = "disabled in the file";
      s.unavailable = true;
    } else if (e.failure?.permanent) {
      s.status = "error";
      s.status_message = `token refresh refused (${e.failure.message}); log in again`;
      s.unavailable = true;
    } else if (e.failure) {
      s.status_message = `token refresh failed (${e.failure.message}); retrying`;
    }
    return s;
  }
}
