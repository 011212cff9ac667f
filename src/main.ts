#!/usr/bin/env node
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCliArgs, USAGE } from "./cli-args.ts";
import { VERSION } from "./server/version.ts";

async function main(): Promise<number> {
  let args: ReturnType<typeof parseCliArgs>;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.version) {
    process.stdout.write(`cli-proxy-api ${VERSION}\n`);
    return 0;
  }
  // The account file type each login flag creates.
  const loginFlags: Array<[boolean, string]> = [
    [args.login, "gemini"],
    [args.codexLogin, "codex"],
    [args.claudeLogin, "claude"],
    [args.qwenLogin, "qwen"],
    [args.iflowLogin, "iflow"],
    [args.antigravityLogin, "antigravity"],
  ];
  const loginType = loginFlags.find(([on]) => on)?.[1];
  if (loginType) {
    // Loaded on demand: a login needs neither the server nor its dependencies.
    const { runLoginCommand } = await import("./oauth/login-command.ts");
    return runLoginCommand(loginType, {
      configPath: resolve(args.config),
      noBrowser: args.noBrowser,
      projectId: args.projectId,
    });
  }

  const [{ ConfigError, ensureConfigFile }, { log }, { startProxy }] = await Promise.all([
    import("./config/index.ts"),
    import("./logging/logger.ts"),
    import("./start.ts"),
  ]);
  // GITSTORE_* / PGSTORE_* / OBJECTSTORE_*: config and auth files live in a store (src/store/);
  // as in the Go original, --config is then not used.
  const { StoreError, storeSettingsFromEnv } = await import("./store/env.ts");
  let store: ReturnType<typeof storeSettingsFromEnv>;
  try {
    store = storeSettingsFromEnv(process.env, process.cwd());
  } catch (err) {
    process.stderr.write(`Invalid store settings: ${(err as Error).message}\n`);
    return 1;
  }
  const configPath = resolve(args.config);
  const { created } = store ? { created: false } : await ensureConfigFile(configPath, examplePath());
  if (created) {
    process.stdout.write(
      `Created ${configPath} from config.example.yaml.\n` +
        "Next: edit it to add your provider keys (gemini-api-key, claude-api-key, codex-api-key,\n" +
        "openai-compatibility) and the api-keys your clients must send, or try `npm run demo`.\n\n",
    );
  }

  let proxy: Awaited<ReturnType<typeof startProxy>>;
  try {
    if (store) {
      const { startWithStore } = await import("./store/start-with-store.ts");
      proxy = await startWithStore(store, { examplePath: storeExamplePath() });
    } else {
      proxy = await startProxy({ configPath });
    }
  } catch (err) {
    if (err instanceof StoreError) {
      process.stderr.write(`Cannot use the configured store: ${err.message}\n`);
      return 1;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(
        `Invalid configuration, not starting:\n${err.problems.map((p) => `  ${p}`).join("\n")}\n`,
      );
      return 1;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES") {
      process.stderr.write(`Cannot listen: ${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.exit(1); // second Ctrl-C: give up waiting
    }
    stopping = true;
    log.info({ signal }, "shutting down: finishing in-flight requests (up to 10s)");
    proxy.close(10_000).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  return -1; // keep running
}

/** config.example.yaml ships at the package root (two levels up from dist/src, one from src). */
function examplePath(): string {
  for (const rel of ["../config.example.yaml", "../../config.example.yaml"]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return resolve("config.example.yaml");
}

/** A store is seeded from ./config.example.yaml when there is one (as in Go), else the packaged one. */
function storeExamplePath(): string {
  const local = resolve("config.example.yaml");
  return existsSync(local) ? local : examplePath();
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    process.stderr.write(`fatal: ${(err as Error)?.stack ?? err}\n`);
    process.exit(1);
  },
);
