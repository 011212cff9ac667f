/**
 * Child processes of a bench run (fake upstream, floor, proxy, load generators). Every child is
 * registered so that an exit, an error or Ctrl-C of the bench takes them all down with it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

export interface Service {
  name: string;
  pid: number;
  child: ChildProcess;
  /** The last lines the child wrote (stdout and stderr), for error messages. */
  recentOutput(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const living = new Set<ChildProcess>();
let hooksInstalled = false;

/** Kills whatever is still running when the bench process ends, however it ends. */
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", () => {
    for (const child of living) child.kill("SIGKILL");
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping children\n`);
      process.exit(130);
    });
  }
}

/** Node running a script of ours, with the same `node` binary as the bench itself. */
export function spawnNode(
  args: string[],
  env?: NodeJS.ProcessEnv,
  stdin: "ignore" | "pipe" = "ignore",
): ChildProcess {
  installExitHooks();
  const child = spawn(process.execPath, args, {
    stdio: [stdin, "pipe", "pipe"],
    env: env ?? process.env,
  });
  living.add(child);
  child.once("exit", () => living.delete(child));
  child.once("error", () => living.delete(child));
  return child;
}

/**
 * Starts a long-running service and waits until `isReady` has seen its output line or resolved
 * by polling (whichever the caller chose); fails with the child's output if it exits first.
 */
export async function startService(
  name: string,
  args: string[],
  ready: { line: RegExp } | { poll: () => Promise<boolean> },
  timeoutMs = 30_000,
  env?: NodeJS.ProcessEnv,
): Promise<Service> {
  const child = spawnNode(args, env);
  const lines: string[] = [];
  let onLine: ((line: string) => void) | undefined;
  const collect = (stream: NodeJS.ReadableStream) => {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (text: string) => {
      const parts = (partial + text).split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        if (lines.length > 40) lines.shift();
        onLine?.(line);
      }
    });
  };
  collect(child.stdout!);
  collect(child.stderr!);
  const recentOutput = () => lines.join("\n");

  const exited = new Promise<never>((_, reject) => {
    child.once("exit", (code, signal) =>
      reject(new Error(`${name} exited (${signal ?? code}) before it was ready:\n${recentOutput()}`)),
    );
    child.once("error", reject);
  });
  exited.catch(() => {}); // only observed while starting
  const becameReady =
    "line" in ready
      ? new Promise<void>((resolve) => {
          onLine = (line) => {
            if (ready.line.test(line)) {
              onLine = undefined;
              resolve();
            }
          };
        })
      : pollUntil(ready.poll, timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${name} not ready after ${timeoutMs} ms:\n${recentOutput()}`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([becameReady, exited, timedOut]);
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  } finally {
    clearTimeout(timer);
  }

  return {
    name,
    pid: child.pid!,
    child,
    recentOutput,
    stop: (graceMs = 5000) => stopChild(child, graceMs),
  };
}

/** SIGTERM lets a child flush what it writes at exit (a `--cpu-prof` profile); SIGKILL if it hangs. */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

async function pollUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready after ${timeoutMs} ms`);
}

/** A port that was free a moment ago (bind to 0, read it, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
