/**
 * Measurements go to one long-lived load generator process (`loadgen.ts --serve`): it keeps its
 * connections and JIT warm, so the bench can interleave many short slices cheaply.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { LoadJob, LoadResult } from "../loadgen.ts";
import { spawnNode, stopChild } from "./children.ts";

const LOADGEN = fileURLToPath(new URL("../loadgen.ts", import.meta.url));

export type Measurement = Omit<LoadJob, "id">;

interface Pending {
  resolve: (r: LoadResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class LoadWorker {
  readonly #child = spawnNode([LOADGEN, "--serve"], undefined, "pipe");
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #stderr = "";

  constructor() {
    this.#child.stderr!.setEncoding("utf8").on("data", (t: string) => {
      this.#stderr = (this.#stderr + t).slice(-4000);
    });
    createInterface({ input: this.#child.stdout! }).on("line", (line) => this.#answer(line));
    this.#child.once("exit", (code) => {
      const err = new Error(`load generator exited (${code}):\n${this.#stderr}`);
      for (const p of this.#pending.values()) {
        clearTimeout(p.timer);
        p.reject(err);
      }
      this.#pending.clear();
    });
  }

  measure(m: Measurement): Promise<LoadResult> {
    const id = this.#nextId++;
    // Generous: a stuck server must fail the run, not hang it.
    const limitMs = (m.durationMs ?? 60_000) + m.warmupMs + 60_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`no answer from ${m.url} within ${limitMs} ms`));
        void stopChild(this.#child, 1000);
      }, limitMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#child.stdin!.write(`${JSON.stringify({ ...m, id } satisfies LoadJob)}\n`);
    });
  }

  #answer(line: string): void {
    let message: { id: number; result?: LoadResult; error?: string };
    try {
      message = JSON.parse(line);
    } catch {
      return; // not ours
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.result) pending.resolve(message.result);
    else pending.reject(new Error(`load generator: ${message.error}`));
  }

  async stop(): Promise<void> {
    this.#child.stdin!.end();
    await stopChild(this.#child, 2000);
  }
}

/** Writes each distinct body once into `dir` and hands back its path. */
export class BodyFiles {
  readonly #dir: string;
  readonly #paths = new Map<string, string>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  path(body: string): string {
    let path = this.#paths.get(body);
    if (path === undefined) {
      path = join(this.#dir, `body-${this.#paths.size}.json`);
      writeFileSync(path, body);
      this.#paths.set(body, path);
    }
    return path;
  }
}
