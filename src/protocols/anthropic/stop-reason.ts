/** Anthropic `stop_reason` <-> IR finish reason. */
import type { IRFinishReason } from "../ir.ts";

export type AnthropicStopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal";

export function decodeStopReason(reason: unknown): IRFinishReason {
  switch (reason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      // end_turn, stop_sequence, and pause_turn (a server-tool pause the client may resume).
      return "stop";
  }
}

/** A matched stop sequence turns a plain stop into `stop_sequence`, as Anthropic reports it. */
export function encodeStopReason(
  reason: IRFinishReason,
  stopSequence: string | undefined,
): AnthropicStopReason {
  switch (reason) {
    case "length":
      return "max_tokens";
    case "tool_calls":
      return "tool_use";
    case "content_filter":
      return "refusal";
    default:
      return stopSequence === undefined ? "end_turn" : "stop_sequence";
  }
}
