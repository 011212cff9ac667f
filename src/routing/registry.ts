import type { Credential, ModelMapping } from "../credentials/credential.ts";
import { type CatalogModel, catalogs, findCatalogModel } from "../providers/catalog.ts";
import type { ProviderId } from "../providers/types.ts";
import { matchesPattern, splitForcedProvider, splitThinkingSuffix } from "./model-name.ts";
import { type ModelCaps, parseThinkingSuffix } from "./thinking-suffix.ts";

/** One way to serve a request: this credential, calling upstream with this model name. */
export interface Candidate {
  cred: Credential;
  upstreamModel: string;
  /** What the upstream model accepts (thinking range, output ceiling); undefined when unknown. */
  caps?: ModelCaps;
}

export interface Resolution {
  /** Client-facing model name without thinking suffix; the scheduler's cursor key. */
  key: string;
  candidates: Candidate[];
  /** Thinking suffix text, e.g. "high", "8192", "none". */
  thinking?: string;
}

/** A model as listed by /v1/models and friends. */
export interface ListedModel {
  id: string;
  ownedBy: string;
  provider: ProviderId;
  displayName: string;
  contextLength?: number;
  created: number;
}

/** Words clients use to force a provider, beyond the provider ids and openai-compatibility names. */
const PROVIDER_ALIASES: Record<string, ProviderId> = {
  anthropic: "claude",
  claude: "claude",
  gemini: "gemini",
  google: "gemini",
  codex: "codex",
  openai: "codex",
};

/**
 * Which credentials serve which client-facing model names. Immutable; rebuilt on config reload.
 */
export class ModelRegistry {
  private readonly byName = new Map<string, Candidate[]>();
  private readonly listed = new Map<string, ListedModel>();
  readonly credentials: readonly Credential[];

  constructor(credentials: Credential[], opts: { forceModelPrefix: boolean }) {
    this.credentials = credentials;
    const created = Math.floor(Date.now() / 1000);
    for (const cred of credentials) {
      for (const served of servedModels(cred)) {
        const { name, upstream, caps } = served;
        const names = cred.prefix ? [`${cred.prefix}/${name}`] : [name];
        if (cred.prefix && !opts.forceModelPrefix) names.push(name);
        for (const n of names) {
          this.add(n, { cred, upstreamModel: upstream, caps });
          if (!this.listed.has(n)) {
            this.listed.set(n, {
              id: n,
              ownedBy: cred.providerName,
              provider: cred.provider,
              displayName: served.displayName,
              contextLength: served.contextLength,
              created,
            });
          }
        }
      }
    }
  }

  private add(name: string, c: Candidate): void {
    const list = this.byName.get(name);
    if (list) list.push(c);
    else this.byName.set(name, [c]);
  }

  /**
   * Candidates for the model string a client sent, or undefined when nothing serves it.
   * Throws a 400 ProxyError for a thinking suffix that means nothing.
   */
  resolve(requested: string): Resolution | undefined {
    // A configured name may itself end in parentheses; it wins over suffix parsing.
    const whole = this.byName.get(requested);
    if (whole) return { key: requested, candidates: whole };

    const { base, thinking } = splitThinkingSuffix(requested);
    let candidates = this.byName.get(base);
    if (!candidates) {
      const forced = splitForcedProvider(base);
      candidates = forced && this.forcedCandidates(forced[0], forced[1]);
    }
    if (!candidates || candidates.length === 0) return undefined;
    parseThinkingSuffix(thinking);
    return { key: base, candidates, thinking: thinking || undefined };
  }

  /** `provider://model`: every credential of that provider (or openai-compatibility name) that does not exclude it. */
  private forcedCandidates(want: string, model: string): Candidate[] {
    const out: Candidate[] = [];
    for (const cred of this.credentials) {
      if (cred.providerName.toLowerCase() !== want && PROVIDER_ALIASES[want] !== cred.provider) continue;
      if (isExcluded(cred, model)) continue;
      const mapping = cred.models.find((m) => m.name === model);
      const upstream = mapping?.upstream ?? model;
      out.push({ cred, upstreamModel: upstream, caps: capsFor(cred, upstream, mapping) });
    }
    return out;
  }

  /** Every model with at least one credential, in registration order. */
  list(): ListedModel[] {
    return [...this.listed.values()];
  }

  get(name: string): ListedModel | undefined {
    return this.listed.get(name) ?? this.listed.get(splitThinkingSuffix(name).base);
  }
}

interface ServedModel {
  name: string;
  upstream: string;
  caps?: ModelCaps;
  displayName: string;
  contextLength?: number;
}

function isExcluded(cred: Credential, name: string): boolean {
  return cred.excludedModels.some((p) => matchesPattern(p, name));
}

/** The configured model list, or the provider's catalog; `excluded-models` applies to both. */
function servedModels(cred: Credential): ServedModel[] {
  const out: ServedModel[] = [];
  if (cred.models.length > 0) {
    for (const m of cred.models) {
      if (isExcluded(cred, m.name) || isExcluded(cred, m.upstream)) continue;
      const info = findCatalogModel(m.upstream, cred.provider);
      out.push({
        name: m.name,
        upstream: m.upstream,
        caps: capsFor(cred, m.upstream, m, info),
        displayName: m.displayName || info?.displayName || m.name,
        contextLength: m.contextLength || info?.contextLength,
      });
    }
    return out;
  }
  for (const info of catalogs[cred.provider] ?? []) {
    if (isExcluded(cred, info.id)) continue;
    out.push({
      name: info.id,
      upstream: info.id,
      caps: { thinking: info.thinking, maxOutputTokens: info.maxOutputTokens },
      displayName: info.displayName,
      contextLength: info.contextLength,
    });
  }
  return out;
}

/** A configured `thinking` range wins; else the catalog's; else unknown. */
function capsFor(
  cred: Credential,
  upstream: string,
  mapping: ModelMapping | undefined,
  info: CatalogModel | undefined = findCatalogModel(upstream, cred.provider),
): ModelCaps | undefined {
  if (mapping?.thinking) return { thinking: mapping.thinking, maxOutputTokens: info?.maxOutputTokens };
  return info && { thinking: info.thinking, maxOutputTokens: info.maxOutputTokens };
}
