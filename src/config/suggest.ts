import type { z } from "zod";
import type { ConfigPath } from "./locate.ts";

// "Did you mean ...?" for unknown keys: finds the keys the schema allows at a path and picks
// the closest one by edit distance.

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Strips defaults, optionals, preprocessors and transforms down to the structural schema. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.innerType && (def.type === "default" || def.type === "prefault" || def.type === "optional")) {
      current = def.innerType;
    } else if (def.type === "pipe" && def.in && def.out) {
      current = defOf(def.in).type === "transform" ? def.out : def.in;
    } else {
      return current;
    }
  }
}

/** Keys allowed in the mapping at `path`, or [] when the path does not lead to a fixed-key mapping. */
export function knownKeysAt(root: z.ZodType, path: ConfigPath): string[] {
  let current = unwrap(root);
  for (const segment of path) {
    const def = defOf(current);
    if (def.type === "object" && def.shape && typeof segment === "string" && def.shape[segment]) {
      current = unwrap(def.shape[segment]);
    } else if (def.type === "array" && def.element) {
      current = unwrap(def.element);
    } else if (def.type === "record" && def.valueType) {
      current = unwrap(def.valueType);
    } else {
      return [];
    }
  }
  const def = defOf(current);
  return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}

/** The closest candidate to `key`, if it is close enough to be a plausible typo. */
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  const needle = key.toLowerCase().replaceAll("_", "-");
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(needle, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(2, Math.floor(needle.length / 4));
  return bestDistance <= limit ? best : undefined;
}
