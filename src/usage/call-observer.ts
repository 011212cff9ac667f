/**
 * The one object the pipeline carries per generate call to feed usage, metrics and the request
 * log. It times the call (total, upstream wait, first byte), remembers which credential served
 * it and what usage came back, and on `finish` hands one record to each sink.
 *
 * Every sink is optional, so the pipeline can create an observer unconditionally.
 */
import type { ProxyMetrics } from "../metrics/registry.ts";
import type { IRUsage, WireFormat } from "../protocols/ir.ts";
import type { HeaderBag } from "../request-log/format.ts";
import type { RequestLogEntry, RequestLogger } from "../request-log/logger.ts";
import { newUsageRecord, type UsageRecord } from "./record.ts";
import type { UsageRecorder } from "./recorder.ts";

export interface ObservationSinks {
  usage?: UsageRecorder;
  metrics?: ProxyMetrics;
  requestLog?: RequestLogger;
}

export interface CallStart {
  method: string;
  url: string;
  headers: HeaderBag;
  /** Request body text (referenced, not copied). */
  body?: string;
  format: WireFormat;
  /** The client's key as matched by the access check; '' or undefined when access is open. */
  clientKey?: string;
  modelRequested: string;
  stream: boolean;
  requestId?: string;
}

/** The candidate an attempt goes to. */
export interface ServedBy {
  provider: string;
  credentialId: string;
  credentialLabel: string;
  upstreamModel: string;
}

const NO_LOG: RequestLogEntry = {
  capturing: false,
  requestBody: () => {},
  upstream: () => {},
  upstreamError: () => {},
  responseChunk: () => {},
  finish: () => Promise.resolve(undefined),
};

export class CallObserver {
  readonly log: RequestLogEntry;
  private readonly sinks: ObservationSinks;
  private readonly start: CallStart;
  private readonly startedAt = Date.now();
  private readonly t0 = performance.now();
  private waitStartedAt = 0;
  private upstreamMs = 0;
  private firstByteMs: number | undefined;
  private servedBy: ServedBy | undefined;
  private usage: IRUsage | undefined;
  private finished = false;
  private failedMidway = false;

  constructor(sinks: ObservationSinks, start: CallStart) {
    this.sinks = sinks;
    this.start = start;
    this.log = sinks.requestLog ? sinks.requestLog.begin(start) : NO_LOG;
    sinks.metrics?.requestStarted();
  }

  /** The client key that passed the access check ('' when access is open). */
  get clientKey(): string {
    return this.start.clientKey ?? "";
  }

  /** An attempt goes to this credential (call again on failover; the last one is recorded). */
  attempt(by: ServedBy): void {
    this.servedBy = by;
  }

  /** Brackets every await on the upstream (the request, each body read). */
  waitStart(): void {
    this.waitStartedAt = performance.now();
  }

  waitEnd(): void {
    this.upstreamMs += performance.now() - this.waitStartedAt;
  }

  /** The first response byte is going to the client. Later calls are ignored. */
  firstByte(): void {
    if (this.firstByteMs === undefined) this.firstByteMs = performance.now() - this.t0;
  }

  setUsage(usage: IRUsage | undefined): void {
    if (usage) this.usage = usage;
  }

  /** The response started fine but broke (a stream cut after the first byte): record it as failed. */
  markFailed(): void {
    this.failedMidway = true;
  }

  /** Time the proxy has added so far (elapsed minus upstream wait), ms: the debug timing header. */
  overheadMs(): number {
    return Math.max(0, performance.now() - this.t0 - this.upstreamMs);
  }

  /**
   * The call is over (response ended, or an error was sent). Records usage, updates metrics,
   * and finishes the request log entry. Safe to call twice; only the first counts.
   */
  finish(
    status: number,
    opts: { failed?: boolean; headers?: HeaderBag; body?: string } = {},
  ): UsageRecord | undefined {
    if (this.finished) return undefined;
    this.finished = true;
    const { usage, metrics, requestLog } = this.sinks;
    const wantRecord = usage?.enabled || metrics;
    let rec: UsageRecord | undefined;
    if (wantRecord) {
      const by = this.servedBy;
      rec = newUsageRecord({
        time: this.startedAt,
        clientKey: this.start.clientKey,
        provider: by?.provider,
        credentialId: by?.credentialId,
        credentialLabel: by?.credentialLabel,
        modelRequested: this.start.modelRequested,
        modelServed: by?.upstreamModel,
        format: this.start.format,
        stream: this.start.stream,
        status,
        latencyMs: performance.now() - this.t0,
        ttftMs: this.firstByteMs,
        usage: this.usage,
        failed: opts.failed ?? (this.failedMidway || undefined),
      });
      usage?.record(rec);
      metrics?.observe(rec, by ? this.upstreamMs : undefined);
    }
    metrics?.requestFinished();
    if (requestLog) void this.log.finish(status, opts.headers, opts.body);
    return rec;
  }
}
