import { expandHome } from "./home.ts";
import type { ConfigPath } from "./locate.ts";
import {
  type Config,
  DEFAULT_PANEL_REPOSITORY,
  type ModelAlias,
  type OAuthModelAlias,
  type RequestScopedErrorRule,
} from "./schema.ts";
import { cleanAmpcode } from "./schema-ampcode.ts";

// Clean-ups applied after validation, mirroring the Go original's sanitisers: entries that
// cannot work are dropped (with a warning instead of the original's silence), duplicates
// removed, prefixes normalised, "~" expanded. Paths given to `warn` are the YAML paths, so
// indices are those of the file even after earlier entries were dropped.

export type Warn = (path: ConfigPath, message: string) => void;

const KEY_FAMILIES = [
  "gemini-api-key",
  "interactions-api-key",
  "vertex-api-key",
  "codex-api-key",
  "xai-api-key",
  "claude-api-key",
] as const;

export function normalizeConfig(config: Config, warn: Warn): Config {
  config["auth-dir"] = expandHome(config["auth-dir"]);
  const management = config["remote-management"];
  if (management["panel-github-repository"] === "")
    management["panel-github-repository"] = DEFAULT_PANEL_REPOSITORY;

  config["api-keys"] = cleanClientKeys(config["api-keys"], warn);
  for (const family of KEY_FAMILIES) cleanKeyFamily(config, family, warn);
  config["openai-compatibility"] = cleanCompatibility(config["openai-compatibility"], warn);

  for (const [channel, aliases] of Object.entries(config["oauth-model-alias"])) {
    config["oauth-model-alias"][channel] = cleanOAuthAliases(aliases, ["oauth-model-alias", channel], warn);
  }
  for (const [channel, rules] of Object.entries(config["oauth-request-scoped-errors"])) {
    config["oauth-request-scoped-errors"][channel] = cleanRules(
      rules,
      ["oauth-request-scoped-errors", channel],
      warn,
    );
  }
  cleanAmpcode(config.ampcode, warn);
  return config;
}

function cleanClientKeys(keys: string[], warn: Warn): string[] {
  const out = new Set<string>();
  keys.forEach((key, i) => {
    if (key === "") warn(["api-keys", i], "empty key; ignored");
    else out.add(key);
  });
  return [...out];
}

function cleanKeyFamily<F extends (typeof KEY_FAMILIES)[number]>(
  config: Config,
  family: F,
  warn: Warn,
): void {
  const seen = new Map<string, number>();
  const kept: Config[F] = [];
  config[family].forEach((entry, i) => {
    const path = [family, i];
    if (entry["api-key"] === "") {
      warn(path, "entry has no api-key; ignored");
      return;
    }
    entry.prefix = cleanPrefix(entry.prefix, [...path, "prefix"], warn);
    entry.models = cleanModels(entry.models, [...path, "models"], warn);
    entry["request-scoped-errors"] = cleanRules(
      entry["request-scoped-errors"],
      [...path, "request-scoped-errors"],
      warn,
    );
    const identity = JSON.stringify([
      entry["api-key"],
      entry["base-url"],
      entry["proxy-url"],
      entry.prefix,
      Object.entries(entry.headers).sort(),
    ]);
    const first = seen.get(identity);
    if (first !== undefined) {
      warn(path, `duplicate of ${family}[${first}]; ignored`);
      return;
    }
    seen.set(identity, i);
    kept.push(entry as never);
  });
  config[family] = kept;
}

function cleanCompatibility(
  providers: Config["openai-compatibility"],
  warn: Warn,
): Config["openai-compatibility"] {
  const kept: Config["openai-compatibility"] = [];
  providers.forEach((provider, i) => {
    const path = ["openai-compatibility", i];
    if (provider.name === "") {
      warn(path, "provider has no name; ignored");
      return;
    }
    if (provider["base-url"] === "") {
      warn(path, `provider "${provider.name}" has no base-url; ignored`);
      return;
    }
    provider.prefix = cleanPrefix(provider.prefix, [...path, "prefix"], warn);
    provider["api-key-entries"] = provider["api-key-entries"].filter((entry, j) => {
      if (entry["api-key"] !== "") return true;
      warn([...path, "api-key-entries", j], "entry has no api-key; ignored");
      return false;
    });
    provider.models = cleanModels(provider.models, [...path, "models"], warn);
    provider["request-scoped-errors"] = cleanRules(
      provider["request-scoped-errors"],
      [...path, "request-scoped-errors"],
      warn,
    );
    kept.push(provider);
  });
  return kept;
}

/** A prefix is one path segment ("team-a"); surrounding slashes are dropped. */
function cleanPrefix(prefix: string, path: ConfigPath, warn: Warn): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, "");
  if (trimmed.includes("/")) {
    warn(path, `prefix "${prefix}" must not contain "/"; ignored`);
    return "";
  }
  return trimmed;
}

function cleanModels<M extends ModelAlias>(models: M[], path: ConfigPath, warn: Warn): M[] {
  return models.filter((model, i) => {
    if (model.name !== "") return true;
    warn([...path, i], "model has no name; ignored");
    return false;
  });
}

function cleanRules(rules: RequestScopedErrorRule[], path: ConfigPath, warn: Warn): RequestScopedErrorRule[] {
  return rules.filter((rule, i) => {
    if (rule.match.some(Boolean) || rule["match-regexr"].some(Boolean)) return true;
    warn([...path, i], "rule has neither match nor match-regexr; ignored");
    return false;
  });
}

function cleanOAuthAliases(aliases: OAuthModelAlias[], path: ConfigPath, warn: Warn): OAuthModelAlias[] {
  const seen = new Set<string>();
  return aliases.filter((entry, i) => {
    const at = [...path, i];
    if (entry.name === "" || entry.alias === "") {
      warn(at, "needs both name and alias; ignored");
      return false;
    }
    const alias = entry.alias.toLowerCase();
    if (alias === entry.name.toLowerCase()) {
      warn(at, "alias equals name; ignored");
      return false;
    }
    if (seen.has(alias)) {
      warn(at, `alias "${entry.alias}" is already defined for this channel; ignored`);
      return false;
    }
    seen.add(alias);
    return true;
  });
}
