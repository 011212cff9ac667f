/** Legacy Completions finish_reason <-> IR finish reason. */
import type { IRFinishReason } from "../ir.ts";

/** Completions only knows stop, length and content_filter; tool calls and errors end as `stop`. */
export function encodeFinishReason(reason: IRFinishReason): "stop" | "length" | "content_filter" {
  if (reason === "length" || reason === "content_filter") return reason;
  return "stop";
}

export function decodeFinishReason(raw: unknown): IRFinishReason {
  if (raw === "length" || raw === "content_filter") return raw;
  return "stop";
}
