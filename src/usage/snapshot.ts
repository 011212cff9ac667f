/**
 * The usage statistics snapshot in the Go original's shape (see report.ts), built from the
 * store: totals from detail and hourly rows together, details from the detail rows.
 */
import { reportModel } from "./record.ts";
import type { UsageRecorder } from "./recorder.ts";
import type { StoredRecord } from "./store.ts";

export interface TokenStats {
  input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cached_tokens: number;
  total_tokens: number;
}

/** One request. The first six fields are the Go original's; the rest are ours. */
export interface RequestDetail {
  timestamp: string;
  latency_ms: number;
  /** The credential's safe label (the original put the account or upstream key here). */
  source: string;
  /** The credential id. */
  auth_index: string;
  tokens: TokenStats;
  failed: boolean;
  id: string;
  origin: string;
  api_key_hash: string;
  provider: string;
  model_requested: string;
  model_served: string;
  format: string;
  stream: boolean;
  status_code: number;
  ttft_ms?: number;
}

export interface ModelSnapshot {
  total_requests: number;
  total_tokens: number;
  details: RequestDetail[];
}

export interface ApiSnapshot {
  total_requests: number;
  total_tokens: number;
  models: Record<string, ModelSnapshot>;
}

export interface StatisticsSnapshot {
  total_requests: number;
  success_count: number;
  failure_count: number;
  total_tokens: number;
  apis: Record<string, ApiSnapshot>;
  requests_by_day: Record<string, number>;
  requests_by_hour: Record<string, number>;
  tokens_by_day: Record<string, number>;
  tokens_by_hour: Record<string, number>;
}

/** Name under `apis` for requests made without a client key (access open). */
export const ANONYMOUS_API = "anonymous";

/** The statistics snapshot; `detailsPerModel` undefined keeps every detail row. */
export function snapshot(recorder: UsageRecorder, detailsPerModel: number | undefined): StatisticsSnapshot {
  const db = recorder.database();
  const out: StatisticsSnapshot = {
    total_requests: 0,
    success_count: 0,
    failure_count: 0,
    total_tokens: 0,
    apis: {},
    requests_by_day: {},
    requests_by_hour: {},
    tokens_by_day: {},
    tokens_by_hour: {},
  };
  const names = new ApiNames();
  for (const t of db.totalsByApiModel()) {
    out.total_requests += t.requests;
    out.failure_count += t.failures;
    out.total_tokens += t.tokens;
    const name = names.of(t.apiKeyHash, t.apiKeyMasked);
    let api = out.apis[name];
    if (!api) {
      api = { total_requests: 0, total_tokens: 0, models: {} };
      out.apis[name] = api;
    }
    api.total_requests += t.requests;
    api.total_tokens += t.tokens;
    api.models[t.model] = { total_requests: t.requests, total_tokens: t.tokens, details: [] };
  }
  out.success_count = out.total_requests - out.failure_count;

  for (const r of db.details(detailsPerModel)) {
    const model = out.apis[names.of(r.apiKeyHash, r.apiKeyMasked)]?.models[reportModel(r)];
    model?.details.push(toDetail(r));
  }

  for (const h of db.totalsByLocalHour()) {
    const day = h.localHour.slice(0, 10);
    const hour = h.localHour.slice(11, 13);
    out.requests_by_day[day] = (out.requests_by_day[day] ?? 0) + h.requests;
    out.tokens_by_day[day] = (out.tokens_by_day[day] ?? 0) + h.tokens;
    out.requests_by_hour[hour] = (out.requests_by_hour[hour] ?? 0) + h.requests;
    out.tokens_by_hour[hour] = (out.tokens_by_hour[hour] ?? 0) + h.tokens;
  }
  return out;
}

export function toDetail(r: StoredRecord): RequestDetail {
  const d: RequestDetail = {
    timestamp: new Date(r.time).toISOString(),
    latency_ms: r.latencyMs,
    source: r.credentialLabel,
    auth_index: r.credentialId,
    tokens: {
      input_tokens: r.inputTokens,
      output_tokens: r.outputTokens,
      reasoning_tokens: r.reasoningTokens,
      cached_tokens: r.cachedTokens,
      total_tokens: r.inputTokens + r.outputTokens,
    },
    failed: r.failed,
    id: r.id,
    origin: r.origin,
    api_key_hash: r.apiKeyHash,
    provider: r.provider,
    model_requested: r.modelRequested,
    model_served: r.modelServed,
    format: String(r.format),
    stream: r.stream,
    status_code: r.status,
  };
  if (r.ttftMs !== undefined) d.ttft_ms = r.ttftMs;
  return d;
}

/**
 * Masked keys name the `apis` entries. Two keys that mask alike get the hash appended, so they
 * never merge into one entry.
 */
export class ApiNames {
  private readonly byHash = new Map<string, string>();
  private readonly taken = new Set<string>();

  of(hash: string, masked: string): string {
    let name = this.byHash.get(hash);
    if (name !== undefined) return name;
    name = hash === "" ? ANONYMOUS_API : masked || hash;
    if (this.taken.has(name)) name = `${name}#${hash.slice(0, 8)}`;
    this.byHash.set(hash, name);
    this.taken.add(name);
    return name;
  }
}
