/**
 * Gemini `generationConfig.thinkingConfig` <-> IR reasoning.
 *
 * Gemini 2.5 models take a token budget (`thinkingBudget`, -1 = dynamic, 0 = off where the
 * model allows it); Gemini 3 models take `thinkingLevel` and treat budgets as legacy. The encoder
 * therefore turns an effort into a level for Gemini 3 and into a budget for older models, within
 * each family's documented range. An explicit budget is always passed through as a budget.
 */
import type { IRReasoning, ReasoningEffort } from "../ir.ts";
import { field, invalidRequest, isObject, type JsonObject, optionalNumber } from "./fields.ts";

const EFFORTS = new Set<string>(["none", "auto", "minimal", "low", "medium", "high", "xhigh", "max"]);

export function decodeThinkingConfig(config: unknown, path: string): IRReasoning | undefined {
  if (config === undefined || config === null) return undefined;
  if (!isObject(config)) throw invalidRequest(path, "must be an object");
  const out: IRReasoning = {};
  const budget = optionalNumber(field(config, "thinkingBudget", "thinking_budget"), `${path}.thinkingBudget`);
  if (budget !== undefined) out.budgetTokens = budget;
  const level = field(config, "thinkingLevel", "thinking_level");
  if (level !== undefined && level !== null) {
    if (typeof level !== "string") throw invalidRequest(`${path}.thinkingLevel`, "must be a string");
    const effort = level.toLowerCase();
    if (EFFORTS.has(effort)) out.effort = effort as ReasoningEffort;
    else if (effort !== "thinking_level_unspecified")
      throw invalidRequest(`${path}.thinkingLevel`, `"${level}" is unknown`);
  }
  const include = field(config, "includeThoughts", "include_thoughts");
  if (typeof include === "boolean") out.includeThoughts = include;
  return out.budgetTokens === undefined && out.effort === undefined && out.includeThoughts === undefined
    ? undefined
    : out;
}

/** Whether the model is a Gemini 3 generation (thinking levels rather than budgets). */
function usesThinkingLevels(model: string): boolean {
  return /gemini-(?:[3-9]|\d{2,})(?:[.-]|$)/.test(model);
}

function isPro(model: string): boolean {
  return model.includes("-pro");
}

function levelFor(effort: ReasoningEffort, model: string): string | undefined {
  // Gemini 3 Pro documents only low and high; Flash adds minimal and medium.
  const pro = isPro(model);
  switch (effort) {
    case "auto":
      return undefined;
    case "none":
    case "minimal":
      return pro ? "low" : "minimal";
    case "low":
      return "low";
    case "medium":
      return pro && /gemini-3-pro/.test(model) ? "high" : "medium";
    default:
      return "high";
  }
}

const BUDGET_FOR_EFFORT: Record<ReasoningEffort, number> = {
  none: 0,
  auto: -1,
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
  max: 32768,
};

function budgetFor(effort: ReasoningEffort, model: string): number {
  const budget = BUDGET_FOR_EFFORT[effort];
  if (budget < 0) return budget;
  // 2.5 Pro cannot turn thinking off (minimum 128) and allows up to 32768; Flash caps at 24576.
  if (isPro(model)) return Math.max(128, budget);
  return Math.min(24576, budget);
}

/** `thinkingConfig` for `model`, or undefined when the request says nothing about reasoning. */
export function encodeThinkingConfig(
  reasoning: IRReasoning | undefined,
  model: string,
): JsonObject | undefined {
  if (!reasoning) return undefined;
  const out: JsonObject = {};
  if (reasoning.budgetTokens !== undefined) out.thinkingBudget = reasoning.budgetTokens;
  else if (reasoning.effort !== undefined) {
    if (usesThinkingLevels(model)) {
      const level = levelFor(reasoning.effort, model);
      if (level) out.thinkingLevel = level;
    } else out.thinkingBudget = budgetFor(reasoning.effort, model);
  }
  const off =
    reasoning.budgetTokens === 0 || (reasoning.budgetTokens === undefined && reasoning.effort === "none");
  // Clients that ask for reasoning generally want to see it; Gemini hides thoughts unless told.
  const include = reasoning.includeThoughts ?? (off ? undefined : true);
  if (include !== undefined) out.includeThoughts = include;
  return Object.keys(out).length > 0 ? out : undefined;
}
