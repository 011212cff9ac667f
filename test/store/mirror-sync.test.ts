import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { configureLogger } from "../../src/logging/logger.ts";
import { MirrorSync } from "../../src/store/mirror-sync.ts";
import { CONFIG_REL, mirrorPaths, type Store } from "../../src/store/store.ts";
import { waitFor } from "../helpers/harness.ts";

// The sync against a store whose remote is a Map and whose pushes can be made to fail:
// failures are retried until they pass, and the remote ends with the last write.

process.env.LOG_LEVEL ??= "error";
configureLogger({ debug: false, toFile: false, dir: tmpdir() });

class FlakyStore implements Store {
  readonly kind = "object" as const;
  readonly root: string;
  readonly configPath: string;
  readonly authDir: string;
  readonly remote = new Map<string, string>();
  failing = 0;
  pushes = 0;
  constructor(root: string) {
    this.root = root;
    ({ configPath: this.configPath, authDir: this.authDir } = mirrorPaths(root));
  }
  async pull(): Promise<void> {}
  async pushFile(rel: string): Promise<void> {
    this.pushes++;
    if (this.failing > 0) {
      this.failing--;
      throw new Error("remote unavailable");
    }
    const text = await readFile(join(this.root, rel), "utf8").catch(() => undefined);
    if (text === undefined) this.remote.delete(rel);
    else this.remote.set(rel, text);
  }
  async close(): Promise<void> {}
}

test("mirror sync: retries failed pushes, keeps the last write, pushes deletes, ignores other files", async () => {
  const root = await mkdtemp(join(tmpdir(), "cpa-sync-"));
  const store = new FlakyStore(root);
  await mkdir(store.authDir, { recursive: true });
  await mkdir(join(root, "config"), { recursive: true });
  await writeFile(store.configPath, "port: 1\n");
  const sync = new MirrorSync(store, { debounceMs: 20, retryMs: 50 });
  try {
    await sync.snapshot();
    // Written between the snapshot and the watch: the start-up scan catches it.
    await writeFile(join(store.authDir, "early.json"), '{"type":"codex"}');
    await sync.start();
    await waitFor(() => store.remote.has("auths/early.json"));
    assert.equal(store.remote.has(CONFIG_REL), false, "unchanged since the pull: not pushed");

    store.failing = 2;
    await writeFile(join(store.authDir, "a.json"), '{"v":1}');
    await waitFor(() => store.pushes >= 3);
    await writeFile(join(store.authDir, "a.json"), '{"v":2}');
    await waitFor(() => store.remote.get("auths/a.json") === '{"v":2}');
    assert.equal(store.failing, 0);

    await writeFile(join(store.authDir, "notes.txt"), "not an account file");
    await writeFile(join(store.authDir, "usage.db"), "x");
    await unlink(join(store.authDir, "a.json"));
    await waitFor(() => !store.remote.has("auths/a.json"));

    // A change still waiting for its debounce is pushed by close().
    await writeFile(store.configPath, "port: 2\n");
    await sync.close();
    assert.equal(store.remote.get(CONFIG_REL), "port: 2\n");
    assert.deepEqual([...store.remote.keys()].sort(), ["auths/early.json", CONFIG_REL]);
  } finally {
    await sync.close();
    await rm(root, { recursive: true, force: true });
  }
});
