/** Ollama `think` (boolean or "low" | "medium" | "high") <-> IR reasoning. */
import type { IRReasoning } from "../ir.ts";
import { invalidRequest } from "./invalid.ts";

export type OllamaThink = boolean | "low" | "medium" | "high";

export function decodeThink(raw: unknown): IRReasoning | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (raw === false) return { effort: "none", includeThoughts: false };
  // `true` turns thinking on without a level: the model decides how hard to think.
  if (raw === true) return { effort: "auto", includeThoughts: true };
  if (raw === "low" || raw === "medium" || raw === "high") return { effort: raw, includeThoughts: true };
  throw invalidRequest("think", 'must be a boolean or one of "low", "medium", "high"');
}

export function encodeThink(reasoning: IRReasoning | undefined): OllamaThink | undefined {
  if (!reasoning) return undefined;
  switch (reasoning.effort) {
    case "none":
      return false;
    case "minimal":
    case "low":
      return "low";
    case "medium":
      return "medium";
    case "high":
    case "xhigh":
    case "max":
      return "high";
    case "auto":
      return true;
  }
  if (reasoning.budgetTokens !== undefined) return reasoning.budgetTokens !== 0;
  return reasoning.includeThoughts;
}
