/**
 * Reasoning settings: Anthropic `thinking` + `output_config.effort` <-> IR reasoning, and the
 * `max_tokens` that must accompany them.
 *
 * Claude models split in two generations. Up to 4.5, thinking is `{type:"enabled", budget_tokens}`
 * and `adaptive` is rejected. From 4.6 on, `{type:"adaptive"}` with `output_config.effort` is the
 * supported form (Opus 4.7+ rejects budgets). The encoder therefore picks the form from the model
 * name; names it cannot place (non-Claude models behind Anthropic-compatible APIs) get budgets,
 * the form every Anthropic-compatible server understands.
 */
import type { IRReasoning, ReasoningEffort } from "../ir.ts";
import { invalidRequest, isObject, optionalNumber } from "./invalid.ts";

/** max_tokens when the client gave none; Anthropic requires the field. */
export const DEFAULT_MAX_TOKENS = 8192;
/** Anthropic's minimum thinking budget. */
const MIN_BUDGET = 1024;

type AnthropicEffort = "low" | "medium" | "high" | "xhigh" | "max";
const ANTHROPIC_EFFORTS = new Set<string>(["low", "medium", "high", "xhigh", "max"]);

/** Budgets standing in for effort levels on models that only take budgets. */
const BUDGET_FOR_EFFORT: Record<ReasoningEffort, number> = {
  none: 0,
  auto: 8192,
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 24576,
  max: 32000,
};

function effortForBudget(budget: number): AnthropicEffort {
  if (budget <= 2048) return "low";
  if (budget <= 8192) return "medium";
  if (budget <= 24576) return "high";
  return "max";
}

function anthropicEffort(effort: ReasoningEffort | undefined): AnthropicEffort | undefined {
  if (effort === "minimal") return "low";
  return effort !== undefined && ANTHROPIC_EFFORTS.has(effort) ? (effort as AnthropicEffort) : undefined;
}

const CLAUDE_VERSION = /claude-(?:[a-z]+-)*?(\d+)(?:[-.](\d{1,2})(?!\d))?/;

/** Whether `model` is a Claude generation that takes adaptive thinking (4.6 and later). */
export function supportsAdaptiveThinking(model: string): boolean {
  const at = model.indexOf("claude-");
  if (at === -1) return false;
  const match = CLAUDE_VERSION.exec(model.slice(at));
  // Claude names without a version (e.g. preview codenames) are newer than the numbered ones.
  if (match === null) return true;
  const major = Number(match[1]);
  const minor = match[2] === undefined ? 0 : Number(match[2]);
  return major > 4 || (major === 4 && minor >= 6);
}

/** `thinking` and `output_config.effort` of a client request -> IR reasoning. */
export function decodeThinking(thinking: unknown, outputConfig: unknown): IRReasoning | undefined {
  const rawEffort = isObject(outputConfig) ? outputConfig.effort : undefined;
  const effort = typeof rawEffort === "string" && ANTHROPIC_EFFORTS.has(rawEffort) ? rawEffort : undefined;
  if (thinking === undefined || thinking === null) {
    return effort === undefined ? undefined : { effort: effort as ReasoningEffort };
  }
  if (!isObject(thinking)) throw invalidRequest("thinking", "must be an object");
  const reasoning: IRReasoning = {};
  switch (thinking.type) {
    case "enabled": {
      const budget = optionalNumber(thinking.budget_tokens, "thinking.budget_tokens");
      if (budget === undefined) throw invalidRequest("thinking.budget_tokens", "is required");
      reasoning.budgetTokens = budget;
      if (effort !== undefined) reasoning.effort = effort as ReasoningEffort;
      break;
    }
    case "disabled":
      return { effort: "none" };
    case "adaptive":
      reasoning.effort = (effort as ReasoningEffort | undefined) ?? "auto";
      break;
    default:
      // Newer modes (e.g. between_tools) have no IR meaning; let the upstream default apply.
      return effort === undefined ? undefined : { effort: effort as ReasoningEffort };
  }
  if (thinking.display === "omitted") reasoning.includeThoughts = false;
  else if (thinking.display === "summarized") reasoning.includeThoughts = true;
  return reasoning;
}

export interface EncodedThinking {
  maxTokens: number;
  thinking?: Record<string, unknown>;
  effort?: AnthropicEffort;
}

/** IR reasoning -> `thinking`, `output_config.effort` and a `max_tokens` compatible with them. */
export function encodeThinking(
  reasoning: IRReasoning | undefined,
  model: string,
  maxTokens: number | undefined,
): EncodedThinking {
  if (reasoning === undefined || (reasoning.effort === undefined && reasoning.budgetTokens === undefined)) {
    return { maxTokens: maxTokens ?? DEFAULT_MAX_TOKENS };
  }
  if (reasoning.effort === "none" || reasoning.budgetTokens === 0) {
    return { maxTokens: maxTokens ?? DEFAULT_MAX_TOKENS, thinking: { type: "disabled" } };
  }
  const budget =
    reasoning.budgetTokens !== undefined && reasoning.budgetTokens > 0 ? reasoning.budgetTokens : 0;
  if (supportsAdaptiveThinking(model)) {
    const effort = anthropicEffort(reasoning.effort) ?? (budget > 0 ? effortForBudget(budget) : undefined);
    // Thinking counts against max_tokens; leave room for it when the client set no limit.
    const encoded: EncodedThinking = {
      maxTokens: maxTokens ?? 2 * DEFAULT_MAX_TOKENS,
      thinking: { type: "adaptive" },
    };
    if (effort !== undefined) encoded.effort = effort;
    return encoded;
  }
  let budgetTokens = Math.max(
    MIN_BUDGET,
    budget > 0 ? budget : BUDGET_FOR_EFFORT[reasoning.effort ?? "auto"],
  );
  if (maxTokens === undefined) {
    return {
      maxTokens: budgetTokens + DEFAULT_MAX_TOKENS,
      thinking: { type: "enabled", budget_tokens: budgetTokens },
    };
  }
  // budget_tokens must be >= 1024 and < max_tokens; a limit too small for any thinking turns it off.
  if (maxTokens <= MIN_BUDGET) return { maxTokens };
  budgetTokens = Math.min(budgetTokens, maxTokens - 1);
  return { maxTokens, thinking: { type: "enabled", budget_tokens: budgetTokens } };
}
