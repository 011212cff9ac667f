/**
 * Gemini `usageMetadata` <-> IR usage. Gemini counts thinking separately from the answer
 * (`thoughtsTokenCount` beside `candidatesTokenCount`); the IR folds it into outputTokens and
 * reports it again as reasoningTokens. `cachedContentTokenCount` is already part of the prompt.
 */
import type { IRUsage } from "../ir.ts";
import { field, isObject, type JsonObject } from "./fields.ts";

function count(obj: JsonObject, camel: string, snake: string): number {
  const v = field(obj, camel, snake);
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

export function decodeUsage(meta: unknown): IRUsage | undefined {
  if (!isObject(meta)) return undefined;
  const thoughts = count(meta, "thoughtsTokenCount", "thoughts_token_count");
  const usage: IRUsage = {
    // Tokens of tool-use prompts (e.g. search results) are billed as input too.
    inputTokens:
      count(meta, "promptTokenCount", "prompt_token_count") +
      count(meta, "toolUsePromptTokenCount", "tool_use_prompt_token_count"),
    outputTokens: count(meta, "candidatesTokenCount", "candidates_token_count") + thoughts,
  };
  const cached = count(meta, "cachedContentTokenCount", "cached_content_token_count");
  if (cached > 0) usage.cachedInputTokens = cached;
  if (thoughts > 0) usage.reasoningTokens = thoughts;
  return usage;
}

export function encodeUsage(usage: IRUsage): JsonObject {
  const reasoning = usage.reasoningTokens ?? 0;
  const out: JsonObject = {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: Math.max(0, usage.outputTokens - reasoning),
    totalTokenCount: usage.inputTokens + usage.outputTokens,
  };
  if (usage.cachedInputTokens) out.cachedContentTokenCount = usage.cachedInputTokens;
  if (reasoning > 0) out.thoughtsTokenCount = reasoning;
  return out;
}
