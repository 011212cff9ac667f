/**
 * Reads a V8 .cpuprofile (written by `--cpu-prof`) and lists where self time went, by function
 * and by file, so a bench run with --cpu-prof points at the hot spots without opening DevTools.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { markdownTable } from "./report.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
}

export interface HotSpot {
  name: string;
  selfPercent: number;
}

export interface ProfileSummary {
  /** Share of samples in which the process was not idle; the other figures are shares of these. */
  busyPercent: number;
  functions: HotSpot[];
  files: HotSpot[];
}

export function summariseProfile(path: string, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, "utf8")) as Profile;
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    // The proxy idles while the bench measures direct and floor: count only its busy time.
    if (functionName === "(idle)") {
      idle += hits;
      continue;
    }
    total += hits;
    const file = shortFile(url);
    const fn = `${functionName || "(anonymous)"} ${file}${url ? `:${lineNumber + 1}` : ""}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
    byFile.set(file, (byFile.get(file) ?? 0) + hits);
  }
  const rank = (m: Map<string, number>): HotSpot[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, hits]) => ({ name, selfPercent: Math.round((hits / Math.max(total, 1)) * 1000) / 10 }));
  const busyPercent = Math.round((total / Math.max(total + idle, 1)) * 1000) / 10;
  return { busyPercent, functions: rank(byFunction), files: rank(byFile) };
}

/** Project files relative to the checkout; node internals and (program)/(idle)/(gc) as they are. */
function shortFile(url: string): string {
  if (!url) return "(native)";
  if (url.startsWith("file://")) return relative(process.cwd(), new URL(url).pathname);
  return url;
}

export function profileTable(summary: ProfileSummary): string {
  const fns = markdownTable(
    ["function (self time)", "%"],
    summary.functions.map((h) => [h.name, h.selfPercent.toFixed(1)]),
  );
  const files = markdownTable(
    ["file (self time)", "%"],
    summary.files.map((h) => [h.name, h.selfPercent.toFixed(1)]),
  );
  return `Busy ${summary.busyPercent}% of the run; shares below are of busy time.\n\n${fns}\n\n${files}`;
}
