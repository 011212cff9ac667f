/**
 * Upstream Gemini stream (one GenerateContentResponse per SSE message, `alt=sse`) -> IR events.
 *
 * Text and thoughts arrive as deltas; a functionCall arrives whole, so it becomes start + one
 * delta + end at once. A thoughtSignature on a non-call part is emitted before that part's
 * content, so it closes the reasoning that preceded it. Usage rides on every chunk; the last one
 * is reported right before the finish.
 */
import { typeForStatus } from "../../server/errors.ts";
import { nowSeconds, randomId } from "../ids.ts";
import type { IRFinishReason, IRStreamEvent, IRUsage, SSEMessage, StreamDecoder } from "../ir.ts";
import { field, isObject, type JsonObject } from "./fields.ts";
import { decodeFinishReason } from "./finish.ts";
import { decodeMediaPart, partSignature } from "./parts-decode.ts";
import { blockReason, modelVersion, newCallId, responseId } from "./response.ts";
import { decodeUsage } from "./usage.ts";

export class GeminiStreamDecoder implements StreamDecoder {
  private started = false;
  /** A finish or error went out: nothing more is owed. */
  private done = false;
  private toolCalls = 0;
  private usage: IRUsage | undefined;

  push(message: SSEMessage, out: IRStreamEvent[]): void {
    const data = message.data;
    if (this.done || data === "" || data === "[DONE]") return;
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      this.fail(out, 502, "upstream sent a stream chunk that is not JSON");
      return;
    }
    this.pushChunk(chunk, out);
  }

  /** Decode one already-parsed chunk (the Gemini CLI envelope unwraps into this). */
  pushChunk(chunk: unknown, out: IRStreamEvent[]): void {
    if (this.done) return;
    if (!isObject(chunk)) {
      this.fail(out, 502, "upstream sent a stream chunk that is not an object");
      return;
    }
    if (isObject(chunk.error)) {
      const err = chunk.error;
      const status = typeof err.code === "number" ? err.code : 500;
      this.fail(out, status, typeof err.message === "string" ? err.message : "upstream stream error");
      return;
    }
    if (!this.started) this.start(out, chunk);

    const candidate = Array.isArray(chunk.candidates) ? chunk.candidates[0] : undefined;
    const content = isObject(candidate) ? candidate.content : undefined;
    if (isObject(content) && Array.isArray(content.parts)) {
      for (const part of content.parts) if (isObject(part)) this.decodePart(part, out);
    }
    const usage = decodeUsage(field(chunk, "usageMetadata", "usage_metadata"));
    if (usage) this.usage = usage;

    const reason = isObject(candidate) ? field(candidate, "finishReason", "finish_reason") : undefined;
    if (typeof reason === "string" && reason !== "FINISH_REASON_UNSPECIFIED") {
      this.finish(out, decodeFinishReason(reason, this.toolCalls > 0));
    } else if (blockReason(chunk)) this.finish(out, "content_filter");
  }

  end(out: IRStreamEvent[]): void {
    if (this.done) return;
    if (!this.started) this.start(out, {});
    this.finish(out, this.toolCalls > 0 ? "tool_calls" : "stop");
  }

  private start(out: IRStreamEvent[], chunk: JsonObject): void {
    this.started = true;
    out.push({
      type: "start",
      id: responseId(chunk) ?? randomId("resp_"),
      model: modelVersion(chunk) ?? "",
      created: nowSeconds(),
    });
  }

  private decodePart(part: JsonObject, out: IRStreamEvent[]): void {
    const signature = partSignature(part);
    const text = part.text;
    if (part.thought === true) {
      if (typeof text === "string" && text !== "") out.push({ type: "reasoning", delta: text });
      if (signature) out.push({ type: "reasoning_signature", signature });
      return;
    }
    const call = field(part, "functionCall", "function_call");
    if (isObject(call)) {
      const index = this.toolCalls++;
      const id = typeof call.id === "string" && call.id !== "" ? call.id : newCallId();
      const start: Extract<IRStreamEvent, { type: "tool_call_start" }> = {
        type: "tool_call_start",
        index,
        id,
        name: String(call.name ?? ""),
      };
      if (signature) start.signature = signature;
      out.push(start);
      out.push({
        type: "tool_call_delta",
        index,
        argsDelta: JSON.stringify(isObject(call.args) ? call.args : {}),
      });
      out.push({ type: "tool_call_end", index });
      return;
    }
    if (signature) out.push({ type: "reasoning_signature", signature });
    if (typeof text === "string") {
      if (text !== "") out.push({ type: "text", delta: text });
      return;
    }
    const media = decodeMediaPart(part);
    if (media?.type === "image" && media.data !== undefined) {
      out.push({ type: "image", mediaType: media.mediaType ?? "image/png", data: media.data });
    }
  }

  private finish(out: IRStreamEvent[], reason: IRFinishReason): void {
    if (this.usage) out.push({ type: "usage", usage: this.usage });
    out.push({ type: "finish", reason });
    this.done = true;
  }

  private fail(out: IRStreamEvent[], status: number, message: string): void {
    out.push({ type: "error", status, errorType: typeForStatus(status), message });
    this.done = true;
  }
}
