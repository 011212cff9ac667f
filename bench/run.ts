/**
 * `npm run bench`: the proxy measured against the floor and the bare fake upstream, interleaved
 * slice by slice over several rounds, then checked against the performance bars of DESIGN.md.
 * Flags: see USAGE in lib/settings.ts (`node bench/run.ts --help`).
 *
 * Prints tables on stdout (progress on stderr) and writes bench/results/latest.json. Exit code:
 * 1 when something broke (a server failed to start, a target served no request) and, with
 * --strict, when a bar fails; bars alone never fail a default run, they are noisy by nature.
 */
import { rmSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { evaluateBars, type MemoryFigures } from "./lib/bars.ts";
import type { Service } from "./lib/children.ts";
import { type ScenarioFigures, type Slice, scenarioFigures } from "./lib/figures.ts";
import { describeMachine } from "./lib/machine.ts";
import { BodyFiles, LoadWorker } from "./lib/measure.ts";
import { readRss } from "./lib/memory.ts";
import { credentialsMemory, longStreamMemory } from "./lib/memory-checks.ts";
import { profileTable, summariseProfile } from "./lib/profile-summary.ts";
import { fullReport } from "./lib/report.ts";
import { type Scenario, TARGETS, type Target } from "./lib/scenarios.ts";
import { readSettings, type Settings, USAGE } from "./lib/settings.ts";
import { prepareProxy, startFloor, startProxy, startUpstream } from "./lib/stack.ts";
import type { LoadResult } from "./loadgen.ts";

const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));
/** Outside the checkout: profiles are large and not results to keep. */
const PROFILE_DIR = join(tmpdir(), "cpa-bench-profiles");
const CREDENTIALS = 2000;

type Run = (s: Scenario, t: Target, durationMs: number, warmupMs: number) => Promise<LoadResult>;

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Direct, floor, proxy in a rotating order, so none always runs right after the same one. */
function targetOrder(turn: number): Target[] {
  return TARGETS.map((_, i) => TARGETS[(i + turn) % TARGETS.length]);
}

/**
 * Warms every scenario up on every target. A target that cannot serve one request is broken,
 * not slow: its scenario is dropped, and the reason kept.
 */
async function warmUp(
  settings: Settings,
  run: Run,
): Promise<{ scenarios: Scenario[]; broken: Map<string, string> }> {
  const scenarios: Scenario[] = [];
  const broken = new Map<string, string>();
  for (const s of settings.scenarios) {
    const failures: string[] = [];
    for (const t of TARGETS) {
      const probe = await run(s, t, settings.initialWarmupMs, 0);
      if (probe.requests === 0) failures.push(`${t}: ${probe.firstError ?? "no response"}`);
    }
    if (failures.length === 0) scenarios.push(s);
    else broken.set(s.id, failures.join("; "));
    progress(`warm-up ${s.id}: ${failures.length === 0 ? "ok" : failures.join("; ")}`);
  }
  return { scenarios, broken };
}

/** Round after round over all scenarios; within a scenario, slices with the targets taking turns. */
async function measureRounds(
  settings: Settings,
  scenarios: Scenario[],
  slicesPerRound: number,
  sliceMs: number,
  run: Run,
): Promise<Map<string, Slice[]>> {
  const slices = new Map<string, Slice[]>(scenarios.map((s) => [s.id, []]));
  for (let r = 0; r < settings.rounds; r++) {
    for (const s of scenarios) {
      const done = slices.get(s.id)!;
      for (let k = 0; k < slicesPerRound; k++) {
        const slice = {} as Slice;
        for (const t of targetOrder(done.length)) slice[t] = await run(s, t, sliceMs, settings.warmupMs);
        done.push(slice);
      }
      const f = scenarioFigures(done);
      progress(
        `round ${r + 1}/${settings.rounds} ${s.id}: rps d/f/p ${f.rps.direct}/${f.rps.floor}/${f.rps.proxy}, ` +
          `proxy/floor ${f.rpsRatio} (so far)`,
      );
    }
  }
  return slices;
}

