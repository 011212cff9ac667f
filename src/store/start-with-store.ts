import { log } from "../logging/logger.ts";
import { type RunningProxy, type StartOptions, startProxy } from "../start.ts";
import type { StoreSettings } from "./env.ts";
import { MirrorSync } from "./mirror-sync.ts";
import { type Store, StoreError } from "./store.ts";

// Store mode, as in the Go original: pull the remote into the local mirror (bootstrapping the
// config from config.example.yaml when the remote has none), run the proxy on the mirror's
// config.yaml and auths/, and push every local change back.

export interface StoreStartOptions extends Omit<StartOptions, "configPath" | "authDir"> {
  /** Template for a remote without a config (config.example.yaml). */
  examplePath?: string;
  /** Debounce and first retry delay of the mirror sync, ms. */
  syncDebounceMs?: number;
  syncRetryMs?: number;
}

export interface StoreBackedProxy extends RunningProxy {
  store: Store;
  sync: MirrorSync;
}

/** Backends load on demand: their client libraries cost memory nobody else should pay. */
export async function createStore(settings: StoreSettings): Promise<Store> {
  switch (settings.kind) {
    case "git":
      return new (await import("./git-store.ts")).GitStore(settings);
    case "postgres":
      return new (await import("./postgres-store.ts")).PostgresStore(settings);
    case "object":
      return new (await import("./object-store.ts")).ObjectStore(settings);
  }
}

/** Pulls, starts the proxy on the mirror and the sync. Throws StoreError when the store cannot be used. */
export async function startWithStore(
  settings: StoreSettings,
  opts: StoreStartOptions = {},
): Promise<StoreBackedProxy> {
  const store = await createStore(settings);
  const sync = new MirrorSync(store, { debounceMs: opts.syncDebounceMs, retryMs: opts.syncRetryMs });
  try {
    await store.pull(opts.examplePath);
    await sync.snapshot();
  } catch (err) {
    await store.close().catch(() => {});
    throw err instanceof StoreError ? err : new StoreError(`${store.kind} store: ${(err as Error).message}`);
  }
  const { examplePath: _e, syncDebounceMs: _d, syncRetryMs: _r, ...start } = opts;
  let proxy: RunningProxy;
  try {
    proxy = await startProxy({ ...start, configPath: store.configPath, authDir: store.authDir });
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  await sync.start();
  log.info({ store: store.kind, mirror: store.root }, "store: config and auth files synced with the mirror");
  return {
    ...proxy,
    store,
    sync,
    close: async (deadlineMs) => {
      await proxy.close(deadlineMs);
      await sync.close();
      await store.close();
    },
  };
}
