/**
 * The human side of the results: aligned Markdown tables, readable in a terminal and pasteable
 * into docs/PERFORMANCE.md as they are.
 */
import type { Bar, MemoryFigures } from "./bars.ts";
import type { ScenarioFigures } from "./figures.ts";
import type { Machine } from "./machine.ts";
import type { Scenario } from "./scenarios.ts";

export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

function num(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "-";
}

function int(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toString() : "-";
}

export function scenarioTable(
  scenarios: readonly Scenario[],
  figures: ReadonlyMap<string, ScenarioFigures>,
): string {
  const rows: string[][] = [];
  for (const s of scenarios) {
    const f = figures.get(s.id);
    if (!f) continue;
    rows.push([
      s.id,
      int(f.rps.direct),
      int(f.rps.floor),
      int(f.rps.proxy),
      num(f.rpsRatio),
      `${num(f.latencyP50.direct)} / ${num(f.latencyP50.floor)} / ${num(f.latencyP50.proxy)}`,
      `${num(f.addedP50.floor)} / ${num(f.addedP50.proxy)}`,
      `${num(f.addedP99.floor)} / ${num(f.addedP99.proxy)}`,
      s.stream
        ? `${num(f.addedTtfbP50.floor)} / ${num(f.addedTtfbP50.proxy)} (${num(f.addedTtfbP50.ratio)})`
        : "",
      `${f.errors.direct}/${f.errors.floor}/${f.errors.proxy}`,
    ]);
  }
  return markdownTable(
    [
      "scenario",
      "rps direct",
      "rps floor",
      "rps proxy",
      "proxy/floor",
      "p50 ms d / f / p",
      "added p50 f / p",
      "added p99 f / p",
      "added TTFB f / p (ratio)",
      "errors d/f/p",
    ],
    rows,
  );
}

export function memoryTable(memory: MemoryFigures): string {
  const rows: string[][] = [];
  if (memory.proxyPeakMb !== undefined)
    rows.push(["proxy peak RSS over the whole run", `${num(memory.proxyPeakMb, 1)} MB`]);
  if (memory.floorPeakMb !== undefined)
    rows.push(["floor peak RSS over the whole run", `${num(memory.floorPeakMb, 1)} MB`]);
  const long = memory.longStream;
  if (long) {
    rows.push([
      `proxy RSS, ${long.streams} streams of 1,000 events`,
      `${num(long.warmPeakMb, 1)} MB warm -> ${num(long.measuredPeakMb, 1)} MB peak (+${num(long.growthMb, 1)} MB)`,
    ]);
  }
  const creds = memory.credentials;
  if (creds) {
    rows.push([
      `proxy with ${creds.count} credentials`,
      `${num(creds.idleMb, 1)} MB idle, ${num(creds.peakMb, 1)} MB peak`,
    ]);
  }
  return markdownTable(["memory", "value"], rows);
}

export function barsTable(bars: readonly Bar[]): string {
  return markdownTable(
    ["bar", "result", "value", "limit", "detail"],
    bars.map((b) => [b.description, b.status, num(b.value), `${b.op} ${b.limit}`, b.detail]),
  );
}

export interface RunInfo {
  machine: Machine;
  mode: string;
  rounds: number;
  durationMs: number;
  sliceMs: number;
}

/** Everything a run prints on stdout, in order. */
export function fullReport(
  run: RunInfo,
  scenarios: readonly Scenario[],
  figures: ReadonlyMap<string, ScenarioFigures>,
  memory: MemoryFigures,
  bars: readonly Bar[],
  problems: readonly string[],
): string {
  const m = run.machine;
  const out = [
    `Machine: ${m.cpus} CPU(s), ${m.cpuModel}, Node ${m.node}, ${m.os}. Mode ${run.mode}: ${run.rounds} round(s) x ` +
      `${run.durationMs} ms per target and scenario, in interleaved slices of ${run.sliceMs} ms; ` +
      "figures are medians over slices.",
    "",
    "Throughput and latency (ms; d = direct to fake upstream, f = floor, p = proxy; added = over direct):",
    "",
    scenarioTable(scenarios, figures),
    "",
    memoryTable(memory),
    "",
    barsTable(bars),
  ];
  if (problems.length > 0) out.push("", "Problems:", ...problems.map((p) => `- ${p}`));
  return `${out.join("\n")}\n`;
}
