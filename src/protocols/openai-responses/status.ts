/** Response `status` / `incomplete_details` / `error` <-> IR finish reasons and error events. */
import type { IRFinishReason } from "../ir.ts";
import { isObject } from "./invalid.ts";

/** Finish reason of a finished response; function calls in the output mean `tool_calls`. */
export function decodeFinish(response: Record<string, any>, hasToolCalls: boolean): IRFinishReason {
  if (response.status === "failed") return "error";
  if (response.status === "incomplete") {
    const reason = isObject(response.incomplete_details) ? response.incomplete_details.reason : undefined;
    return reason === "content_filter" ? "content_filter" : "length";
  }
  return hasToolCalls ? "tool_calls" : "stop";
}

/** The fields of a finished response that describe how it ended. */
export interface Outcome {
  status: "completed" | "incomplete" | "failed";
  incomplete_details: { reason: string } | null;
  error: { code: string; message: string } | null;
}

export function encodeFinish(reason: IRFinishReason | undefined): Outcome {
  switch (reason) {
    case "length":
      return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, error: null };
    case "content_filter":
      return { status: "incomplete", incomplete_details: { reason: "content_filter" }, error: null };
    case "error":
      return failure("server_error", "the upstream model ended the response with an error");
    default:
      return { status: "completed", incomplete_details: null, error: null };
  }
}

export function failure(code: string, message: string): Outcome {
  return { status: "failed", incomplete_details: null, error: { code, message } };
}

/** Responses error code for an IR error type (Codex CLI branches on these codes). */
export function errorCode(errorType: string, status: number): string {
  if (errorType === "rate_limit_error" || status === 429) return "rate_limit_exceeded";
  if (errorType === "invalid_request_error" || status === 400) return "invalid_prompt";
  return "server_error";
}

/** IR error status and type for a Responses error code. */
export function decodeErrorCode(code: unknown): { status: number; errorType: string } {
  switch (code) {
    case "rate_limit_exceeded":
    case "insufficient_quota":
      return { status: 429, errorType: "rate_limit_error" };
    case "server_is_overloaded":
    case "slow_down":
      return { status: 503, errorType: "overloaded_error" };
    case "server_error":
    case null:
    case undefined:
      return { status: 500, errorType: "server_error" };
    default:
      // Prompt, context-length and image codes all describe a request the upstream refused.
      return { status: 400, errorType: "invalid_request_error" };
  }
}
