/** The fields that close every Ollama answer: done_reason, token counts and durations. */
import type { IRFinishReason, IRUsage } from "../ir.ts";

/** Durations in nanoseconds, as Ollama reports them; zero when unmeasured. */
export interface Durations {
  total: number;
  load: number;
  promptEval: number;
  eval: number;
}

export const NO_DURATIONS: Durations = { total: 0, load: 0, promptEval: 0, eval: 0 };

/** Ollama reports tool calls, content filters and errors as a plain `stop`. */
export function encodeDoneReason(reason: IRFinishReason): "stop" | "length" {
  return reason === "length" ? "length" : "stop";
}

export function decodeDoneReason(raw: unknown, sawToolCalls: boolean): IRFinishReason {
  if (raw === "length") return "length";
  return sawToolCalls ? "tool_calls" : "stop";
}

/** Ollama's counts: prompt_eval_count is the whole prompt, eval_count the whole output. */
export function decodeUsage(body: Record<string, any>): IRUsage | undefined {
  const input = body.prompt_eval_count;
  const output = body.eval_count;
  if (typeof input !== "number" && typeof output !== "number") return undefined;
  return {
    inputTokens: typeof input === "number" ? input : 0,
    outputTokens: typeof output === "number" ? output : 0,
  };
}

/** Writes the closing fields onto `target` in Ollama's order. */
export function writeDoneFields(
  target: Record<string, unknown>,
  reason: IRFinishReason,
  usage: IRUsage | undefined,
  durations: Durations,
): void {
  target.done = true;
  target.done_reason = encodeDoneReason(reason);
  target.total_duration = durations.total;
  target.load_duration = durations.load;
  target.prompt_eval_count = usage?.inputTokens ?? 0;
  target.prompt_eval_duration = durations.promptEval;
  target.eval_count = usage?.outputTokens ?? 0;
  target.eval_duration = durations.eval;
}

/** RFC 3339 timestamp for `created_at` from Unix seconds. */
export function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

export function secondsFromRfc3339(raw: unknown, fallback: number): number {
  if (typeof raw !== "string") return fallback;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? fallback : Math.floor(ms / 1000);
}
