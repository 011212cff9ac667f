/** Responses `usage` <-> IR usage. Responses already counts cached tokens inside input_tokens. */
import type { IRUsage } from "../ir.ts";
import { isObject } from "./invalid.ts";

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

export function decodeUsage(usage: unknown): IRUsage | undefined {
  if (!isObject(usage)) return undefined;
  const out: IRUsage = { inputTokens: count(usage.input_tokens), outputTokens: count(usage.output_tokens) };
  const cached = isObject(usage.input_tokens_details) ? usage.input_tokens_details.cached_tokens : undefined;
  if (typeof cached === "number") out.cachedInputTokens = cached;
  const reasoning = isObject(usage.output_tokens_details)
    ? usage.output_tokens_details.reasoning_tokens
    : undefined;
  if (typeof reasoning === "number") out.reasoningTokens = reasoning;
  return out;
}

export function encodeUsage(usage: IRUsage): Record<string, unknown> {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}
