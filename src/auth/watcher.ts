import { basename } from "node:path";
import { watch } from "chokidar";

/**
 * Watches auth-dir (not its subfolders) for `.json` files added, changed or removed. Events
 * are debounced into batches of file names; the receiver re-reads each named file and
 * ignores identical content. chokidar drops a file's change events for 50 ms after one it
 * reports, so each batch is re-delivered once after that window (the digest keeps the repeat
 * silent unless something really changed).
 */

export interface AuthDirWatcher {
  ready: Promise<void>;
  close(): Promise<void>;
}

const CHOKIDAR_CHANGE_THROTTLE_MS = 50;

/**
 * Account files: `*.json`, not hidden (our own temp files start with a dot). Everything else,
 * e.g. the `.cds` cooldown files of `save-cooldown-status`, is ignored.
 */
export function isAuthFileName(name: string): boolean {
  return name.toLowerCase().endsWith(".json") && !name.startsWith(".");
}

export function watchAuthDir(
  dir: string,
  onBatch: (names: string[]) => Promise<void>,
  onError: (err: Error) => void,
  debounceMs = 150,
): AuthDirWatcher {
  const pending = new Set<string>();
  const recheck = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let followUp: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  const deliver = (names: string[]) => {
    if (closed || names.length === 0) return;
    running = (running ?? Promise.resolve())
      .then(() => onBatch(names))
      .catch((err) => onError(err instanceof Error ? err : new Error(String(err))));
  };
  const flush = () => {
    const names = [...pending];
    pending.clear();
    deliver(names);
    for (const n of names) recheck.add(n);
    clearTimeout(followUp);
    followUp = setTimeout(() => {
      const again = [...recheck];
      recheck.clear();
      deliver(again);
    }, CHOKIDAR_CHANGE_THROTTLE_MS + 25);
    followUp.unref();
  };

  const watcher = watch(dir, {
    depth: 0,
    ignoreInitial: true,
    ignored: (path, stats) => path !== dir && stats?.isFile() === true && !isAuthFileName(basename(path)),
  });
  watcher.on("all", (event, path) => {
    if (event === "addDir" || event === "unlinkDir") return;
    const name = basename(path);
    if (!isAuthFileName(name)) return;
    pending.add(name);
    clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  });
  watcher.on("error", (err) => onError(err instanceof Error ? err : new Error(String(err))));

  return {
    ready: new Promise<void>((resolve) => watcher.once("ready", () => resolve())),
    async close() {
      closed = true;
      clearTimeout(timer);
      clearTimeout(followUp);
      await watcher.close();
      await running;
    },
  };
}