async function main(): Promise<number> {
  const settings = readSettings(process.argv.slice(2));
  if (settings === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  const started = new Date();
  const work = await mkdtemp(join(tmpdir(), "cpa-bench-"));
  // Also on Ctrl-C, which exits without unwinding to the finally below.
  process.once("exit", () => rmSync(work, { recursive: true, force: true }));
  const bodies = new BodyFiles(work);
  const services: Service[] = [];
  let worker: LoadWorker | undefined;

  try {
    const slicesPerRound = Math.max(1, Math.round(settings.durationMs / settings.sliceMs));
    const sliceMs = Math.round(settings.durationMs / slicesPerRound);
    progress(
      `bench: ${settings.mode}, ${settings.scenarios.length} scenario(s), ${settings.rounds} round(s) x ` +
        `${slicesPerRound} slice(s) of ${sliceMs} ms per target`,
    );
    const profileDir = settings.cpuProf ? PROFILE_DIR : undefined;
    if (profileDir) await mkdir(profileDir, { recursive: true });
    await prepareProxy(settings.proxyEntry);
    const upstream = await startUpstream();
    services.push(upstream.service);
    const floor = await startFloor(upstream.url, profileDir);
    services.push(floor.service);
    const proxy = await startProxy({
      dir: join(work, "proxy"),
      upstream: upstream.url,
      entry: settings.proxyEntry,
      cpuProfileDir: profileDir,
    });
    services.push(proxy.service);
    const load = new LoadWorker();
    worker = load;
    const base: Record<Target, string> = { direct: upstream.url, floor: floor.url, proxy: proxy.url };
    const run: Run = (s, t, durationMs, warmupMs) =>
      load.measure({
        url: base[t] + s.requests[t].path,
        bodyFile: bodies.path(s.requests[t].body),
        concurrency: s.concurrency,
        durationMs,
        warmupMs,
        expect: s.requests[t].expect,
      });

    const { scenarios, broken } = await warmUp(settings, run);
    const slices = await measureRounds(settings, scenarios, slicesPerRound, sliceMs, run);
    const figures = new Map<string, ScenarioFigures>();
    for (const s of scenarios) figures.set(s.id, scenarioFigures(slices.get(s.id)!));

    const memory: MemoryFigures = {};
    if (profileDir) {
      progress("memory: 1,000-event streams skipped, they would crowd the scenarios out of the profile");
    } else {
      progress("memory: 1,000-event streams");
      memory.longStream = await longStreamMemory(
        load,
        proxy.url,
        proxy.service.pid,
        bodies,
        settings.durationMs,
      );
    }
    memory.proxyPeakMb = readRss(proxy.service.pid)?.peakMb;
    memory.floorPeakMb = readRss(floor.service.pid)?.peakMb;
    await proxy.service.stop(); // frees its memory and writes the CPU profile, if asked for
    await floor.service.stop();
    progress(`memory: proxy with ${CREDENTIALS} credentials`);
    const credentialsDir = join(work, "proxy-credentials");
    memory.credentials = await credentialsMemory(
      load,
      settings.proxyEntry,
      credentialsDir,
      upstream.url,
      CREDENTIALS,
      bodies,
    );

    const bars = evaluateBars(figures, memory, broken);
    const problems = [...broken].map(([id, reason]) => `${id} not measured: ${reason}`);
    const machine = describeMachine();
    process.stdout.write(
      fullReport(
        { machine, mode: settings.mode, rounds: settings.rounds, durationMs: settings.durationMs, sliceMs },
        scenarios,
        figures,
        memory,
        bars,
        problems,
      ),
    );
    if (profileDir) {
      await printProfiles(profileDir, [
        { label: "Proxy", pid: proxy.service.pid },
        { label: "Floor", pid: floor.service.pid },
      ]);
    }

    const result = {
      version: 1,
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      machine,
      settings: {
        mode: settings.mode,
        rounds: settings.rounds,
        durationMs: settings.durationMs,
        sliceMs,
        warmupMs: settings.warmupMs,
        scenarios: settings.scenarios.map((s) => s.id),
      },
      scenarios: scenarios.map((s) => ({
        id: s.id,
        title: s.title,
        concurrency: s.concurrency,
        stream: s.stream,
        figures: figures.get(s.id),
        slices: slices.get(s.id)!.map(compactSlice),
      })),
      memory,
      bars,
      problems,
      pass: bars.every((b) => b.status === "PASS"),
    };
    const out = settings.out ?? join(RESULTS_DIR, settings.mode === "smoke" ? "smoke.json" : "latest.json");
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
    progress(`wrote ${out}`);

    if (problems.length > 0) return 1;
    if (settings.strict && bars.some((b) => b.status === "FAIL")) return 1;
    return 0;
  } finally {
    await worker?.stop();
    await Promise.all(services.map((s) => s.stop()));
    await rm(work, { recursive: true, force: true });
  }
}

/** The per-slice figures the medians came from, without the full distributions. */
function compactSlice(slice: Slice) {
  const one = (r: LoadResult) => ({
    requests: r.requests,
    errors: r.errors,
    rps: r.rps,
    p50: r.latency.p50,
    p99: r.latency.p99,
    ttfbP50: r.ttfb.p50,
  });
  return { direct: one(slice.direct), floor: one(slice.floor), proxy: one(slice.proxy) };
}

/** Hot spots of the proxy next to the floor's: what the proxy does beyond the bare hop stands out. */
async function printProfiles(dir: string, processes: { label: string; pid: number }[]): Promise<void> {
  const files = await readdir(dir);
  for (const { label, pid } of processes) {
    const file = files.find((f) => f.endsWith(".cpuprofile") && f.includes(`.${pid}.`));
    if (!file) {
      progress(
        `no CPU profile from the ${label.toLowerCase()} (pid ${pid}); did it exit cleanly on SIGTERM?`,
      );
      continue;
    }
    const path = join(dir, file);
    process.stdout.write(`\n${label} CPU profile ${path}:\n\n${profileTable(summariseProfile(path))}\n`);
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`bench failed: ${(err as Error)?.stack ?? err}\n`);
    process.exit(1);
  },
);
