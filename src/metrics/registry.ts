/**
 * Prometheus metrics of the proxy, on a registry of their own (never prom-client's global one,
 * so two proxies in one process, as in tests, do not share counters).
 */
import { Gauge, Registry } from "prom-client";
import type { UsageRecord } from "../usage/record.ts";
import { FastCounter, FastHistogram } from "./series.ts";

/** Credentials of one provider, split by whether any of their models is cooling down. */
export interface CredentialStateCount {
  provider: string;
  available: number;
  cooling: number;
}

export type CredentialStateSource = () => Iterable<CredentialStateCount>;

/** A finished request as the metrics see it: its usage record plus the time spent waiting upstream. */
export type ObservedRequest = UsageRecord & { upstreamMs?: number };

/** Distinct model label values kept before the rest report as "other" (client-chosen names). */
const MAX_MODEL_LABELS = 500;

const SECONDS = 1000;

export class ProxyMetrics {
  readonly registry = new Registry();
  private readonly requests: FastCounter;
  private readonly upstreamDuration: FastHistogram;
  private readonly timeToFirstToken: FastHistogram;
  private readonly overhead: FastHistogram;
  private readonly tokens: FastCounter;
  private inFlight = 0;
  private credentialSource: CredentialStateSource | undefined;
  private readonly models = new Set<string>();

  constructor() {
    const registers = [this.registry];
    this.requests = new FastCounter(
      this.registry,
      "cliproxy_requests_total",
      "Generate requests served, by inbound route (wire format), provider, model and status.",
      ["route", "provider", "model", "status"],
    );
    this.upstreamDuration = new FastHistogram(
      this.registry,
      "cliproxy_upstream_duration_seconds",
      "Time spent waiting on the upstream per request (headers and body), in seconds.",
      ["provider"],
      [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320],
    );
    this.timeToFirstToken = new FastHistogram(
      this.registry,
      "cliproxy_time_to_first_token_seconds",
      "From request arrival to the first response byte sent to the client, in seconds.",
      ["provider"],
      [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64],
    );
    this.overhead = new FastHistogram(
      this.registry,
      "cliproxy_proxy_overhead_seconds",
      "Time the proxy itself added: total request time minus upstream wait, in seconds.",
      ["route"],
      [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    );
    this.tokens = new FastCounter(
      this.registry,
      "cliproxy_tokens_total",
      "Tokens by kind (input includes cached, output includes reasoning), provider and model.",
      ["kind", "provider", "model"],
    );
    const self = this;
    new Gauge({
      name: "cliproxy_in_flight_requests",
      help: "Generate requests currently being served.",
      registers,
      collect() {
        this.set(self.inFlight);
      },
    });
    new Gauge({
      name: "cliproxy_credentials",
      help: "Credentials per provider: available, or cooling (at least one model in cooldown).",
      labelNames: ["provider", "state"],
      registers,
      collect() {
        this.reset();
        if (!self.credentialSource) return;
        for (const c of self.credentialSource()) {
          this.set({ provider: c.provider, state: "available" }, c.available);
          this.set({ provider: c.provider, state: "cooling" }, c.cooling);
        }
      },
    });
  }

  /** Called on every scrape to fill the credentials gauge. */
  setCredentialStateSource(fn: CredentialStateSource | undefined): void {
    this.credentialSource = fn;
  }

  requestStarted(): void {
    this.inFlight++;
  }

  requestFinished(): void {
    this.inFlight--;
  }

  /** One finished request. `upstreamMs` (or `rec.upstreamMs`) is the time spent waiting upstream. */
  observe(rec: ObservedRequest, upstreamMs = rec.upstreamMs): void {
    const provider = rec.provider || "none";
    const model = this.modelLabel(rec.modelServed || rec.modelRequested || "unknown");
    const route = String(rec.format);
    this.requests.inc([route, provider, model, String(rec.status)]);
    if (upstreamMs !== undefined) {
      this.upstreamDuration.observe([provider], upstreamMs / SECONDS);
      this.overhead.observe([route], Math.max(0, rec.latencyMs - upstreamMs) / SECONDS);
    }
    if (rec.ttftMs !== undefined) this.timeToFirstToken.observe([provider], rec.ttftMs / SECONDS);
    this.addTokens("input", provider, model, rec.inputTokens);
    this.addTokens("output", provider, model, rec.outputTokens);
    this.addTokens("cached", provider, model, rec.cachedTokens);
    this.addTokens("reasoning", provider, model, rec.reasoningTokens);
  }

  /** The exposition text and its content type. */
  async exposition(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }

  private addTokens(kind: string, provider: string, model: string, n: number): void {
    if (n > 0) this.tokens.inc([kind, provider, model], n);
  }

  private modelLabel(model: string): string {
    if (this.models.has(model)) return model;
    if (this.models.size >= MAX_MODEL_LABELS) return "other";
    this.models.add(model);
    return model;
  }
}

const byOwner = new WeakMap<object, ProxyMetrics>();

/** The metrics of one proxy instance (keyed by its Runtime), created on first use. */
export function metricsFor(owner: object): ProxyMetrics {
  let m = byOwner.get(owner);
  if (!m) {
    m = new ProxyMetrics();
    byOwner.set(owner, m);
  }
  return m;
}
