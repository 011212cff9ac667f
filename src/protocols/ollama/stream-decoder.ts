/** Ollama NDJSON lines (chat or generate) -> IR stream events. */
import { nowSeconds, randomId } from "../ids.ts";
import type { IRStreamEvent, SSEMessage, StreamDecoder } from "../ir.ts";
import { decodeDoneReason, decodeUsage, secondsFromRfc3339 } from "./done-fields.ts";
import { isObject } from "./invalid.ts";
import { argumentsToJson } from "./tool-calls.ts";

/**
 * Each message's `data` is one NDJSON line (several are tolerated). Ollama sends tool calls
 * whole, so each becomes start + one args delta + end at once; nothing is left open.
 */
export class OllamaStreamDecoder implements StreamDecoder {
  private started = false;
  private finished = false;
  private toolCalls = 0;

  push(message: SSEMessage, out: IRStreamEvent[]): void {
    const data = message.data;
    if (data.indexOf("\n") < 0) {
      this.line(data, out);
      return;
    }
    for (const line of data.split("\n")) this.line(line, out);
  }

  end(out: IRStreamEvent[]): void {
    if (this.finished) return;
    this.ensureStarted(undefined, out);
    this.finished = true;
    out.push({ type: "finish", reason: this.toolCalls > 0 ? "tool_calls" : "stop" });
  }

  private line(raw: string, out: IRStreamEvent[]): void {
    if (this.finished || raw.trim() === "") return;
    let chunk: unknown;
    try {
      chunk = JSON.parse(raw);
    } catch {
      return; // like the Ollama clients, skip a line that is not JSON
    }
    if (!isObject(chunk)) return;
    if (chunk.error !== undefined) {
      this.finished = true;
      const message = typeof chunk.error === "string" ? chunk.error : JSON.stringify(chunk.error);
      out.push({ type: "error", status: 502, errorType: "upstream_error", message });
      return;
    }
    this.ensureStarted(chunk, out);
    const msg = isObject(chunk.message) ? chunk.message : chunk;
    if (typeof msg.thinking === "string" && msg.thinking !== "")
      out.push({ type: "reasoning", delta: msg.thinking });
    const text = typeof msg.content === "string" ? msg.content : chunk.response;
    if (typeof text === "string" && text !== "") out.push({ type: "text", delta: text });
    if (Array.isArray(msg.tool_calls)) {
      for (const call of msg.tool_calls) {
        const fn = isObject(call) ? call.function : undefined;
        if (!isObject(fn) || typeof fn.name !== "string") continue;
        const index = this.toolCalls++;
        const id = typeof call.id === "string" && call.id !== "" ? call.id : randomId("call_");
        out.push({ type: "tool_call_start", index, id, name: fn.name });
        out.push({ type: "tool_call_delta", index, argsDelta: argumentsToJson(fn.arguments) });
        out.push({ type: "tool_call_end", index });
      }
    }
    if (chunk.done === true) {
      this.finished = true;
      const usage = decodeUsage(chunk);
      if (usage) out.push({ type: "usage", usage });
      out.push({ type: "finish", reason: decodeDoneReason(chunk.done_reason, this.toolCalls > 0) });
    }
  }

  private ensureStarted(chunk: Record<string, any> | undefined, out: IRStreamEvent[]): void {
    if (this.started) return;
    this.started = true;
    out.push({
      type: "start",
      id: randomId("ollama-"),
      model: typeof chunk?.model === "string" ? chunk.model : "",
      created: secondsFromRfc3339(chunk?.created_at, nowSeconds()),
    });
  }
}
