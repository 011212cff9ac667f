/** Responses `reasoning: {effort, summary}` <-> IR reasoning settings. */
import type { IRReasoning, ReasoningEffort } from "../ir.ts";
import { invalidRequest, isObject } from "./invalid.ts";

const EFFORTS = new Set<string>(["none", "minimal", "low", "medium", "high", "xhigh"]);
const SUMMARIES = new Set<string>(["auto", "concise", "detailed"]);

export function decodeReasoning(reasoning: unknown): IRReasoning | undefined {
  if (reasoning === undefined || reasoning === null) return undefined;
  if (!isObject(reasoning)) throw invalidRequest("reasoning", "must be an object");
  const out: IRReasoning = {};
  const { effort, summary } = reasoning;
  if (effort !== undefined && effort !== null) {
    if (typeof effort !== "string" || !EFFORTS.has(effort)) {
      throw invalidRequest("reasoning.effort", "must be one of none, minimal, low, medium, high, xhigh");
    }
    out.effort = effort as ReasoningEffort;
  }
  // `generate_summary` is the older spelling of `summary`.
  const wanted = summary ?? reasoning.generate_summary;
  if (typeof wanted === "string" && SUMMARIES.has(wanted)) out.includeThoughts = true;
  return out.effort === undefined && out.includeThoughts === undefined ? undefined : out;
}

/** Effort for a thinking budget from a format that speaks budgets (Anthropic, Gemini). */
function effortForBudget(budget: number): string | undefined {
  if (budget === 0) return "none";
  if (budget < 0) return undefined; // dynamic: the model's default effort
  if (budget <= 2048) return "low";
  if (budget <= 8192) return "medium";
  return "high";
}

/** The Responses effort for IR settings; undefined leaves the model's default. */
export function encodeEffort(reasoning: IRReasoning | undefined): string | undefined {
  if (reasoning === undefined) return undefined;
  const effort = reasoning.effort;
  if (effort === "max") return "xhigh";
  if (effort !== undefined && effort !== "auto") return effort;
  return reasoning.budgetTokens === undefined ? undefined : effortForBudget(reasoning.budgetTokens);
}

/** IR reasoning -> the `reasoning` request object, or undefined when nothing was asked for. */
export function encodeReasoning(reasoning: IRReasoning | undefined): Record<string, unknown> | undefined {
  const effort = encodeEffort(reasoning);
  // Summaries are only asked for on request: some organisations may not receive them and get a 400.
  const summary = reasoning?.includeThoughts === true && effort !== "none" ? "auto" : undefined;
  if (effort === undefined && summary === undefined) return undefined;
  const out: Record<string, unknown> = {};
  if (effort !== undefined) out.effort = effort;
  if (summary !== undefined) out.summary = summary;
  return out;
}
