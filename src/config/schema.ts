import { z } from "zod";
import {
  duration,
  flag,
  integer,
  integerClampedBelow,
  listOf,
  oneOf,
  optionalFlag,
  section,
  textList,
  textOr,
} from "./fields.ts";
import { ampcodeSchema } from "./schema-ampcode.ts";
import { payloadSchema } from "./schema-payload.ts";
import {
  claudeKeySchema,
  codexKeySchema,
  geminiKeySchema,
  oauthExcludedModelsSchema,
  oauthModelAliasMapSchema,
  oauthRequestScopedErrorsSchema,
  openAICompatibilitySchema,
  vertexKeySchema,
} from "./schema-providers.ts";

// The whole config.yaml. Keys, nesting and defaults follow the Go original (CLIProxyAPI);
// docs/CONFIG.md documents each key. Where the original's README and code disagree on a
// default, the choice is noted beside the key.

export const DEFAULT_PORT = 8317;
export const DEFAULT_AUTH_DIR = "~/.cli-proxy-api";
export const DEFAULT_PANEL_REPOSITORY = "https://github.com/router-for-me/Cli-Proxy-API-Management-Center";
export const DEFAULT_BODY_LIMIT_MB = 50;

export const ROUTING_STRATEGIES = ["round-robin", "fill-first", "weighted-round-robin"] as const;

/** Legacy API keys are folded into `api-key-entries` (after the explicit ones, without duplicates). */
const openAICompatibility = openAICompatibilitySchema.transform(({ "api-keys": legacy, ...provider }) => {
  if (legacy.length === 0) return provider;
  const seen = new Set(provider["api-key-entries"].map((e) => e["api-key"]));
  const folded = [...provider["api-key-entries"]];
  for (const key of legacy) {
    if (key === "" || seen.has(key)) continue;
    seen.add(key);
    folded.push({ "api-key": key, weight: undefined, "proxy-url": "" });
  }
  return { ...provider, "api-key-entries": folded };
});

/** `false` | `true` | "chat" | "passthrough"; the original also takes on/off/yes/no/0/1 spellings. */
const disableImageGeneration = z
  .preprocess(
    (v) => (typeof v === "boolean" || typeof v === "number" ? String(v) : v),
    oneOf(["false", "true", "chat", "passthrough"], {
      "": "false",
      "0": "false",
      off: "false",
      no: "false",
      "1": "true",
      on: "true",
      yes: "true",
    }),
  )
  .transform((mode) => (mode === "true" ? true : mode === "false" ? false : mode))
  .default(false);

