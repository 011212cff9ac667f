/**
 * `GET /v0/management/usage` in the Go original's shape:
 * `{usage: {total_requests, success_count, failure_count, total_tokens, apis: {<key>: {total_requests,
 * total_tokens, models: {<model>: {total_requests, total_tokens, details: [...]}}}}, requests_by_day,
 * requests_by_hour, tokens_by_day, tokens_by_hour}, failed_requests}`.
 * Keys appear masked (the Go original showed them raw). Days and hours are local time, hours
 * "00".."23" summed over all days, as the original bucketed them. Details exist only for requests
 * younger than the retention; totals include the compacted hourly rows.
 */
import type { UsageRecorder } from "./recorder.ts";
import { type StatisticsSnapshot, snapshot } from "./snapshot.ts";

export type { RequestDetail, StatisticsSnapshot } from "./snapshot.ts";
export {
  exportUsage,
  importUsage,
  type UsageExport,
  UsageImportError,
  type UsageImportResult,
} from "./transfer.ts";

export interface UsageReport {
  usage: StatisticsSnapshot;
  failed_requests: number;
}

export interface ReportOptions {
  /** Newest details kept per (key, model); the export keeps all. */
  detailsPerModel?: number;
}

export const DEFAULT_DETAILS_PER_MODEL = 1000;

export function usageReport(recorder: UsageRecorder, opts: ReportOptions = {}): UsageReport {
  const usage = snapshot(recorder, opts.detailsPerModel ?? DEFAULT_DETAILS_PER_MODEL);
  return { usage, failed_requests: usage.failure_count };
}
