import type { Config } from "../config/index.ts";
import { CooldownTracker, cooldownPolicy } from "../credentials/cooldown.ts";
import type { Credential } from "../credentials/credential.ts";
import { credentialsFromConfig } from "../credentials/from-config.ts";
import { type RoutingStrategy, Scheduler } from "../credentials/scheduler.ts";
import { SessionAffinity } from "../credentials/session-affinity.ts";
import { ModelRegistry } from "../routing/registry.ts";
import { pruneDispatchers } from "../upstream/dispatchers.ts";
import type { ObservationSinks } from "../usage/call-observer.ts";

/**
 * Everything a request needs that depends on the config. `apply` swaps it atomically on
 * reload; a request reads the fields once at its start, so an in-flight request keeps a
 * consistent view. Cooldowns and round-robin cursors survive reloads.
 */
export class Runtime {
  config!: Config;
  registry!: ModelRegistry;
  apiKeys!: ReadonlySet<string>;
  bodyLimitBytes = 0;
  /** The config.yaml this runtime was loaded from ('' when built in memory); set by startProxy. */
  configPath = "";
  /** Where each call's usage, metrics and request log go (set up by startProxy). */
  observe: ObservationSinks = {};
  readonly scheduler = new Scheduler();
  readonly cooldowns = new CooldownTracker();
  /** Session bindings (`routing.session-affinity`); kept across reloads that leave routing as it was. */
  readonly affinity = new SessionAffinity();
  /** Credentials that come from outside config.yaml (OAuth files), merged into the registry. */
  private extraCredentials: Credential[] = [];

  constructor(config: Config) {
    this.apply(config);
  }

  apply(config: Config): void {
    this.config = config;
    this.apiKeys = new Set(config["api-keys"].filter((k) => k.length > 0));
    this.bodyLimitBytes = config["body-limit-mb"] * 1024 * 1024;
    this.scheduler.strategy = config.routing.strategy as RoutingStrategy;
    this.affinity.configure(config.routing);
    this.rebuild();
  }

  setExtraCredentials(creds: Credential[]): void {
    this.extraCredentials = creds;
    this.rebuild();
  }

  private rebuild(): void {
    const creds = [...credentialsFromConfig(this.config), ...this.extraCredentials];
    this.registry = new ModelRegistry(creds, { forceModelPrefix: this.config["force-model-prefix"] });
    this.cooldowns.configure(cooldownPolicy(this.config, creds));
    void pruneDispatchers(new Set(creds.map((c) => c.proxyUrl).filter(Boolean)));
  }
}
