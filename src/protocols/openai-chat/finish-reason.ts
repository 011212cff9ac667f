/** `finish_reason` <-> IR finish reason. */
import type { IRFinishReason } from "../ir.ts";

export type ChatFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/** Upstream reason -> IR. Unknown or missing reasons become `tool_calls` when calls were made, else `stop`. */
export function decodeFinishReason(raw: unknown, sawToolCalls: boolean): IRFinishReason {
  switch (raw) {
    case "length":
    case "content_filter":
    case "error":
      return raw;
    case "tool_calls":
    case "function_call":
      return "tool_calls";
    default:
      // Some upstreams report "stop" after tool calls; clients loop on "tool_calls".
      return sawToolCalls ? "tool_calls" : "stop";
  }
}

/** IR -> the reason OpenAI clients know. `error` has no OpenAI name; the error itself is reported apart. */
export function encodeFinishReason(reason: IRFinishReason, sawToolCalls: boolean): ChatFinishReason {
  if (reason === "error") return "stop";
  if (reason === "stop" && sawToolCalls) return "tool_calls";
  return reason;
}
