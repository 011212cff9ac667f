import type { Config } from "../config/index.ts";
import type { Credential, ModelMapping } from "../credentials/credential.ts";
import { compileErrorRules, type ErrorRule } from "../credentials/error-rules.ts";
import { maskSecret } from "../logging/redact.ts";
import { catalogs } from "../providers/catalog.ts";
import { providers } from "../providers/index.ts";
import type { AuthFile } from "./auth-file.ts";
import type { AccountFields, AuthKind } from "./auth-kind.ts";

/**
 * The routing record of one account file. The id depends on the file name only, so a token
 * refresh keeps the account's cooldowns and round-robin place. The file's own `prefix`,
 * `priority`, `weight`, `headers` and `proxy_url` apply to it alone. Config applies per channel
 * (the file's type): `oauth-excluded-models` and `oauth-model-alias`; the global `proxy-url`
 * unless the file has its own `proxy_url`.
 */
export function buildCredential(
  file: AuthFile,
  kind: AuthKind,
  fields: AccountFields,
  config: Config,
): Credential {
  const provider = providers[kind.provider];
  const who = file.email || file.name;
  return {
    id: credentialIdFor(kind.type, file.name),
    provider: kind.provider,
    providerName: kind.provider,
    label: `${kind.type} ${who} ${maskSecret(fields.accessToken)}`,
    apiKey: fields.accessToken,
    baseUrl: fields.baseUrl || provider.defaultBaseUrl,
    proxyUrl: proxyFor(file.proxyUrl, config["proxy-url"] ?? ""),
    headers: file.headers,
    prefix: file.prefix,
    priority: file.priority,
    weight: file.weight,
    models: aliasedModels(kind, config),
    excludedModels: [...file.excludedModels, ...(config["oauth-excluded-models"][kind.type] ?? [])],
    ...channelErrorRules(config, kind.type, kind.provider),
    kind: "oauth",
    attributes: { ...fields.attributes, auth_file: file.name },
  };
}

export function credentialIdFor(type: string, fileName: string): string {
  return `${type}:file:${fileName}`;
}

/** A file's own proxy wins; `direct`/`none` opts out of the global one. */
function proxyFor(own: string, global: string): string {
  if (own === "") return global;
  const lower = own.toLowerCase();
  return lower === "direct" || lower === "none" ? "" : own;
}

/**
 * `oauth-model-alias` for the channel: the catalog with renamed models (`fork` keeps the
 * original name too), plus aliases of models outside the catalog. No aliases: an empty list,
 * so the registry serves the provider's catalog as is.
 */
function aliasedModels(kind: AuthKind, config: Config): ModelMapping[] {
  const aliases = (config["oauth-model-alias"][kind.type] ?? []).filter((a) => a.name && a.alias);
  if (aliases.length === 0) return [];
  const out: ModelMapping[] = [];
  const catalog = catalogs[kind.provider] ?? [];
  for (const model of catalog) {
    const renames = aliases.filter((a) => a.name === model.id);
    if (renames.length === 0 || renames.some((a) => a.fork)) out.push({ name: model.id, upstream: model.id });
    for (const a of renames) out.push(mapping(a.alias, model.id, a["display-name"]));
  }
  for (const a of aliases) {
    if (!catalog.some((m) => m.id === a.name)) out.push(mapping(a.alias, a.name, a["display-name"]));
  }
  return out;
}

function mapping(name: string, upstream: string, displayName: string): ModelMapping {
  return displayName ? { name, upstream, displayName } : { name, upstream };
}

/** The upstream model names a credential serves (to cool all of them at once). */
export function upstreamModelsOf(cred: Credential): string[] {
  if (cred.models.length > 0) return [...new Set(cred.models.map((m) => m.upstream))];
  return (catalogs[cred.provider] ?? []).map((m) => m.id);
}

/** Compiled once per rules list of a config (2,000 accounts of one channel share it). */
const compiledRules = new WeakMap<object, ErrorRule[] | undefined>();

/** `oauth-request-scoped-errors` of the account's channel (its file type, else its provider id). */
function channelErrorRules(config: Config, type: string, provider: string): { errorRules?: ErrorRule[] } {
  const byChannel = config["oauth-request-scoped-errors"];
  const rules = byChannel[type] ?? byChannel[provider];
  if (!rules) return {};
  if (!compiledRules.has(rules)) compiledRules.set(rules, compileErrorRules(rules));
  const errorRules = compiledRules.get(rules);
  return errorRules ? { errorRules } : {};
}
