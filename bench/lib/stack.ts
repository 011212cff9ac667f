/** Starts the three servers of a run as separate processes on loopback: fake upstream, floor, proxy. */
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { PROXY_NODE_FLAGS } from "../../scripts/node-flags.mjs";
import { freePort, type Service, spawnNode, startService, stopChild } from "./children.ts";
import { floorModelMap } from "./models.ts";
import { writeProxyConfig } from "./proxy-config.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FAKE_UPSTREAM = `${ROOT}src/fake-upstream/main.ts`;
const FLOOR = `${ROOT}bench/floor.ts`;
/**
 * The proxy as users start it (`npm start`): the compiled build, rebuilt first when src/ is
 * newer. `--proxy-entry src/main.ts` benches the TypeScript sources instead.
 */
export const DEFAULT_PROXY_ENTRY = `${ROOT}scripts/start.mjs`;

export interface Running {
  service: Service;
  url: string;
}

export async function startUpstream(): Promise<Running> {
  const port = await freePort();
  const service = await startService(
    "fake upstream",
    [FAKE_UPSTREAM, "--host", "127.0.0.1", "--port", String(port), "--no-record"],
    { line: /fake upstream listening on/ },
  );
  return { service, url: `http://127.0.0.1:${port}` };
}

export async function startFloor(upstream: string, cpuProfileDir?: string): Promise<Running> {
  const port = await freePort();
  const service = await startService(
    "floor",
    [
      ...profileFlags(cpuProfileDir),
      FLOOR,
      ...["--port", String(port), "--upstream", upstream, "--model-map", floorModelMap()],
    ],
    { line: /floor listening on/ },
  );
  return { service, url: `http://127.0.0.1:${port}` };
}

export interface ProxyOptions {
  dir: string;
  upstream: string;
  /** OAuth-shaped files in auth-dir, and API keys in config (see proxy-config.ts). */
  authFiles?: number;
  configKeys?: number;
  entry?: string;
  /** Directory for a V8 CPU profile of the proxy (`--cpu-prof`), written when it stops. */
  cpuProfileDir?: string;
}

export async function startProxy(options: ProxyOptions): Promise<Running> {
  const port = await freePort();
  const config = await writeProxyConfig({
    dir: options.dir,
    port,
    upstream: options.upstream,
    authFiles: options.authFiles,
    configKeys: options.configKeys,
  });
  const url = `http://127.0.0.1:${port}`;
  const service = await startService(
    "proxy",
    [
      ...PROXY_NODE_FLAGS,
      ...profileFlags(options.cpuProfileDir),
      options.entry ?? DEFAULT_PROXY_ENTRY,
      "--config",
      config,
    ],
    { poll: () => healthy(url) },
    120_000, // room for a rebuild of dist/
  );
  return { service, url };
}

/**
 * Runs `entry --version` once, so an entry that builds before starting (scripts/start.mjs
 * rebuilds dist/ when src/ changed) does it now, outside every measurement and profile.
 */
export async function prepareProxy(entry: string = DEFAULT_PROXY_ENTRY): Promise<void> {
  const child = spawnNode([entry, "--version"]);
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (t: string) => (output += t));
  child.stderr!.setEncoding("utf8").on("data", (t: string) => (output += t));
  const timer = setTimeout(() => void stopChild(child, 1000), 180_000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${entry} --version failed (exit ${code}):\n${output}`);
}

/** V8 writes the profile when the process exits, named CPU.<date>.<time>.<pid>.… */
function profileFlags(dir: string | undefined): string[] {
  return dir ? ["--cpu-prof", "--cpu-prof-dir", dir] : [];
}

/**
 * How many credentials the proxy says it loaded (the `credentials` field of its
 * "CLI Proxy API listening" log line); undefined when it does not say.
 */
export function loadedCredentials(service: Service): number | undefined {
  for (const line of service.recentOutput().split("\n")) {
    if (!line.includes("CLI Proxy API listening")) continue;
    try {
      const n = (JSON.parse(line) as { credentials?: unknown }).credentials;
      if (typeof n === "number") return n;
    } catch {
      // not JSON: a log format we do not know
    }
  }
  return undefined;
}

async function healthy(url: string): Promise<boolean> {
  const { statusCode, body } = await request(`${url}/healthz`, { headersTimeout: 1000, bodyTimeout: 1000 });
  await body.dump();
  return statusCode === 200;
}
