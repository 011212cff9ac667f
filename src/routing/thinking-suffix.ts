/**
 * The thinking suffix of a model name (`model(high)`, `model(8192)`, `model(none)`,
 * `model(auto)`) and its meaning for one upstream model: the IR reasoning setting, clamped
 * to what that model accepts.
 */
import type { IRReasoning, ReasoningEffort } from "../protocols/ir.ts";
import type { ThinkingSupport } from "../providers/catalog.ts";
import { ProxyError } from "../server/errors.ts";

/** An effort level that asks for some thinking (not `none`, not `auto`). */
export type ThinkingLevel = "minimal" | "low" | "medium" | "high" | "xhigh" | "max";

export type ThinkingSuffix =
  | { kind: "off" }
  | { kind: "auto" }
  | { kind: "level"; level: ThinkingLevel }
  | { kind: "budget"; tokens: number };

/** What is known about an upstream model's reasoning control. */
export interface ModelCaps {
  /** Undefined: the model takes no reasoning control, so the suffix is only stripped. */
  thinking?: ThinkingSupport;
  maxOutputTokens?: number;
}

const LEVELS = new Set<string>(["minimal", "low", "medium", "high", "xhigh", "max"]);

/** Rank of every effort, lowest first, for clamping a level to the nearest one a model takes. */
const RANK: Record<ReasoningEffort, number> = {
  none: 0,
  auto: 0,
  minimal: 1,
  low: 2,
  medium: 3,
  high: 4,
  xhigh: 5,
  max: 6,
};

/** Token budget that stands in for a level on models that take budgets (the original's table). */
const LEVEL_BUDGET: Record<Exclude<ThinkingLevel, "max">, number> = {
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
};

/** Budget used for `auto` on budget models that have no dynamic mode (as the Anthropic codec does). */
const AUTO_BUDGET = 8192;

/**
 * Parses the text inside the parentheses. Empty text means no suffix (undefined); anything
 * that is neither a level, `none`/`auto` nor an integer budget is a client error.
 */
export function parseThinkingSuffix(text: string | undefined): ThinkingSuffix | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  if (t === "") return undefined;
  if (t === "none" || t === "off" || t === "disabled") return { kind: "off" };
  if (t === "auto" || t === "dynamic") return { kind: "auto" };
  if (LEVELS.has(t)) return { kind: "level", level: t as ThinkingLevel };
  if (/^-?\d+$/.test(t)) {
    const n = Number(t);
    if (n === 0) return { kind: "off" };
    if (n === -1) return { kind: "auto" };
    if (n > 0 && Number.isSafeInteger(n)) return { kind: "budget", tokens: n };
  }
  throw new ProxyError(
    400,
    `unknown thinking suffix "(${text})": use none, auto, minimal, low, medium, high, xhigh, max or a token budget`,
    { code: "invalid_thinking_suffix" },
  );
}

/**
 * The reasoning setting a suffix asks of a model. `caps` undefined means the model is not
 * known, so the suffix applies as written; a known model without thinking support gives
 * undefined (nothing to set). Budgets are clamped to the model's range, levels to the
 * nearest level it accepts; `none` falls back to the lowest setting where thinking cannot be
 * turned off, `auto` to a mid budget where the model has no dynamic mode.
 */
export function reasoningForSuffix(
  suffix: ThinkingSuffix,
  caps: ModelCaps | undefined,
): IRReasoning | undefined {
  if (caps === undefined) return unclamped(suffix);
  const t = caps.thinking;
  if (t === undefined) return undefined;
  const budgets = t.max !== undefined;
  const levels = t.levels && t.levels.length > 0 ? t.levels : undefined;

  switch (suffix.kind) {
    case "off":
      if (budgets && t.zeroAllowed) return { budgetTokens: 0 };
      if (levels?.includes("none")) return { effort: "none" };
      if (levels) return { effort: levels[0] };
      return budgets ? { budgetTokens: clampBudget(t.min ?? 1, t) } : { effort: "none" };
    case "auto":
      if (t.dynamicAllowed) return { budgetTokens: -1 };
      if (budgets) return { budgetTokens: clampBudget(AUTO_BUDGET, t) };
      return { effort: "auto" };
    case "level":
      if (levels) return { effort: nearestLevel(suffix.level, levels) };
      if (budgets) {
        const want = suffix.level === "max" ? (t.max as number) : LEVEL_BUDGET[suffix.level];
        return { budgetTokens: clampBudget(want, t) };
      }
      return { effort: suffix.level };
    case "budget":
      if (budgets) return { budgetTokens: clampBudget(suffix.tokens, t) };
      if (levels) return { effort: nearestLevel(levelForBudget(suffix.tokens), levels) };
      return { budgetTokens: suffix.tokens };
  }
}

function unclamped(suffix: ThinkingSuffix): IRReasoning {
  switch (suffix.kind) {
    case "off":
      return { effort: "none" };
    case "auto":
      return { effort: "auto" };
    case "level":
      return { effort: suffix.level };
    case "budget":
      return { budgetTokens: suffix.tokens };
  }
}

function clampBudget(n: number, t: ThinkingSupport): number {
  const min = t.min ?? 1;
  const max = t.max ?? Number.MAX_SAFE_INTEGER;
  return Math.min(max, Math.max(min, n));
}

/** The level a budget corresponds to, by the same table levels are turned into budgets with. */
function levelForBudget(tokens: number): ThinkingLevel {
  if (tokens <= LEVEL_BUDGET.minimal) return "minimal";
  if (tokens <= LEVEL_BUDGET.low * 2) return "low";
  if (tokens <= LEVEL_BUDGET.medium) return "medium";
  if (tokens <= LEVEL_BUDGET.high) return "high";
  return "xhigh";
}

/** The accepted level closest to `want`; on a tie the higher one. `none` is never a stand-in. */
function nearestLevel(want: ThinkingLevel, levels: readonly ReasoningEffort[]): ReasoningEffort {
  if (levels.includes(want)) return want;
  let best: ReasoningEffort | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const level of levels) {
    if (level === "none" || level === "auto") continue;
    const d = Math.abs(RANK[level] - RANK[want]);
    if (d < bestDistance || (d === bestDistance && best !== undefined && RANK[level] > RANK[best])) {
      best = level;
      bestDistance = d;
    }
  }
  return best ?? want;
}
