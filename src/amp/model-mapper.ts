import { type AmpModelMapping, mappingPattern } from "../config/schema-ampcode.ts";

// `ampcode.model-mappings`: the model Amp asks for -> a model this proxy serves. Exact names
// match case-insensitively and win over patterns; patterns (`regex: true`) are tried in file
// order. A mapping only counts when its target is served locally. The thinking suffix
// (`model(high)`) matches on the name without it and is carried over to the target, unless the
// target names its own.

/** `name(suffix)` -> [name, suffix]; suffix is undefined when there are no parentheses. */
const SUFFIX = /^(.+)\(([^()]*)\)$/;

function splitSuffix(model: string): [base: string, suffix: string | undefined] {
  const m = SUFFIX.exec(model);
  return m ? [m[1], m[2]] : [model, undefined];
}

export class ModelMapper {
  private readonly exact = new Map<string, string>();
  private readonly patterns: { re: RegExp; to: string }[] = [];

  constructor(mappings: readonly AmpModelMapping[]) {
    for (const m of mappings) {
      if (!m.from || !m.to) continue;
      if (m.regex) {
        const re = mappingPattern(m.from);
        if (typeof re !== "string") this.patterns.push({ re, to: m.to });
      } else {
        // Two mappings for one name (in any case): the later one wins, as in the original.
        this.exact.set(m.from.toLowerCase(), m.to);
      }
    }
  }

  get empty(): boolean {
    return this.exact.size === 0 && this.patterns.length === 0;
  }

  /**
   * The local model to use for `requested`, or undefined when no mapping applies or its target
   * is not served (`served` is asked about the target without its thinking suffix).
   */
  map(requested: string, served: (model: string) => boolean): string | undefined {
    if (this.empty || requested === "") return undefined;
    const [base, suffix] = splitSuffix(requested);
    const name = base.trim();
    let target = this.exact.get(name.toLowerCase());
    if (target === undefined) target = this.patterns.find((p) => p.re.test(name))?.to;
    if (target === undefined) return undefined;
    const [targetBase, targetSuffix] = splitSuffix(target);
    if (!served(targetBase)) return undefined;
    if (targetSuffix !== undefined || !suffix) return target;
    return `${target}(${suffix})`;
  }
}
