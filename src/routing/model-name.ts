/**
 * Parsing of the model string a client sends: `provider://model`, `prefix/model` and the
 * thinking suffix `model(high)` / `model(8192)` / `model(none)` / `model(auto)`.
 */

export interface ParsedModelName {
  /** Name without the thinking suffix, e.g. `openrouter://kimi-k2` or `team/gpt-5`. */
  base: string;
  /** Raw text inside the trailing parentheses, lower-cased, when present. */
  thinking?: string;
}

const SUFFIX = /^(.+)\(([^()]*)\)$/;

export function splitThinkingSuffix(model: string): ParsedModelName {
  const m = SUFFIX.exec(model);
  if (!m) return { base: model };
  return { base: m[1], thinking: m[2].trim().toLowerCase() };
}

/** `gemini://gemini-2.5-pro` -> ["gemini", "gemini-2.5-pro"]; undefined when not forced. */
export function splitForcedProvider(model: string): [provider: string, model: string] | undefined {
  const i = model.indexOf("://");
  if (i <= 0) return undefined;
  return [model.slice(0, i).toLowerCase(), model.slice(i + 3)];
}

/** `*` wildcard match, case-insensitive (used by excluded-models). */
export function matchesPattern(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  if (!p.includes("*")) return p === n;
  const re = new RegExp(`^${p.split("*").map(escapeRegExp).join(".*")}$`);
  return re.test(n);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
