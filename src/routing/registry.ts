import type { Credential } from "../credentials/credential.ts";
import { type CatalogModel, catalogs } from "../providers/catalog.ts";
import type { ProviderId } from "../providers/types.ts";
import { matchesPattern, splitForcedProvider, splitThinkingSuffix } from "./model-name.ts";

/** One way to serve a request: this credential, calling upstream with this model name. */
export interface Candidate {
  cred: Credential;
  upstreamModel: string;
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
      for (const { name, upstream, info } of servedModels(cred)) {
        const names = cred.prefix ? [`${cred.prefix}/${name}`] : [name];
        if (cred.prefix && !opts.forceModelPrefix) names.push(name);
        for (const n of names) {
          this.add(n, { cred, upstreamModel: upstream });
          if (!this.listed.has(n)) {
            this.listed.set(n, {
              id: n,
              ownedBy: cred.providerName,
              provider: cred.provider,
              displayName: info?.displayName ?? name,
              contextLength: info?.contextLength,
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

  /** Candidates for the model string a client sent, or undefined when nothing serves it. */
  resolve(requested: string): Resolution | undefined {
    const { base, thinking } = splitThinkingSuffix(requested);
    const exact = this.byName.get(base);
    if (exact) return { key: base, candidates: exact, thinking };

    const forced = splitForcedProvider(base);
    if (forced) {
      const [want, model] = forced;
      const candidates = this.credentials
        .filter((c) => c.providerName.toLowerCase() === want || PROVIDER_ALIASES[want] === c.provider)
        .filter((c) => !c.excludedModels.some((p) => matchesPattern(p, model)))
        .map((cred) => ({ cred, upstreamModel: upstreamName(cred, model) }));
      if (candidates.length > 0) return { key: base, candidates, thinking };
    }
    return undefined;
  }

  /** Every model with at least one credential, in registration order. */
  list(): ListedModel[] {
    return [...this.listed.values()];
  }

  get(name: string): ListedModel | undefined {
    return this.listed.get(splitThinkingSuffix(name).base);
  }
}

/** Through `name://model`, an alias still maps to its upstream name; anything else passes as is. */
function upstreamName(cred: Credential, model: string): string {
  return cred.models.find((m) => m.name === model)?.upstream ?? model;
}

function servedModels(cred: Credential): Array<{ name: string; upstream: string; info?: CatalogModel }> {
  const catalog = catalogs[cred.provider] ?? [];
  if (cred.models.length > 0) {
    return cred.models.map((m) => ({ ...m, info: catalog.find((c) => c.id === m.upstream) }));
  }
  return catalog
    .filter((c) => !cred.excludedModels.some((p) => matchesPattern(p, c.id)))
    .map((c) => ({ name: c.id, upstream: c.id, info: c }));
}
