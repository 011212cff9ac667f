import { createHash } from "node:crypto";
import type { Config, ModelAlias } from "../config/index.ts";
import { maskSecret } from "../logging/redact.ts";
import type { ReasoningEffort } from "../protocols/ir.ts";
import type { ThinkingSupport } from "../providers/catalog.ts";
import { providers } from "../providers/index.ts";
import type { ProviderId } from "../providers/types.ts";
import type { Credential, ModelMapping } from "./credential.ts";
import { compileErrorRules, type ErrorRule } from "./error-rules.ts";

/** Credentials for every API key in the config, in config order. */
export function credentialsFromConfig(config: Config): Credential[] {
  const out: Credential[] = [];
  const globalProxy = config["proxy-url"] ?? "";
  const globalNoCooling = config["disable-cooling"];

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
          proxyUrl: proxyFor(e["proxy-url"], globalProxy),
          headers: e.headers,
          prefix: e.prefix,
          priority: e.priority,
          weight: e.weight,
          models: mappings(e.models),
          excludedModels: e["excluded-models"],
          disableCooling: e["disable-cooling"] ?? globalNoCooling,
          errorRules: compileErrorRules(e["request-scoped-errors"]),
        }),
      );
    }
  }

  for (const compat of config["openai-compatibility"] ?? []) {
    if (compat.disabled) continue;
    const errorRules = compileErrorRules(compat["request-scoped-errors"]);
    for (const entry of compat["api-key-entries"] ?? []) {
      out.push(
        build("openai-compatibility", compat.name, entry["api-key"], {
          baseUrl: compat["base-url"],
          proxyUrl: proxyFor(entry["proxy-url"], globalProxy),
          headers: compat.headers,
          prefix: compat.prefix,
          priority: compat.priority,
          weight: entry.weight,
          models: mappings(compat.models),
          excludedModels: [],
          disableCooling: compat["disable-cooling"] ?? globalNoCooling,
          errorRules,
        }),
      );
    }
  }
  // A weight of zero or less takes a key out of rotation (as in the original).
  return out.filter((c) => c.weight > 0);
}

/** A key's own proxy wins; `direct`/`none` opts out of the global one. */
function proxyFor(own: string | undefined, global: string): string {
  const v = own?.trim() ?? "";
  if (v === "") return global;
  const lower = v.toLowerCase();
  return lower === "direct" || lower === "none" ? "" : v;
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
  disableCooling: boolean;
  errorRules?: ErrorRule[];
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
    disableCooling: o.disableCooling,
    ...(o.errorRules ? { errorRules: o.errorRules } : {}),
  };
}

function mappings(models: ModelAlias[] | undefined): ModelMapping[] {
  const out: ModelMapping[] = [];
  for (const m of models ?? []) {
    if (!m.name) continue;
    const mapping: ModelMapping = { name: m.alias || m.name, upstream: m.name };
    if (m["display-name"]) mapping.displayName = m["display-name"];
    if (m["max-context-length"]) mapping.contextLength = m["max-context-length"];
    if (m.thinking) mapping.thinking = thinkingSupport(m.thinking);
    out.push(mapping);
  }
  return out;
}

const EFFORT_ORDER: ReasoningEffort[] = ["none", "minimal", "low", "medium", "high", "xhigh", "max"];

/** Config `thinking: {min, max, zero-allowed, dynamic-allowed, levels}` -> ThinkingSupport. */
function thinkingSupport(t: NonNullable<ModelAlias["thinking"]>): ThinkingSupport {
  const out: ThinkingSupport = {};
  if (t.min !== undefined) out.min = t.min;
  if (t.max !== undefined) out.max = t.max;
  if (t["zero-allowed"] !== undefined) out.zeroAllowed = t["zero-allowed"];
  if (t["dynamic-allowed"] !== undefined) out.dynamicAllowed = t["dynamic-allowed"];
  const levels = new Set(t.levels.map((l) => l.trim().toLowerCase()));
  if (levels.size > 0) out.levels = EFFORT_ORDER.filter((e) => levels.has(e));
  return out;
}

function trimSlashes(s: string): string {
  return s.trim().replace(/^\/+|\/+$/g, "");
}
