import { createHash } from "node:crypto";
import type { Config } from "../config/index.ts";
import { maskSecret } from "../logging/redact.ts";
import { providers } from "../providers/index.ts";
import type { ProviderId } from "../providers/types.ts";
import type { Credential, ModelMapping } from "./credential.ts";

/** Credentials for every API key in the config, in config order. */
export function credentialsFromConfig(config: Config): Credential[] {
  const out: Credential[] = [];
  const globalProxy = config["proxy-url"] ?? "";

  const keyed = [
    ["claude", config["claude-api-key"]],
    ["gemini", config["gemini-api-key"]],
    ["codex", config["codex-api-key"]],
  ] as const;
  for (const [provider, entries] of keyed) {
    for (const e of entries ?? []) {
      if (!e["api-key"]) continue;
      out.push(
        build(provider, provider, e["api-key"], {
          baseUrl: e["base-url"],
          proxyUrl: e["proxy-url"] || globalProxy,
          headers: e.headers,
          prefix: e.prefix,
          priority: e.priority,
          weight: e.weight,
          models: mappings(e.models),
          excludedModels: e["excluded-models"],
        }),
      );
    }
  }

  for (const compat of config["openai-compatibility"] ?? []) {
    if (compat.disabled) continue;
    for (const entry of compat["api-key-entries"] ?? []) {
      out.push(
        build("openai-compatibility", compat.name, entry["api-key"], {
          baseUrl: compat["base-url"],
          proxyUrl: entry["proxy-url"] || globalProxy,
          headers: compat.headers,
          prefix: compat.prefix,
          priority: compat.priority,
          weight: entry.weight,
          models: mappings(compat.models),
          excludedModels: [],
        }),
      );
    }
  }
  // A weight of zero or less takes a key out of rotation (as in the original).
  return out.filter((c) => c.weight > 0);
}

interface EntryOptions {
  baseUrl?: string;
  proxyUrl?: string;
  headers?: Record<string, string>;
  prefix?: string;
  priority?: number;
  weight?: number;
  models: ModelMapping[];
  excludedModels?: string[];
}

function build(provider: ProviderId, providerName: string, apiKey: string, o: EntryOptions): Credential {
  const hash = createHash("sha256").update(apiKey).digest("hex").slice(0, 10);
  return {
    id: `${provider}:${providerName}:${hash}`,
    provider,
    providerName,
    label: `${providerName} ${maskSecret(apiKey)}`,
    apiKey,
    baseUrl: o.baseUrl || providers[provider].defaultBaseUrl,
    proxyUrl: o.proxyUrl ?? "",
    headers: o.headers ?? {},
    prefix: trimSlashes(o.prefix ?? ""),
    priority: o.priority ?? 0,
    weight: o.weight ?? 1,
    models: o.models,
    excludedModels: o.excludedModels ?? [],
  };
}

function mappings(models: Array<{ name: string; alias?: string }> | undefined): ModelMapping[] {
  return (models ?? []).filter((m) => m.name).map((m) => ({ name: m.alias || m.name, upstream: m.name }));
}

function trimSlashes(s: string): string {
  return s.trim().replace(/^\/+|\/+$/g, "");
}
