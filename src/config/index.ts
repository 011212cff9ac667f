// Public API of the config module: schema and types, loading, comment-preserving edits,
// hot reload and first-run bootstrap.

export { writeFileAtomic } from "./atomic-write.ts";
export { ensureConfigFile } from "./bootstrap.ts";
export { isGoDuration, parseGoDuration } from "./duration.ts";
export { ConfigError } from "./errors.ts";
export { expandHome } from "./home.ts";
export { type LoadedConfig, loadConfigFile, parseConfigText } from "./load.ts";
export { readSettledText } from "./read-settled.ts";
export {
  type ClaudeKey,
  type CodexKey,
  type Config,
  configSchema,
  DEFAULT_AUTH_DIR,
  DEFAULT_BODY_LIMIT_MB,
  DEFAULT_PANEL_REPOSITORY,
  DEFAULT_PORT,
  type GeminiKey,
  type ModelAlias,
  type OAuthModelAlias,
  type OpenAICompatibility,
  type OpenAICompatibilityKey,
  type PayloadConfig,
  type RequestScopedErrorRule,
  ROUTING_STRATEGIES,
  type RoutingStrategy,
  type VertexKey,
} from "./schema.ts";
export { MAX_CREDENTIAL_WEIGHT } from "./schema-providers.ts";
export { type ConfigWatcher, type WatchOptions, watchConfigFile } from "./watch.ts";
export { type ConfigDocument, type DocumentPath, deleteIn, setIn, updateConfigFile } from "./write.ts";
