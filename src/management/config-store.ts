import { resolve } from "node:path";
import {
  type ConfigDocument,
  type LoadedConfig,
  parseConfigText,
  updateConfigFile,
  writeFileAtomic,
} from "../config/index.ts";
import type { Runtime } from "../proxy/runtime.ts";
import { ManagementError } from "./errors.ts";

// Every management write goes through here: one at a time per file, validated before the file
// is replaced (atomically, comments kept), then applied to the runtime at once so the next GET
// sees it. The config watcher will also notice the file change; applying the same config twice
// is harmless.

const queues = new Map<string, Promise<unknown>>();

function serialized<T>(file: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(file) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.catch(() => {});
  queues.set(file, settled);
  void settled.then(() => {
    if (queues.get(file) === settled) queues.delete(file);
  });
  return run;
}

function configPathOf(rt: Runtime): string {
  if (!rt.configPath) {
    throw new ManagementError(
      503,
      "the running config was not loaded from a file; it cannot be changed here",
    );
  }
  return rt.configPath;
}

/**
 * Edits config.yaml through `mutate` (which may throw a ManagementError to refuse the change;
 * the file is then untouched) and applies the result. A change that would make the config
 * invalid throws ConfigError, and nothing is written.
 */
export function editConfig(
  rt: Runtime,
  mutate: (doc: ConfigDocument) => void | Promise<void>,
  path: string = configPathOf(rt),
): Promise<LoadedConfig> {
  return serialized(resolve(path), async () => {
    const loaded = await updateConfigFile(path, mutate);
    rt.apply(loaded.config);
    return loaded;
  });
}

/** Replaces config.yaml with `text` as given (comments and layout are the sender's), after validating it. */
export function replaceConfigText(rt: Runtime, text: string): Promise<LoadedConfig> {
  const path = configPathOf(rt);
  return serialized(resolve(path), async () => {
    const loaded = parseConfigText(text, "config.yaml");
    await writeFileAtomic(path, text);
    rt.apply(loaded.config);
    return loaded;
  });
}
