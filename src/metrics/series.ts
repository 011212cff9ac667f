/**
 * Counters and histograms cheap enough for every request. prom-client's own metrics hash a
 * labels object on each inc/observe (about half a microsecond apiece, nine of them per
 * request); these keep one entry per label combination, found by a joined-string key, and
 * only build label objects when a combination is first seen. prom-client still renders them:
 * they implement the small interface its Registry reads (name, help, type, get()).
 */
import type { Registry } from "prom-client";

const SEP = "\u0001";

interface Sample {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

interface MetricData {
  name: string;
  help: string;
  type: "counter" | "histogram";
  values: Sample[];
  aggregator: "sum";
}

function labelsOf(names: readonly string[], values: readonly string[]): Labels {
  const labels: Labels = {};
  for (let i = 0; i < names.length; i++) labels[names[i]] = values[i];
  return labels;
}

type Labels = Record<string, string>;

abstract class Series<Entry extends { labels: Labels }> {
  readonly name: string;
  readonly help: string;
  readonly aggregator = "sum" as const;
  protected readonly labelNames: readonly string[];
  protected readonly entries = new Map<string, Entry>();

  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[]) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
    registry.registerMetric(this as never);
  }

  /** The entry of these label values (in `labelNames` order), created on first use. */
  protected entry(values: readonly string[]): Entry {
    const key = values.length === 1 ? values[0] : values.join(SEP);
    let e = this.entries.get(key);
    if (!e) {
      e = this.create(labelsOf(this.labelNames, values));
      this.entries.set(key, e);
    }
    return e;
  }

  protected abstract create(labels: Labels): Entry;

  reset(): void {
    this.entries.clear();
  }
}

export class FastCounter extends Series<{ labels: Labels; value: number }> {
  readonly type = "counter" as const;

  /** Adds `n` (default 1) to the series of `values`. */
  inc(values: readonly string[], n = 1): void {
    this.entry(values).value += n;
  }

  protected create(labels: Labels): { labels: Labels; value: number } {
    return { labels, value: 0 };
  }

  async get(): Promise<MetricData> {
    const values: Sample[] = [];
    for (const e of this.entries.values()) values.push({ value: e.value, labels: e.labels });
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

interface Buckets {
  labels: Labels;
  /** Per-bucket (not cumulative) counts; the last slot is +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

export class FastHistogram extends Series<Buckets> {
  readonly type = "histogram" as const;
  private readonly bounds: readonly number[];

  constructor(
    registry: Registry,
    name: string,
    help: string,
    labelNames: readonly string[],
    bounds: readonly number[],
  ) {
    super(registry, name, help, labelNames);
    this.bounds = [...bounds].sort((a, b) => a - b);
  }

  observe(values: readonly string[], v: number): void {
    const e = this.entry(values);
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && v > bounds[i]) i++;
    e.counts[i]++;
    e.sum += v;
    e.count++;
  }

  protected create(labels: Labels): Buckets {
    return { labels, counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
  }

  async get(): Promise<MetricData> {
    const values: Sample[] = [];
    const bucket = `${this.name}_bucket`;
    for (const e of this.entries.values()) {
      let cumulative = 0;
      for (let i = 0; i <= this.bounds.length; i++) {
        cumulative += e.counts[i];
        const le = i < this.bounds.length ? this.bounds[i] : "+Inf";
        values.push({ metricName: bucket, labels: { le, ...e.labels }, value: cumulative });
      }
      values.push({ metricName: `${this.name}_sum`, labels: e.labels, value: e.sum });
      values.push({ metricName: `${this.name}_count`, labels: e.labels, value: e.count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}
