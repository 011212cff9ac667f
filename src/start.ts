import { join } from "node:path";
import { startAuthStore } from "./auth/index.ts";
import { type Config, ConfigError, loadConfigFile, watchConfigFile } from "./config/index.ts";
import { cooldownPersistence } from "./credentials/cooldown-persist.ts";
import { configureLogger, log } from "./logging/logger.ts";
import { ensureSecretHashed } from "./management/secret.ts";
import { countCredentialStates } from "./metrics/credential-states.ts";
import { metricsFor } from "./metrics/registry.ts";
import type { Runtime } from "./proxy/runtime.ts";
import { createRequestLogger, requestLogSettings } from "./request-log/logger.ts";
import { type RunningServer, startServer } from "./server/http-server.ts";
import { pinAuthDir, runtimeWithAuthDir } from "./store/pinned-auth-dir.ts";
import { closeAllDispatchers } from "./upstream/dispatchers.ts";
import { UsageRecorder, usageSettings } from "./usage/recorder.ts";

export interface StartOptions {
  configPath: string;
  /** Overrides for tests: listen here instead of the config's host/port. */
  host?: string;
  port?: number;
  /** Debounce of the config watcher, ms. */
  watchDebounceMs?: number;
  /** auth-dir to use whatever the config says (a store's mirror, src/store/). */
  authDir?: string;
}

export interface RunningProxy {
  url: string;
  port: number;
  runtime: Runtime;
  close(deadlineMs?: number): Promise<void>;
}

/** Loads the config, starts the server and the config watcher. Throws ConfigError on a bad file. */
export async function startProxy(opts: StartOptions): Promise<RunningProxy> {
  const loaded = await loadConfigFile(opts.configPath);
  const config = pinAuthDir(loaded.config, opts.authDir);
  const { warnings } = loaded;
  applyLogging(config);
  for (const w of warnings) log.warn(w);

  const runtime = runtimeWithAuthDir(config, opts.authDir);
  runtime.configPath = opts.configPath;
  const usage = new UsageRecorder(usageSettings(config));
  const requestLog = createRequestLogger(requestLogSettings(config));
  const metrics = metricsFor(runtime);
  metrics.setCredentialStateSource(() =>
    countCredentialStates(runtime.registry.credentials, runtime.cooldowns.active()),
  );
  runtime.observe = { usage, metrics, requestLog };
  const knowSecrets = () =>
    requestLog.setKnownSecrets([
      ...runtime.config["api-keys"],
      ...runtime.registry.credentials.map((c) => c.apiKey),
    ]);
  knowSecrets();
  // OAuth accounts in auth-dir: loaded before listening, then watched and refreshed.
  const auth = await startAuthStore(runtime, { debounceMs: opts.watchDebounceMs, onApply: knowSecrets });
  // save-cooldown-status: saved cooldowns are back before the first request.
  const cooldownFiles = cooldownPersistence({
    tracker: runtime.cooldowns,
    enabled: () => runtime.config["save-cooldown-status"],
    dir: () => runtime.config["auth-dir"],
    credential: (id) => runtime.registry.credentials.find((c) => c.id === id),
  });
  await cooldownFiles.sync();
  const tls = config.tls.enable ? { cert: config.tls.cert, key: config.tls.key } : undefined;
  let server: RunningServer;
  try {
    server = await startServer(runtime, {
      host: opts.host ?? config.host,
      port: opts.port ?? config.port,
      tls,
    });
  } catch (err) {
    await auth.close();
    await cooldownFiles.close();
    throw err;
  }
  log.info({ url: server.url, credentials: runtime.registry.credentials.length }, "CLI Proxy API listening");
  logAccessMode(runtime);
  // A plaintext management secret-key is replaced by its bcrypt hash in config.yaml at start-up
  // (the management app, loaded on first use, also hashes one that shows up later).
  ensureSecretHashed(runtime, opts.configPath).catch((err) =>
    log.error({ err: (err as Error).message }, "could not write the hashed management secret-key"),
  );

  const watcher = watchConfigFile(
    opts.configPath,
    ({ config: loadedNext, warnings: w }) => {
      const next = pinAuthDir(loadedNext, opts.authDir);
      for (const line of w) log.warn(line);
      runtime.apply(next);
      auth.reconfigure().catch((err) => log.error({ err: (err as Error).message }, "auth-dir reload failed"));
      cooldownFiles
        .sync()
        .catch((err) => log.error({ err: (err as Error).message }, "cooldown state reload failed"));
      applyLogging(next);
      usage.configure(usageSettings(next));
      requestLog.configure(requestLogSettings(next));
      knowSecrets();
      log.info(
        { credentials: runtime.registry.credentials.length, models: runtime.registry.list().length },
        "config reloaded",
      );
      logAccessMode(runtime);
    },
    (err) => {
      const lines = err instanceof ConfigError ? err.problems : [String(err)];
      log.error({ problems: lines }, "config change rejected; keeping the running config");
    },
    { debounceMs: opts.watchDebounceMs },
  );
  await watcher.ready;

  return {
    url: server.url,
    port: server.port,
    runtime,
    close: async (deadlineMs) => {
      await watcher.close();
      await auth.close();
      await server.close(deadlineMs);
      await cooldownFiles.close();
      await closeAllDispatchers();
      usage.close();
      await requestLog.idle();
    },
  };
}

function applyLogging(config: Config): void {
  configureLogger({
    debug: config.debug,
    toFile: config["logging-to-file"],
    dir: join(config["auth-dir"], "logs"),
    maxTotalMb: config["logs-max-total-size-mb"] || undefined,
  });
}

function logAccessMode(rt: Runtime): void {
  if (rt.apiKeys.size === 0) {
    log.warn("api-keys is empty: the API is OPEN to anyone who can reach this port");
  } else {
    log.info({ keys: rt.apiKeys.size }, "client API keys required");
  }
}
