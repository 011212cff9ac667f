/** Gemini `finishReason` <-> IR finish reasons. */
import type { IRFinishReason } from "../ir.ts";

const CONTENT_FILTER = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "LANGUAGE",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
]);

const TOOL_FAILURE = new Set([
  "MALFORMED_FUNCTION_CALL",
  "UNEXPECTED_TOOL_CALL",
  "TOO_MANY_TOOL_CALLS",
  "MISSING_THOUGHT_SIGNATURE",
]);

/**
 * Gemini reports STOP even when the model called functions, so `sawToolCall` turns it into
 * `tool_calls`.
 */
export function decodeFinishReason(reason: string | undefined, sawToolCall: boolean): IRFinishReason {
  if (reason === "MAX_TOKENS") return "length";
  if (reason !== undefined && CONTENT_FILTER.has(reason)) return "content_filter";
  if (reason !== undefined && TOOL_FAILURE.has(reason)) return "error";
  return sawToolCall ? "tool_calls" : "stop";
}

export function encodeFinishReason(reason: IRFinishReason): string {
  switch (reason) {
    case "length":
      return "MAX_TOKENS";
    case "content_filter":
      return "SAFETY";
    case "error":
      return "OTHER";
    default:
      return "STOP";
  }
}