export const configSchema = section({
  /** Interface to bind; "" = all interfaces (IPv4 and IPv6). */
  host: textOr(""),
  port: integer(1, 65535).default(DEFAULT_PORT),
  tls: section({
    enable: flag(false),
    cert: textOr(""),
    key: textOr(""),
  }).prefault({}),
  "remote-management": section({
    "allow-remote": flag(false),
    /** Plaintext or bcrypt hash; empty disables the management API. */
    "secret-key": textOr(""),
    "disable-control-panel": flag(false),
    "disable-auto-update-panel": flag(false),
    "panel-github-repository": textOr(DEFAULT_PANEL_REPOSITORY),
  }).prefault({}),
  /** Where OAuth credential files live; "~" is expanded by the loader. */
  "auth-dir": textOr(DEFAULT_AUTH_DIR),
  /** Keys clients must send; empty = the API is open. */
  "api-keys": textList(),
  debug: flag(false),
  "commercial-mode": flag(false),
  /** Follows the original's code (false), not its older README (true). */
  "logging-to-file": flag(false),
  "logs-max-total-size-mb": integerClampedBelow(0, 0).default(0),
  "error-logs-max-files": integerClampedBelow(0, 10).default(10),
  /** Follows the original's code (false), not its older README (true). */
  "usage-statistics-enabled": flag(false),
  /** Addition: SQLite file of the usage store; "" = <auth-dir>/usage.db. */
  "usage-database": textOr(""),
  /** Addition: days of per-request usage detail kept before compaction into hourly rows; 0 = forever. */
  "usage-retention-days": integer(0).default(30),
  "redis-usage-queue-retention-seconds": integer()
    .transform((n) => (n <= 0 ? 60 : Math.min(n, 3600)))
    .default(60),
  /** Global outbound proxy: http://, https:// or socks5:// URL. */
  "proxy-url": textOr(""),
  "force-model-prefix": flag(false),
  "passthrough-headers": flag(false),
  "request-log": flag(false),
  /** Additional credential retry rounds; the original's code default is 0 (its example sets 3). */
  "request-retry": integer(0).default(0),
  "max-retry-credentials": integerClampedBelow(0, 0).default(0),
  /** Seconds; <= 0 never waits for a cooldown between retry rounds. */
  "max-retry-interval": integer().default(30),
  "disable-cooling": flag(false),
  "save-cooldown-status": flag(false),
  /** 0 = the legacy 60 s cooldown; negative disables transient-error cooldowns. */
  "transient-error-cooldown-seconds": integer().default(0),
  /** <= 0 = the default pool size (16). */
  "auth-auto-refresh-workers": integer().default(0),
  "quota-exceeded": section({
    "switch-project": flag(true),
    "switch-preview-model": flag(true),
    "antigravity-credits": flag(false),
  }).prefault({}),
  routing: section({
    strategy: oneOf(ROUTING_STRATEGIES, {
      roundrobin: "round-robin",
      rr: "round-robin",
      fillfirst: "fill-first",
      ff: "fill-first",
      weightedroundrobin: "weighted-round-robin",
      wrr: "weighted-round-robin",
    }).default("round-robin"),
    "session-affinity": flag(false),
    "session-affinity-ttl": duration("1h"),
  }).prefault({}),
  /** Require a client API key on the WebSocket API; the original defaults to true since v7. */
  "ws-auth": flag(true),
  "nonstream-keepalive-interval": integer().default(0),
  streaming: section({
    "keepalive-seconds": integer().default(0),
    "bootstrap-retries": integer().default(0),
  }).prefault({}),
  "disable-image-generation": disableImageGeneration,
  "gpt-image-2-base-model": textOr(""),
  "video-result-auth-cache-ttl": duration("3h"),
  "disable-claude-cloak-mode": flag(false),
  "claude-code": section({
    "disable-cloaking-model-list": flag(false),
  }).prefault({}),
  "claude-header-defaults": section({
    "user-agent": textOr(""),
    "package-version": textOr(""),
    "runtime-version": textOr(""),
    os: textOr(""),
    arch: textOr(""),
    timeout: textOr(""),
    timezone: textOr(""),
    "stabilize-device-profile": flag(false),
  }).prefault({}),
  "codex-header-defaults": section({
    "user-agent": textOr(""),
    "beta-features": textOr(""),
  }).prefault({}),
  codex: section({
    "identity-confuse": flag(false),
    "disable-codex-cloaking": flag(false),
    "stream-bootstrap-buffering": flag(false),
    "optimize-multi-agent-v2": flag(false),
  }).prefault({}),
  xai: section({
    "inject-x-search": flag(false),
  }).prefault({}),
  antigravity: section({
    "sensitive-words": textList(),
  }).prefault({}),
  "antigravity-signature-cache-enabled": optionalFlag().default(true),
  "antigravity-signature-bypass-strict": flag(false),
  "gemini-api-key": listOf(geminiKeySchema),
  "interactions-api-key": listOf(geminiKeySchema),
  "vertex-api-key": listOf(vertexKeySchema),
  "codex-api-key": listOf(codexKeySchema),
  "xai-api-key": listOf(codexKeySchema),
  "claude-api-key": listOf(claudeKeySchema),
  "openai-compatibility": listOf(openAICompatibility),
  "oauth-excluded-models": oauthExcludedModelsSchema,
  "oauth-model-alias": oauthModelAliasMapSchema,
  "oauth-request-scoped-errors": oauthRequestScopedErrorsSchema,
  payload: payloadSchema.prefault({}),
  /** Amp CLI / Amp IDE integration (src/amp/). */
  ampcode: ampcodeSchema.prefault({}),
  /** Addition (not in the original): largest accepted request body, in MiB. */
  "body-limit-mb": integer(1, 4096).default(DEFAULT_BODY_LIMIT_MB),
});

/** The loaded configuration: every key present, defaults applied, normalised. */
export type Config = z.output<typeof configSchema>;

export type GeminiKey = Config["gemini-api-key"][number];
export type VertexKey = Config["vertex-api-key"][number];
export type CodexKey = Config["codex-api-key"][number];
export type ClaudeKey = Config["claude-api-key"][number];
export type OpenAICompatibility = Config["openai-compatibility"][number];
export type OpenAICompatibilityKey = OpenAICompatibility["api-key-entries"][number];
export type ModelAlias = GeminiKey["models"][number];
export type OAuthModelAlias = Config["oauth-model-alias"][string][number];
export type RequestScopedErrorRule = GeminiKey["request-scoped-errors"][number];
export type RoutingStrategy = Config["routing"]["strategy"];
export type PayloadConfig = Config["payload"];
