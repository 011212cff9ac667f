import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { watch } from "chokidar";
import type { ConfigError } from "./errors.ts";
import { type LoadedConfig, parseConfigText } from "./load.ts";
import { readSettledText } from "./read-settled.ts";

// Hot reload of config.yaml. The file's directory is watched (not the file's inode), so an
// editor's write-temp-then-rename replace is seen like any other write. Events are debounced,
// and content identical to the last processed version is ignored.

export interface WatchOptions {
  /** Quiet period after the last file event before the file is read. Default 150 ms. */
  debounceMs?: number;
}

export interface ConfigWatcher {
  /** Resolves once the watcher is active; edits made before this may be missed. */
  ready: Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_DEBOUNCE_MS = 150;
const CHOKIDAR_CHANGE_THROTTLE_MS = 50;

function readFileSafely(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

const EMPTY = "empty";

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Calls `onChange` with the new config after each settled edit that changes the file's content
 * and validates, and `onInvalid` when an edit does not validate or the file disappears (the
 * running config should then be kept). Exceptions thrown by `onChange` are passed to `onInvalid`.
 */
export function watchConfigFile(
  path: string,
  onChange: (result: LoadedConfig) => void,
  onInvalid: (err: ConfigError | Error) => void,
  options: WatchOptions = {},
): ConfigWatcher {
  const file = resolve(path);
  const dir = dirname(file);
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  let lastDigest: string | undefined;
  let removalReported = false;
  let timer: NodeJS.Timeout | undefined;
  let followUp: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let pending = false;
  let closed = false;

  // A save caught half-way (empty or still growing) is re-read until it settles.
  const readCurrent = () => readSettledText(file);

  async function reload(): Promise<void> {
    let text: string;
    try {
      text = await readCurrent();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") onInvalid(err as Error);
      else if (!removalReported)
        onInvalid(new Error(`${path}: the config file was removed; keeping the running config`));
      removalReported = true;
      return;
    }
    removalReported = false;
    // A non-atomic writer (most editors' "save", `echo > config.yaml`, fs.writeFile) truncates
    // the file before writing it; a read in between sees nothing. An empty config would turn
    // every key to its default (management off, no providers), so it is never applied: the
    // running config stays and the next event (or the follow-up read) picks up the content.
    if (text.trim() === "") {
      if (lastDigest !== EMPTY)
        onInvalid(new Error(`${path}: the config file is empty; keeping the running config`));
      lastDigest = EMPTY;
      return;
    }
    const current = digest(text);
    if (current === lastDigest) return;
    lastDigest = current;
    let result: LoadedConfig;
    try {
      result = parseConfigText(text, path);
    } catch (err) {
      onInvalid(err as Error);
      return;
    }
    // The file may have changed again while we read and parsed it (e.g. a management write
    // that already applied the newer config): applying this older text would undo that.
    if (digest(readFileSafely(file)) !== current) {
      lastDigest = "";
      pending = true;
      return;
    }
    try {
      onChange(result);
    } catch (err) {
      onInvalid(err as Error);
    }
  }

  /**
   * Runs reloads one at a time. chokidar drops (rather than delays) a file's change events for
   * 50 ms after reporting one, so a write landing in that window after our read would be missed;
   * one extra read after that window catches it (the digest keeps it silent otherwise).
   */
  function runReload(afterEvent: boolean): void {
    if (closed) return;
    if (running) {
      pending = true;
      return;
    }
    running = reload().finally(() => {
      running = undefined;
      if (pending) {
        pending = false;
        schedule();
      } else if (afterEvent && !closed) {
        followUp = setTimeout(() => runReload(false), CHOKIDAR_CHANGE_THROTTLE_MS + 25);
      }
    });
  }

  function schedule(): void {
    if (closed) return;
    clearTimeout(timer);
    clearTimeout(followUp);
    timer = setTimeout(() => runReload(true), debounceMs);
  }

  const name = basename(file);
  const watcher = watch(dir, {
    depth: 0,
    ignoreInitial: true,
    ignored: (candidate) => candidate !== dir && basename(candidate) !== name,
  });
  watcher.on("all", (_event, changed) => {
    if (resolve(changed) === file) schedule();
  });
  watcher.on("error", (err) => onInvalid(err instanceof Error ? err : new Error(String(err))));

  const ready = Promise.all([
    new Promise<void>((done) => watcher.once("ready", () => done())),
    readCurrent().then(
      (text) => {
        lastDigest ??= digest(text);
      },
      () => {},
    ),
  ]).then(() => {});

  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      clearTimeout(followUp);
      await watcher.close();
      await running;
    },
  };
}
