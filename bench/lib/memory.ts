/** Resident memory of a child process, read from /proc (Linux). */
import { readFileSync } from "node:fs";

export interface RssReading {
  /** Current resident set, MB. */
  rssMb: number;
  /** Peak resident set since the process started (VmHWM), MB. */
  peakMb: number;
}

export function readRss(pid: number): RssReading | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined; // not Linux, or the process is gone
  }
  return { rssMb: kbField(status, "VmRSS:") / 1024, peakMb: kbField(status, "VmHWM:") / 1024 };
}

function kbField(status: string, name: string): number {
  const at = status.indexOf(name);
  if (at < 0) return Number.NaN;
  return Number.parseInt(status.slice(at + name.length), 10);
}

/** Samples a process's RSS on an interval and keeps the extremes. */
export class RssSampler {
  readonly #pid: number;
  readonly #timer: NodeJS.Timeout;
  min = Number.POSITIVE_INFINITY;
  max = 0;
  samples = 0;

  constructor(pid: number, intervalMs = 25) {
    this.#pid = pid;
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), intervalMs);
  }

  #sample(): void {
    const reading = readRss(this.#pid);
    if (!reading) return;
    this.samples++;
    if (reading.rssMb < this.min) this.min = reading.rssMb;
    if (reading.rssMb > this.max) this.max = reading.rssMb;
  }

  stop(): { minMb: number; maxMb: number; samples: number } {
    clearInterval(this.#timer);
    this.#sample();
    return { minMb: this.min, maxMb: this.max, samples: this.samples };
  }
}
