/** Command-line settings of `bench/run.ts`, with the defaults of each mode. */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { allScenarios, type Scenario, smokeScenarios } from "./scenarios.ts";

export interface Settings {
  mode: "full" | "quick" | "smoke";
  rounds: number;
  /** Measured time per target per scenario per round, ms ... */
  durationMs: number;
  /** ... cut into slices this long, the three targets taking turns slice by slice. */
  sliceMs: number;
  /** Unrecorded traffic at the start of each slice, ms. */
  warmupMs: number;
  /** Unrecorded traffic per target per scenario before round 1 (also proves each target works), ms. */
  initialWarmupMs: number;
  scenarios: Scenario[];
  cpuProf: boolean;
  strict: boolean;
  /** Results file; undefined = bench/results/latest.json (smoke.json for --smoke). */
  out?: string;
  /** Script that starts the proxy (default scripts/start.mjs, as `npm start`). */
  proxyEntry?: string;
}

const MODES = {
  full: { rounds: 3, durationMs: 3000, sliceMs: 500, warmupMs: 100, initialWarmupMs: 1000 },
  quick: { rounds: 1, durationMs: 1000, sliceMs: 500, warmupMs: 100, initialWarmupMs: 300 },
  smoke: { rounds: 1, durationMs: 400, sliceMs: 400, warmupMs: 50, initialWarmupMs: 100 },
} as const;

export const USAGE = `usage: node bench/run.ts [options]
  --quick            1 round x 1 s per target (a few minutes less than the default)
  --smoke            one scenario, ~10 s: proves the harness works, measures nothing useful
  --rounds N         rounds over all scenarios (default 3)
  --duration MS      measured time per target, scenario and round (default 3000)
  --slice MS         interleaving slice (default 500)
  --only ID,ID       only these scenarios (ids as in the table)
  --cpu-prof         V8 CPU profiles of the proxy and the floor, summarised at the end
  --strict           exit 1 when a bar fails
  --out FILE         results JSON (default bench/results/latest.json)
  --proxy-entry FILE start the proxy from FILE (e.g. src/main.ts) instead of scripts/start.mjs
`;

export function readSettings(argv: string[]): Settings | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      smoke: { type: "boolean", default: false },
      rounds: { type: "string" },
      duration: { type: "string" },
      slice: { type: "string" },
      only: { type: "string" },
      "cpu-prof": { type: "boolean", default: false },
      strict: { type: "boolean", default: false },
      out: { type: "string" },
      "proxy-entry": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  const mode = values.smoke ? "smoke" : values.quick ? "quick" : "full";
  const defaults = MODES[mode];
  let scenarios = mode === "smoke" ? smokeScenarios() : allScenarios();
  if (values.only) {
    const wanted = new Set(values.only.split(",").map((s) => s.trim()));
    scenarios = allScenarios().filter((s) => wanted.has(s.id));
    const known = allScenarios().map((s) => s.id);
    if (scenarios.length === 0) throw new Error(`--only matched no scenario; known: ${known.join(", ")}`);
  }
  const durationMs = atLeast("--duration", values.duration, defaults.durationMs, 100);
  return {
    mode,
    rounds: Math.round(atLeast("--rounds", values.rounds, defaults.rounds, 1)),
    durationMs,
    sliceMs: Math.min(durationMs, atLeast("--slice", values.slice, defaults.sliceMs, 100)),
    warmupMs: defaults.warmupMs,
    initialWarmupMs: defaults.initialWarmupMs,
    scenarios,
    cpuProf: values["cpu-prof"],
    strict: values.strict,
    out: values.out === undefined ? undefined : resolve(values.out),
    proxyEntry: values["proxy-entry"] === undefined ? undefined : resolve(values["proxy-entry"]),
  };
}

function atLeast(flag: string, raw: string | undefined, fallback: number, min: number): number {
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${flag} wants a number >= ${min}, got ${raw}`);
  return n;
}
