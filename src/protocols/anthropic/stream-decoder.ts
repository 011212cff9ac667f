/** Anthropic Messages SSE events -> IR stream events. */
import { nowSeconds } from "../ids.ts";
import type { IRFinishReason, IRStreamEvent, SSEMessage, StreamDecoder } from "../ir.ts";
import { isObject } from "./invalid.ts";
import { decodeStopReason } from "./stop-reason.ts";
import { decodeStreamError } from "./stream-errors.ts";
import { decodeUsage } from "./usage.ts";

export class AnthropicStreamDecoder implements StreamDecoder {
  #started = false;
  /** Set once finish or an error has been pushed; nothing follows it. */
  #closed = false;
  /** Anthropic block index -> IR tool-call index, for tool_use blocks still open. */
  #openTools = new Map<number, number>();
  #toolCount = 0;
  /** Latest usage counters: message_start's, overwritten field by field by message_delta's. */
  #usage: Record<string, unknown> = {};
  #usageSent = false;
  #finishReason: IRFinishReason | undefined;
  #stopSequence: string | undefined;

  push(message: SSEMessage, out: IRStreamEvent[]): void {
    // Some Anthropic-compatible servers append OpenAI's `[DONE]`; it carries nothing.
    if (this.#closed || message.data === "" || message.data === "[DONE]" || message.event === "ping") return;
    let payload: any;
    try {
      payload = JSON.parse(message.data);
    } catch {
      this.#fail(out, `unparseable stream event: ${message.data.slice(0, 200)}`);
      return;
    }
    if (!isObject(payload)) return;
    switch (payload.type ?? message.event) {
      case "message_start":
        this.#onMessageStart(payload.message, out);
        break;
      case "content_block_start":
        this.#onBlockStart(payload.index, payload.content_block, out);
        break;
      case "content_block_delta":
        this.#onBlockDelta(payload.index, payload.delta, out);
        break;
      case "content_block_stop": {
        const toolIndex = this.#openTools.get(payload.index);
        if (toolIndex !== undefined) {
          this.#openTools.delete(payload.index);
          out.push({ type: "tool_call_end", index: toolIndex });
        }
        break;
      }
      case "message_delta":
        this.#onMessageDelta(payload, out);
        break;
      case "message_stop":
        this.#finish(out);
        break;
      case "error":
        this.#closed = true;
        out.push(decodeStreamError(payload));
        break;
      // ping and unknown future events carry nothing for the IR.
    }
  }

  end(out: IRStreamEvent[]): void {
    if (this.#closed) return;
    if (!this.#started) {
      this.#fail(out, "upstream closed the stream before sending a message");
      return;
    }
    this.#finish(out);
  }

  #onMessageStart(message: unknown, out: IRStreamEvent[]): void {
    if (this.#started) return;
    this.#started = true;
    const msg = isObject(message) ? message : {};
    if (isObject(msg.usage)) Object.assign(this.#usage, msg.usage);
    out.push({
      type: "start",
      id: typeof msg.id === "string" ? msg.id : "",
      model: typeof msg.model === "string" ? msg.model : "",
      created: nowSeconds(),
    });
  }

  #onBlockStart(index: number, block: unknown, out: IRStreamEvent[]): void {
    if (!isObject(block)) return;
    switch (block.type) {
      case "text":
        if (typeof block.text === "string" && block.text !== "")
          out.push({ type: "text", delta: block.text });
        break;
      case "thinking":
        if (typeof block.thinking === "string" && block.thinking !== "") {
          out.push({ type: "reasoning", delta: block.thinking });
        }
        if (typeof block.signature === "string" && block.signature !== "") {
          out.push({ type: "reasoning_signature", signature: block.signature });
        }
        break;
      case "redacted_thinking":
        out.push({ type: "reasoning_redacted", data: String(block.data ?? "") });
        break;
      case "tool_use": {
        const toolIndex = this.#toolCount++;
        this.#openTools.set(index, toolIndex);
        out.push({
          type: "tool_call_start",
          index: toolIndex,
          id: String(block.id ?? ""),
          name: String(block.name ?? ""),
        });
        // Input normally streams as input_json_delta from `{}`; a pre-filled input is sent whole.
        if (isObject(block.input) && Object.keys(block.input).length > 0) {
          out.push({ type: "tool_call_delta", index: toolIndex, argsDelta: JSON.stringify(block.input) });
        }
        break;
      }
    }
  }

  #onBlockDelta(index: number, delta: unknown, out: IRStreamEvent[]): void {
    if (!isObject(delta)) return;
    switch (delta.type) {
      case "text_delta":
        if (typeof delta.text === "string" && delta.text !== "")
          out.push({ type: "text", delta: delta.text });
        break;
      case "thinking_delta":
        if (typeof delta.thinking === "string" && delta.thinking !== "") {
          out.push({ type: "reasoning", delta: delta.thinking });
        }
        break;
      case "signature_delta":
        if (typeof delta.signature === "string")
          out.push({ type: "reasoning_signature", signature: delta.signature });
        break;
      case "input_json_delta": {
        const toolIndex = this.#openTools.get(index);
        if (toolIndex !== undefined && typeof delta.partial_json === "string" && delta.partial_json !== "") {
          out.push({ type: "tool_call_delta", index: toolIndex, argsDelta: delta.partial_json });
        }
        break;
      }
      // citations_delta has no IR counterpart.
    }
  }

  #onMessageDelta(payload: Record<string, any>, out: IRStreamEvent[]): void {
    const delta = isObject(payload.delta) ? payload.delta : {};
    if (typeof delta.stop_reason === "string") this.#finishReason = decodeStopReason(delta.stop_reason);
    if (typeof delta.stop_sequence === "string") this.#stopSequence = delta.stop_sequence;
    if (isObject(payload.usage)) {
      // message_delta counters are cumulative totals; absent ones keep message_start's values.
      for (const key in payload.usage) {
        if (payload.usage[key] !== null && payload.usage[key] !== undefined)
          this.#usage[key] = payload.usage[key];
      }
      this.#pushUsage(out);
    }
  }

  #pushUsage(out: IRStreamEvent[]): void {
    const usage = decodeUsage(this.#usage);
    if (usage === undefined) return;
    this.#usageSent = true;
    out.push({ type: "usage", usage });
  }

  /** Closes tool calls the upstream left open, then pushes the single finish. */
  #finish(out: IRStreamEvent[]): void {
    this.#closed = true;
    for (const toolIndex of this.#openTools.values()) out.push({ type: "tool_call_end", index: toolIndex });
    this.#openTools.clear();
    // A stream cut before message_delta still reports the input counted at message_start.
    if (!this.#usageSent && Object.keys(this.#usage).length > 0) this.#pushUsage(out);
    const reason = this.#finishReason ?? (this.#toolCount > 0 ? "tool_calls" : "stop");
    out.push(
      this.#stopSequence === undefined
        ? { type: "finish", reason }
        : { type: "finish", reason, stopSequence: this.#stopSequence },
    );
  }

  #fail(out: IRStreamEvent[], message: string): void {
    this.#closed = true;
    out.push({ type: "error", status: 502, errorType: "upstream_error", message });
  }
}
