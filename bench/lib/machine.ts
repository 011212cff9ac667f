/** The machine a run came from: numbers only mean something next to it. */
import { availableParallelism, cpus, release, totalmem } from "node:os";

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  os: string;
  memoryMb: number;
}

export function describeMachine(): Machine {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    node: process.version,
    os: `${process.platform} ${release()}`,
    memoryMb: Math.round(totalmem() / 2 ** 20),
  };
}
