/**
 * Upstream `chat.completion.chunk` stream -> IR events.
 *
 * Tolerates what OpenAI-compatible servers do differently: usage on the finish chunk or on a
 * later `choices: []` chunk (so `finish` waits for the end of the stream), a missing
 * finish_reason, a missing `[DONE]`, tool calls whose id arrives after the name, and servers that
 * number every parallel call index 0 (a new id then means a new call).
 */
import { nowSeconds, randomId } from "../ids.ts";
import type { IRStreamEvent, IRUsage, SSEMessage, StreamDecoder } from "../ir.ts";
import { decodeGeneratedImage } from "./content.ts";
import { decodeFinishReason } from "./finish-reason.ts";
import { isObject } from "./invalid.ts";
import { plainReasoningText } from "./reasoning.ts";
import { thoughtSignature } from "./tools.ts";
import { decodeUsage } from "./usage.ts";

interface ToolCallState {
  /** IR index, assigned when the call starts so never-named calls leave no gap. */
  index: number;
  id?: string;
  name?: string;
  signature?: string;
  started: boolean;
  ended: boolean;
  /** Argument fragments that arrived before the call could start. */
  pendingArgs: string;
}

export class ChatStreamDecoder implements StreamDecoder {
  #started = false;
  #done = false;
  #calls: ToolCallState[] = [];
  #byUpstreamIndex = new Map<number, ToolCallState>();
  #nextIndex = 0;
  #finishReason: unknown;
  #usage: IRUsage | undefined;

  push(message: SSEMessage, out: IRStreamEvent[]): void {
    if (this.#done) return;
    const data = message.data.trim();
    if (data === "[DONE]") {
      this.#close(out);
      return;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      this.#fail(
        out,
        502,
        "upstream_error",
        `upstream sent a stream message that is not JSON: ${data.slice(0, 200)}`,
      );
      return;
    }
    if (!isObject(chunk)) return;
    if (chunk.error !== undefined && chunk.error !== null) {
      this.#upstreamError(chunk.error, out);
      return;
    }
    if (!this.#started) this.#start(chunk, out);
    const usage = decodeUsage(chunk.usage);
    if (usage !== undefined) this.#usage = usage;
    if (!Array.isArray(chunk.choices)) return;
    for (const choice of chunk.choices) {
      // The IR carries one choice.
      if (!isObject(choice) || (choice.index ?? 0) !== 0) continue;
      if (isObject(choice.delta)) this.#delta(choice.delta, out);
      if (choice.finish_reason !== undefined && choice.finish_reason !== null) {
        this.#finishReason = choice.finish_reason;
        this.#endCalls(out);
      }
    }
  }

  end(out: IRStreamEvent[]): void {
    this.#close(out);
  }

  #start(chunk: Record<string, any>, out: IRStreamEvent[]): void {
    this.#started = true;
    out.push({
      type: "start",
      // Azure's first chunk has an empty id.
      id: typeof chunk.id === "string" && chunk.id !== "" ? chunk.id : randomId("chatcmpl-"),
      model: typeof chunk.model === "string" ? chunk.model : "",
      created: typeof chunk.created === "number" && chunk.created > 0 ? chunk.created : nowSeconds(),
    });
  }

