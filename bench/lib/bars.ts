/**
 * The performance bars of DESIGN.md, each checked against this run's figures. A bar whose
 * scenario was not run (--smoke, --only) is reported as skipped; one whose scenario could not
 * be served fails.
 */
import type { ScenarioFigures } from "./figures.ts";
import { round } from "./stats.ts";

export interface MemoryFigures {
  /** RSS growth of the proxy while serving 1,000-event streams after a warm-up, MB. */
  longStream?: {
    warmPeakMb: number;
    measuredPeakMb: number;
    growthMb: number;
    streams: number;
    errors: number;
  };
  /** Peak RSS (VmHWM) of a proxy started with 2,000 credentials and given some traffic, MB. */
  credentials?: {
    /** As the proxy reported loading them (the 2,000 plus the bench config's own few keys). */
    count: number;
    /** Where they came from: auth-dir files, or config API keys while auth-dir loading is missing. */
    source: "auth-dir" | "config";
    peakMb: number;
    idleMb: number;
    errors: number;
  };
  /** Peak RSS of the main proxy and of the floor over the whole run, MB. */
  proxyPeakMb?: number;
  floorPeakMb?: number;
}

export interface Bar {
  id: string;
  description: string;
  /** The check is `value <op> limit`. */
  value: number;
  op: ">=" | "<=";
  limit: number;
  status: "PASS" | "FAIL" | "SKIP";
  detail: string;
}

/** RSS growth allowed across the measured 1,000-event streams: a few MB is GC noise, not a leak. */
export const FLAT_GROWTH_MB = 10;
export const CREDENTIALS_RSS_MB = 150;

interface RatioBar {
  id: string;
  description: string;
  scenario: string;
  op: Bar["op"];
  limit: number;
  value: (f: ScenarioFigures) => number;
  detail: (f: ScenarioFigures) => string;
}

const rpsRatio = (f: ScenarioFigures) => f.rpsRatio;
const rpsDetail = (f: ScenarioFigures) =>
  `proxy ${Math.round(f.rps.proxy)} rps vs floor ${Math.round(f.rps.floor)} (direct ${Math.round(f.rps.direct)})`;
const ttfbRatio = (f: ScenarioFigures) => f.addedTtfbP50.ratio;
const ttfbDetail = (f: ScenarioFigures) =>
  `added TTFB p50: proxy ${f.addedTtfbP50.proxy} ms vs floor ${f.addedTtfbP50.floor} ms`;

const RATIO_BARS: RatioBar[] = [
  {
    id: "passthrough-rps-c16",
    description: "passthrough 1 KB, c=16: rps proxy/floor",
    scenario: "chat-1k-c16",
    op: ">=",
    limit: 0.8,
    value: rpsRatio,
    detail: rpsDetail,
  },
  {
    id: "passthrough-rps-c64",
    description: "passthrough 1 KB, c=64: rps proxy/floor",
    scenario: "chat-1k-c64",
    op: ">=",
    limit: 0.8,
    value: rpsRatio,
    detail: rpsDetail,
  },
  {
    id: "passthrough-latency-c1",
    description: "passthrough 1 KB, c=1: added p50 proxy/floor",
    scenario: "chat-1k-c1",
    op: "<=",
    limit: 1.25,
    value: (f) => f.addedP50.ratio,
    detail: (f) => `added p50: proxy ${f.addedP50.proxy} ms vs floor ${f.addedP50.floor} ms`,
  },
  {
    id: "translated-rps",
    description: "OpenAI->Anthropic 10 KB, c=16: rps proxy/floor",
    scenario: "translated-10k-c16",
    op: ">=",
    limit: 0.6,
    value: rpsRatio,
    detail: rpsDetail,
  },
  {
    id: "stream-ttfb",
    description: "stream 200 events, c=1: added TTFB proxy/floor",
    scenario: "stream-c1",
    op: "<=",
    limit: 1.25,
    value: ttfbRatio,
    detail: ttfbDetail,
  },
  {
    id: "stream-translated-ttfb",
    description: "stream OpenAI->Anthropic, c=1: added TTFB proxy/floor",
    scenario: "stream-translated-c1",
    op: "<=",
    limit: 1.25,
    value: ttfbRatio,
    detail: ttfbDetail,
  },
  {
    id: "gemini-stream-ttfb",
    description: "stream Gemini->OpenAI, c=1: added TTFB proxy/floor",
    scenario: "gemini-stream-c1",
    op: "<=",
    limit: 1.25,
    value: ttfbRatio,
    detail: ttfbDetail,
  },
];

function holds(value: number, op: Bar["op"], limit: number): boolean {
  return op === ">=" ? value >= limit : value <= limit; // NaN fails either way
}

function ratioBar(
  spec: RatioBar,
  figures: ReadonlyMap<string, ScenarioFigures>,
  broken: ReadonlyMap<string, string>,
): Bar {
  const { id, description, op, limit } = spec;
  const f = figures.get(spec.scenario);
  if (!f) {
    const reason = broken.get(spec.scenario);
    const status = reason === undefined ? "SKIP" : "FAIL";
    return {
      id,
      description,
      value: Number.NaN,
      op,
      limit,
      status,
      detail: reason ?? `${spec.scenario} not run`,
    };
  }
  const value = spec.value(f);
  const errors = f.errors.proxy + f.errors.floor + f.errors.direct;
  const status = errors === 0 && holds(value, op, limit) ? "PASS" : "FAIL";
  const detail = spec.detail(f) + (errors > 0 ? `; ${errors} failed requests` : "");
  return { id, description, value, op, limit, status, detail };
}

function memoryBars(memory: MemoryFigures): Bar[] {
  const long = memory.longStream;
  const flat: Bar = {
    id: "stream-memory-flat",
    description: "1,000-event streams: proxy RSS growth after warm-up (MB)",
    value: long?.growthMb ?? Number.NaN,
    op: "<=",
    limit: FLAT_GROWTH_MB,
    status:
      long === undefined ? "SKIP" : long.errors === 0 && long.growthMb <= FLAT_GROWTH_MB ? "PASS" : "FAIL",
    detail: long
      ? `peak ${long.measuredPeakMb} MB over ${long.streams} streams vs ${long.warmPeakMb} MB after warm-up` +
        (long.errors ? `; ${long.errors} failed` : "")
      : "not measured",
  };
  const creds = memory.credentials;
  const held: Bar = {
    id: "rss-2000-credentials",
    description: "peak RSS with 2,000 credentials (MB)",
    value: creds?.peakMb ?? Number.NaN,
    op: "<=",
    limit: CREDENTIALS_RSS_MB,
    status:
      creds === undefined
        ? "SKIP"
        : creds.errors === 0 && creds.peakMb <= CREDENTIALS_RSS_MB
          ? "PASS"
          : "FAIL",
    detail: creds
      ? `VmHWM ${creds.peakMb} MB, ${creds.idleMb} MB idle after start; ${creds.count} credentials from ${creds.source}` +
        (creds.errors ? `; ${creds.errors} failed` : "")
      : "not measured",
  };
  return [flat, held];
}

/** `broken`: scenarios dropped because a target could not serve them, with the reason. */
export function evaluateBars(
  figures: ReadonlyMap<string, ScenarioFigures>,
  memory: MemoryFigures,
  broken: ReadonlyMap<string, string> = new Map(),
): Bar[] {
  const bars = [...RATIO_BARS.map((spec) => ratioBar(spec, figures, broken)), ...memoryBars(memory)];
  for (const bar of bars) bar.value = round(bar.value);
  return bars;
}
