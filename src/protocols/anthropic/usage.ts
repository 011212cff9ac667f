/**
 * Usage conversion. Anthropic's `input_tokens` excludes cached prompt tokens; the IR counts them
 * (OpenAI semantics), so decoding adds cache reads and writes in and encoding takes them out.
 */
import type { IRUsage } from "../ir.ts";
import { isObject } from "./invalid.ts";

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function decodeUsage(usage: unknown): IRUsage | undefined {
  if (!isObject(usage)) return undefined;
  const cacheRead = count(usage.cache_read_input_tokens);
  const cacheCreation = count(usage.cache_creation_input_tokens);
  const decoded: IRUsage = {
    inputTokens: (count(usage.input_tokens) ?? 0) + (cacheRead ?? 0) + (cacheCreation ?? 0),
    outputTokens: count(usage.output_tokens) ?? 0,
  };
  if (cacheRead !== undefined) decoded.cachedInputTokens = cacheRead;
  if (cacheCreation !== undefined) decoded.cacheCreationInputTokens = cacheCreation;
  const thinking = isObject(usage.output_tokens_details)
    ? count(usage.output_tokens_details.thinking_tokens)
    : undefined;
  if (thinking !== undefined) decoded.reasoningTokens = thinking;
  return decoded;
}

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens_details?: { thinking_tokens: number };
}

export function encodeUsage(usage: IRUsage | undefined): AnthropicUsage {
  if (usage === undefined) {
    return { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  }
  const cacheRead = usage.cachedInputTokens ?? 0;
  const cacheCreation = usage.cacheCreationInputTokens ?? 0;
  const encoded: AnthropicUsage = {
    input_tokens: Math.max(0, usage.inputTokens - cacheRead - cacheCreation),
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: cacheCreation,
    cache_read_input_tokens: cacheRead,
  };
  if (usage.reasoningTokens !== undefined)
    encoded.output_tokens_details = { thinking_tokens: usage.reasoningTokens };
  return encoded;
}
