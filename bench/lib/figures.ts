/**
 * From the interleaved slices of one scenario to its figures. Differences and ratios are taken
 * within a slice first (direct, floor and proxy ran back to back, in the same machine weather),
 * then the median over slices is kept: drift and bursts of outside load cancel out.
 */
import type { LoadResult } from "../loadgen.ts";
import type { Target } from "./scenarios.ts";
import { median, round } from "./stats.ts";

/** One slice: the three targets measured back to back, briefly. */
export type Slice = Record<Target, LoadResult>;

export interface PerTarget {
  direct: number;
  floor: number;
  proxy: number;
}

export interface AddedOverDirect {
  floor: number;
  proxy: number;
  /** proxy / floor. */
  ratio: number;
}

export interface ScenarioFigures {
  rps: PerTarget;
  /** Median over slices of proxy rps / floor rps. */
  rpsRatio: number;
  latencyP50: PerTarget;
  latencyP99: PerTarget;
  ttfbP50: PerTarget;
  addedP50: AddedOverDirect;
  addedP99: AddedOverDirect;
  addedTtfbP50: AddedOverDirect;
  errors: PerTarget;
}

export function scenarioFigures(slices: readonly Slice[]): ScenarioFigures {
  const per = (pick: (r: LoadResult) => number): PerTarget => ({
    direct: round(median(slices.map((r) => pick(r.direct)))),
    floor: round(median(slices.map((r) => pick(r.floor)))),
    proxy: round(median(slices.map((r) => pick(r.proxy)))),
  });
  const added = (pick: (r: LoadResult) => number): AddedOverDirect => {
    const floor = median(slices.map((r) => pick(r.floor) - pick(r.direct)));
    const proxy = median(slices.map((r) => pick(r.proxy) - pick(r.direct)));
    return { floor: round(floor), proxy: round(proxy), ratio: round(safeRatio(proxy, floor)) };
  };
  const sum = (t: Target) => slices.reduce((n, r) => n + r[t].errors, 0);
  return {
    rps: per((r) => r.rps),
    rpsRatio: round(median(slices.map((r) => (r.floor.rps > 0 ? r.proxy.rps / r.floor.rps : Number.NaN)))),
    latencyP50: per((r) => r.latency.p50),
    latencyP99: per((r) => r.latency.p99),
    ttfbP50: per((r) => r.ttfb.p50),
    addedP50: added((r) => r.latency.p50),
    addedP99: added((r) => r.latency.p99),
    addedTtfbP50: added((r) => r.ttfb.p50),
    errors: { direct: sum("direct"), floor: sum("floor"), proxy: sum("proxy") },
  };
}

/** Below this the floor's added time is within timer noise and a ratio to it means nothing. */
const MEASURABLE_MS = 0.01;

/** proxy-added / floor-added; NaN (shown as "-", failing its bar) when the floor added nothing measurable. */
function safeRatio(numerator: number, denominator: number): number {
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator) || denominator < MEASURABLE_MS)
    return Number.NaN;
  return numerator / denominator;
}
