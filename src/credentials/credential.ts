import type { ThinkingSupport } from "../providers/catalog.ts";
import type { ProviderId } from "../providers/types.ts";
import type { ErrorRule } from "./error-rules.ts";

/** A client-facing model name served by a credential, and the upstream name it maps to. */
export interface ModelMapping {
  /** Name clients use (the alias, or the upstream name when no alias is set). */
  name: string;
  /** Name sent upstream. */
  upstream: string;
  /** From config `display-name` / `max-context-length`, shown in model lists. */
  displayName?: string;
  contextLength?: number;
  /** From config `thinking`: the model's exact reasoning range (overrides the catalog). */
  thinking?: ThinkingSupport;
}

/**
 * One upstream account: an API key from config.yaml, or an OAuth account file from auth-dir
 * (`kind: "oauth"`, whose `apiKey` is the current access token). Built once per config load or
 * file change; never mutated on the request path (a token refresh builds a new record).
 */
export interface Credential {
  /** Stable, non-secret id: provider, entry name and a short hash of the key. */
  id: string;
  provider: ProviderId;
  /** For openai-compatibility: the entry's `name`, usable as `name://model`. */
  providerName: string;
  /** Safe to show: provider name and masked key. */
  label: string;
  apiKey: string;
  baseUrl: string;
  /** Per-key proxy, or the global one, or '' for direct. */
  proxyUrl: string;
  /** Extra headers from config, sent with every upstream call. */
  headers: Record<string, string>;
  /** When set, models are also (or, with force-model-prefix, only) served as `prefix/model`. */
  prefix: string;
  /** Higher buckets are tried first. */
  priority: number;
  weight: number;
  /** Explicit model list; when empty the provider's built-in catalog applies. */
  models: ModelMapping[];
  /** Patterns (with `*` wildcards) of models this key must not serve. */
  excludedModels: string[];
  /** `disable-cooling` for this key (its own setting, else the global one); unset = the global one. */
  disableCooling?: boolean;
  /** Compiled `request-scoped-errors` (or the OAuth channel's `oauth-request-scoped-errors`). */
  errorRules?: readonly ErrorRule[];
  /** Where it comes from: an API key in config.yaml (the default when unset) or an OAuth file in auth-dir. */
  kind?: "api-key" | "oauth";
  /**
   * Account facts an OAuth upstream needs besides the token, e.g. `account_id` (Codex), and
   * `auth_file`: the file in auth-dir it was read from.
   */
  attributes?: Readonly<Record<string, string>>;
}