  #delta(delta: Record<string, any>, out: IRStreamEvent[]): void {
    const details = delta.reasoning_details;
    if (Array.isArray(details) && details.length > 0) this.#reasoningDetails(details, out);
    else {
      const reasoning = plainReasoningText(delta);
      if (reasoning) out.push({ type: "reasoning", delta: reasoning });
    }
    if (typeof delta.content === "string" && delta.content !== "")
      out.push({ type: "text", delta: delta.content });
    if (typeof delta.refusal === "string" && delta.refusal !== "")
      out.push({ type: "text", delta: delta.refusal });
    if (Array.isArray(delta.tool_calls)) {
      for (let i = 0; i < delta.tool_calls.length; i++) this.#toolCall(delta.tool_calls[i], i, out);
    }
    if (Array.isArray(delta.images)) {
      for (const entry of delta.images) {
        const image = decodeGeneratedImage(entry);
        if (image?.data !== undefined) {
          out.push({ type: "image", mediaType: image.mediaType ?? "image/png", data: image.data });
        }
      }
    }
  }

  /** Streamed `reasoning_details` (they repeat `reasoning` text, which is then ignored). */
  #reasoningDetails(details: unknown[], out: IRStreamEvent[]): void {
    for (const detail of details) {
      if (!isObject(detail)) continue;
      if (detail.type === "reasoning.encrypted") {
        if (typeof detail.data === "string") out.push({ type: "reasoning_redacted", data: detail.data });
        continue;
      }
      const text = detail.type === "reasoning.summary" ? detail.summary : detail.text;
      if (typeof text === "string" && text !== "") out.push({ type: "reasoning", delta: text });
      if (typeof detail.signature === "string" && detail.signature !== "") {
        out.push({ type: "reasoning_signature", signature: detail.signature });
      }
    }
  }

  #toolCall(raw: unknown, position: number, out: IRStreamEvent[]): void {
    if (!isObject(raw)) return;
    const upstreamIndex = typeof raw.index === "number" ? raw.index : position;
    const id = typeof raw.id === "string" && raw.id !== "" ? raw.id : undefined;
    let call = this.#byUpstreamIndex.get(upstreamIndex);
    if (call === undefined || (id !== undefined && call.id !== undefined && call.id !== id)) {
      call = { index: -1, started: false, ended: false, pendingArgs: "" };
      this.#calls.push(call);
      this.#byUpstreamIndex.set(upstreamIndex, call);
    }
    if (call.ended) return;
    if (id !== undefined) call.id ??= id;
    call.signature ??= thoughtSignature(raw);
    const fn = raw.function;
    if (isObject(fn)) {
      if (!call.started && typeof fn.name === "string" && fn.name !== "") call.name = fn.name;
      const args =
        typeof fn.arguments === "string"
          ? fn.arguments
          : isObject(fn.arguments)
            ? JSON.stringify(fn.arguments)
            : "";
      if (args !== "") {
        if (call.started) out.push({ type: "tool_call_delta", index: call.index, argsDelta: args });
        else call.pendingArgs += args;
      }
    }
    if (!call.started && call.name !== undefined && call.id !== undefined) this.#startCall(call, out);
  }

  #startCall(call: ToolCallState, out: IRStreamEvent[]): void {
    // Chat streams send calls one after another: a new call means the previous ones are complete.
    for (const other of this.#calls) {
      if (other.started && !other.ended) {
        other.ended = true;
        out.push({ type: "tool_call_end", index: other.index });
      }
    }
    call.started = true;
    call.index = this.#nextIndex++;
    const start: IRStreamEvent = {
      type: "tool_call_start",
      index: call.index,
      id: call.id ?? randomId("call_"),
      name: call.name as string,
    };
    if (call.signature !== undefined) start.signature = call.signature;
    out.push(start);
    if (call.pendingArgs !== "") {
      out.push({ type: "tool_call_delta", index: call.index, argsDelta: call.pendingArgs });
      call.pendingArgs = "";
    }
  }

  /** Starts named calls still waiting for an id, then ends every open call. Calls never named are dropped. */
  #endCalls(out: IRStreamEvent[]): void {
    for (const call of this.#calls) {
      if (!call.started && !call.ended && call.name !== undefined) this.#startCall(call, out);
      if (call.started && !call.ended) out.push({ type: "tool_call_end", index: call.index });
      call.ended = true;
    }
  }

  #close(out: IRStreamEvent[]): void {
    if (this.#done) return;
    this.#done = true;
    if (!this.#started) this.#start({}, out);
    this.#endCalls(out);
    if (this.#usage !== undefined) out.push({ type: "usage", usage: this.#usage });
    out.push({ type: "finish", reason: decodeFinishReason(this.#finishReason, this.#nextIndex > 0) });
  }

  #upstreamError(error: unknown, out: IRStreamEvent[]): void {
    if (!isObject(error)) {
      this.#fail(out, 502, "upstream_error", typeof error === "string" ? error : JSON.stringify(error));
      return;
    }
    const status =
      typeof error.status === "number" ? error.status : typeof error.code === "number" ? error.code : 502;
    const type = typeof error.type === "string" && error.type !== "" ? error.type : "upstream_error";
    const message = typeof error.message === "string" ? error.message : JSON.stringify(error);
    this.#fail(out, status, type, message);
  }

  #fail(out: IRStreamEvent[], status: number, errorType: string, message: string): void {
    this.#done = true;
    out.push({ type: "error", status, errorType, message });
  }
}
