/** OpenAI `usage` object <-> IR usage (the IR already uses OpenAI semantics). */
import type { IRUsage } from "../ir.ts";
import { isObject } from "./invalid.ts";

export interface CompletionsUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

export function encodeUsage(usage: IRUsage): CompletionsUsage {
  const out: CompletionsUsage = {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
  if (usage.cachedInputTokens !== undefined)
    out.prompt_tokens_details = { cached_tokens: usage.cachedInputTokens };
  if (usage.reasoningTokens !== undefined) {
    out.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  }
  return out;
}

export function decodeUsage(raw: unknown): IRUsage | undefined {
  if (!isObject(raw)) return undefined;
  const usage: IRUsage = {
    inputTokens: count(raw.prompt_tokens),
    outputTokens: count(raw.completion_tokens),
  };
  const cached = raw.prompt_tokens_details?.cached_tokens;
  if (typeof cached === "number") usage.cachedInputTokens = cached;
  const reasoning = raw.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === "number") usage.reasoningTokens = reasoning;
  return usage;
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
