import type { Config } from "../config/index.ts";
import { Runtime } from "../proxy/runtime.ts";

// With a store, auth-dir is the mirror's auths/ folder whatever config.yaml says (the Go
// original sets it in memory after each load; the file keeps its own value, so one config can
// serve instances with different mirrors). Every config that reaches the runtime goes through here.

export function pinAuthDir(config: Config, authDir: string | undefined): Config {
  return authDir && config["auth-dir"] !== authDir ? { ...config, "auth-dir": authDir } : config;
}

/** A Runtime whose every apply (reloads and management writes included) keeps `authDir`. */
export function runtimeWithAuthDir(config: Config, authDir: string | undefined): Runtime {
  if (!authDir) return new Runtime(config);
  class PinnedRuntime extends Runtime {
    override apply(next: Config): void {
      super.apply(pinAuthDir(next, authDir));
    }
  }
  return new PinnedRuntime(config);
}
