import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { basename, dirname, join, relative, sep } from "node:path";
import { watch } from "chokidar";
import { isAuthFileName } from "../auth/watcher.ts";
import { readSettledText } from "../config/index.ts";
import { log } from "../logging/logger.ts";
import { AUTH_DIR_REL, CONFIG_REL, type Store } from "./store.ts";

// Follows the mirror's config.yaml and auth files and pushes each change to the store, as the
// Go original does on every local change. Changes are debounced, pushed one at a time, and
// deduplicated by content; a file is read when it is pushed, so the last write always wins.
// A failed push is logged with its reason and retried with backoff until it goes through.

export interface MirrorSyncOptions {
  /** Quiet period after a file event before pushing, ms (default 200). */
  debounceMs?: number;
  /** First retry delay after a failed push, ms (default 1000; doubles up to 60 s). */
  retryMs?: number;
}

const ABSENT = "absent";
const RETRY_MAX_MS = 60_000;
/** chokidar drops a file's change events for 50 ms after one it reports: look again after that. */
const RECHECK_MS = 75;

export class MirrorSync {
  private readonly store: Store;
  private readonly debounceMs: number;
  private readonly retryMs: number;
  /** What the remote holds, as far as we know: rel -> content digest or ABSENT. */
  private readonly pushed = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private watcher: ReturnType<typeof watch> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private failures = 0;
  private again = false;
  private closed = false;

  constructor(store: Store, opts: MirrorSyncOptions = {}) {
    this.store = store;
    this.debounceMs = opts.debounceMs ?? 200;
    this.retryMs = opts.retryMs ?? 1000;
  }

  /** Records the mirror as just pulled: these contents are on the remote already. */
  async snapshot(): Promise<void> {
    for (const rel of await this.mirrorFiles()) this.pushed.set(rel, await this.digest(rel));
  }

  /** Starts watching, then pushes whatever changed since the snapshot. */
  async start(): Promise<void> {
    const configDir = dirname(this.store.configPath);
    const configName = basename(this.store.configPath);
    const { authDir } = this.store;
    const watcher = watch([configDir, authDir], {
      depth: 0,
      ignoreInitial: true,
      ignored: (path, stats) => {
        if (path === configDir || path === authDir || !stats?.isFile()) return false;
        const dir = dirname(path);
        return dir === configDir ? basename(path) !== configName : !isAuthFileName(basename(path));
      },
    });
    this.watcher = watcher;
    watcher.on("all", (_event, path) => {
      const rel = this.relOf(path);
      if (rel) this.mark([rel], this.debounceMs, true);
    });
    watcher.on("error", (err) =>
      log.warn({ store: this.store.kind, reason: String(err) }, "store mirror watch error"),
    );
    await new Promise<void>((done) => watcher.once("ready", () => done()));
    this.mark([...new Set([...(await this.mirrorFiles()), ...this.pushed.keys()])], 0, false);
  }

  /** Resolves when every known change has been pushed (or has failed and waits for a retry). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops watching and makes one last attempt at anything not pushed yet. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    await this.watcher?.close();
    await this.idle();
    if (this.dirty.size > 0) await this.drain();
  }

  private mark(rels: string[], delayMs: number, recheck: boolean): void {
    for (const rel of rels) this.dirty.add(rel);
    if (recheck) setTimeout(() => this.mark(rels, this.debounceMs, false), RECHECK_MS).unref();
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), delayMs);
  }

  private kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      // Changes marked during the run go now; after a failure the retry timer decides.
      if (this.again && this.failures === 0) this.kick();
      this.again = false;
    });
  }

  /** Pushes dirty files one by one; stops at the first failure and schedules a retry. */
  private async drain(): Promise<void> {
    while (this.dirty.size > 0) {
      const [rel] = this.dirty;
      this.dirty.delete(rel);
      let digest: string;
      try {
        digest = await this.digest(rel);
        if (digest === this.pushed.get(rel)) continue;
        if (rel === CONFIG_REL && (digest === ABSENT || digest === EMPTY)) {
          // The proxy keeps its running config in that case too; the remote keeps its copy.
          log.warn(
            { store: this.store.kind, file: rel },
            "store: config.yaml is missing or empty; not pushed",
          );
          continue;
        }
        await this.store.pushFile(rel);
      } catch (err) {
        this.dirty.add(rel);
        this.failures++;
        const delay = Math.min(this.retryMs * 2 ** (this.failures - 1), RETRY_MAX_MS);
        log.warn(
          {
            store: this.store.kind,
            file: rel,
            reason: (err as Error).message,
            retryInMs: this.closed ? 0 : delay,
          },
          "store: push failed",
        );
        if (!this.closed) {
          clearTimeout(this.timer);
          this.timer = setTimeout(() => this.kick(), delay);
        }
        return;
      }
      this.failures = 0;
      this.pushed.set(rel, digest);
      log.info({ store: this.store.kind, file: rel }, digest === ABSENT ? "store: deleted" : "store: pushed");
    }
  }

  private async digest(rel: string): Promise<string> {
    let text: string;
    try {
      text = await readSettledText(join(this.store.root, ...rel.split("/")));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return ABSENT;
      throw err;
    }
    return text === "" ? EMPTY : createHash("sha256").update(text).digest("hex");
  }

  private async mirrorFiles(): Promise<string[]> {
    const files = [CONFIG_REL];
    try {
      for (const name of await readdir(this.store.authDir)) {
        if (isAuthFileName(name)) files.push(`${AUTH_DIR_REL}/${name}`);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    return files;
  }

  /** The mirror-relative name of a watched path, or undefined for anything we do not push. */
  private relOf(path: string): string | undefined {
    if (path === this.store.configPath) return CONFIG_REL;
    if (dirname(path) === this.store.authDir && isAuthFileName(basename(path))) {
      return relative(this.store.root, path).split(sep).join("/");
    }
    return undefined;
  }
}

const EMPTY = "empty";
