/**
 * Upstream Responses SSE events -> IR stream events.
 *
 * Deltas are the fast path. `.done` events and `output_item.done` only contribute what no delta
 * carried (some upstreams send a whole function call or message in output_item.done alone), and
 * `response.completed` replays its output when the stream carried no items at all. Items are
 * keyed by output_index (falling back to item_id), which every item event carries.
 */

import { nowSeconds, randomId } from "../ids.ts";
import type { IRFinishReason, IRStreamEvent, SSEMessage, StreamDecoder } from "../ir.ts";
import { isObject } from "./invalid.ts";
import { messageTexts, reasoningText } from "./response.ts";
import { decodeErrorCode, decodeFinish } from "./status.ts";
import { decodeUsage } from "./usage.ts";

type Key = number | string;
type Data = Record<string, any>;

interface ToolState {
  index: number;
  argsSeen: boolean;
  ended: boolean;
}

function keyOf(data: Data): Key {
  if (typeof data.output_index === "number") return data.output_index;
  return String(data.item_id ?? data.item?.id ?? "");
}

export class ResponsesStreamDecoder implements StreamDecoder {
  #started = false;
  #done = false;
  #sawItems = false;
  #nextTool = 0;
  readonly #tools = new Map<Key, ToolState>();
  /** Message and reasoning items whose content arrived as deltas. */
  readonly #streamed = new Set<Key>();
  /** Parts (`key/index`) whose text arrived as deltas, so their `.done` adds nothing. */
  readonly #streamedParts = new Set<string>();
  /** The reasoning part being streamed, if reasoning is the latest output; parts are separated by a blank line. */
  #reasoningPart: string | undefined;

  push(message: SSEMessage, out: IRStreamEvent[]): void {
    if (this.#done || message.data === "" || message.data === "[DONE]") return;
    let data: Data;
    try {
      data = JSON.parse(message.data);
    } catch {
      return; // keep-alive noise; the real events are JSON
    }
    if (!isObject(data)) return;
    const type = typeof data.type === "string" ? data.type : message.event;
    switch (type) {
      case "response.created":
      case "response.in_progress":
      case "response.queued":
        this.#start(data.response, out);
        return;
      case "response.output_item.added":
        this.#itemAdded(data, out);
        return;
      case "response.output_text.delta":
      case "response.refusal.delta":
        this.#textDelta(data, out);
        return;
      case "response.output_text.done":
        this.#partDone(data, `${keyOf(data)}/${data.content_index ?? 0}`, data.text, "text", out);
        return;
      case "response.reasoning_summary_text.delta":
        this.#reasoningDelta(data, `${keyOf(data)}/s${data.summary_index ?? 0}`, out);
        return;
      case "response.reasoning_text.delta":
        this.#reasoningDelta(data, `${keyOf(data)}/c${data.content_index ?? 0}`, out);
        return;
      case "response.reasoning_summary_text.done":
        this.#partDone(data, `${keyOf(data)}/s${data.summary_index ?? 0}`, data.text, "reasoning", out);
        return;
      case "response.reasoning_text.done":
        this.#partDone(data, `${keyOf(data)}/c${data.content_index ?? 0}`, data.text, "reasoning", out);
        return;
      case "response.function_call_arguments.delta":
        this.#argsDelta(data, out);
        return;
      case "response.function_call_arguments.done":
        this.#argsDone(keyOf(data), data.arguments, out);
        return;
      case "response.output_item.done":
        if (isObject(data.item)) this.#itemDone(keyOf(data), data.item, out);
        return;
      case "response.completed":
      case "response.incomplete":
        this.#completed(data.response, out);
        return;
      case "response.failed":
        this.#failed(isObject(data.response) ? data.response.error : undefined, out);
        return;
      case "error":
        this.#failed(isObject(data.error) ? data.error : data, out);
        return;
    }
  }

  end(out: IRStreamEvent[]): void {
    if (this.#done) return;
    this.#start(undefined, out);
    this.#finish(this.#nextTool > 0 ? "tool_calls" : "stop", out);
  }

  #start(response: unknown, out: IRStreamEvent[]): void {
    if (this.#started) return;
    this.#started = true;
    const r: Data = isObject(response) ? response : {};
    out.push({
      type: "start",
      id: typeof r.id === "string" ? r.id : randomId("resp_"),
      model: typeof r.model === "string" ? r.model : "",
      created: typeof r.created_at === "number" ? r.created_at : nowSeconds(),
    });
  }

  #itemAdded(data: Data, out: IRStreamEvent[]): void {
    this.#start(undefined, out);
    this.#sawItems = true;
    const item = data.item;
    if (isObject(item) && item.type === "function_call") this.#toolStart(keyOf(data), item, out);
  }

  #toolStart(key: Key, item: Data, out: IRStreamEvent[]): ToolState {
    const existing = this.#tools.get(key);
    if (existing !== undefined) return existing;
    const tool: ToolState = { index: this.#nextTool++, argsSeen: false, ended: false };
    this.#tools.set(key, tool);
    this.#reasoningPart = undefined;
    const id = typeof item.call_id === "string" ? item.call_id : String(item.id ?? randomId("call_"));
    out.push({ type: "tool_call_start", index: tool.index, id, name: String(item.name ?? "") });
    this.#argsDone(key, item.arguments, out);
    return tool;
  }

  #textDelta(data: Data, out: IRStreamEvent[]): void {
    if (typeof data.delta !== "string" || data.delta === "") return;
    this.#start(undefined, out);
    const key = keyOf(data);
    this.#streamed.add(key);
    this.#streamedParts.add(`${key}/${data.content_index ?? 0}`);
    this.#reasoningPart = undefined;
    out.push({ type: "text", delta: data.delta });
  }

  #reasoningDelta(data: Data, partKey: string, out: IRStreamEvent[]): void {
    if (typeof data.delta !== "string" || data.delta === "") return;
    this.#start(undefined, out);
    // A new part continuing the same run of reasoning follows a blank line, as reasoningText joins them.
    const separate = this.#reasoningPart !== undefined && this.#reasoningPart !== partKey;
    this.#streamed.add(keyOf(data));
    this.#streamedParts.add(partKey);
    this.#reasoningPart = partKey;
    out.push({ type: "reasoning", delta: separate ? `\n\n${data.delta}` : data.delta });
  }

  #partDone(
    data: Data,
    partKey: string,
    text: unknown,
    kind: "text" | "reasoning",
    out: IRStreamEvent[],
  ): void {
    if (this.#streamedParts.has(partKey) || typeof text !== "string" || text === "") return;
    this.#streamedParts.add(partKey);
    this.#streamed.add(keyOf(data));
    out.push(kind === "text" ? { type: "text", delta: text } : { type: "reasoning", delta: text });
  }

  #argsDelta(data: Data, out: IRStreamEvent[]): void {
    const tool = this.#tools.get(keyOf(data));
    if (tool === undefined || tool.ended || typeof data.delta !== "string" || data.delta === "") return;
    tool.argsSeen = true;
    out.push({ type: "tool_call_delta", index: tool.index, argsDelta: data.delta });
  }

  /** Whole arguments count only when no fragment carried them. */
  #argsDone(key: Key, args: unknown, out: IRStreamEvent[]): void {
    const tool = this.#tools.get(key);
    if (tool === undefined || tool.argsSeen || tool.ended || typeof args !== "string" || args === "") return;
    tool.argsSeen = true;
    out.push({ type: "tool_call_delta", index: tool.index, argsDelta: args });
  }

  #itemDone(key: Key, item: Data, out: IRStreamEvent[]): void {
    this.#start(undefined, out);
    this.#sawItems = true;
    switch (item.type) {
      case "function_call": {
        const tool = this.#toolStart(key, item, out);
        this.#argsDone(key, item.arguments, out);
        this.#toolEnd(tool, out);
        return;
      }
      case "message":
        if (this.#streamed.has(key)) return;
        this.#streamed.add(key);
        for (const text of messageTexts(item)) if (text !== "") out.push({ type: "text", delta: text });
        return;
      case "reasoning": {
        if (!this.#streamed.has(key)) {
          this.#streamed.add(key);
          const text = reasoningText(item);
          if (text !== "") out.push({ type: "reasoning", delta: text });
        }
        this.#reasoningPart = undefined;
        if (typeof item.encrypted_content === "string" && item.encrypted_content !== "") {
          out.push({ type: "reasoning_signature", signature: item.encrypted_content });
        }
        return;
      }
      case "image_generation_call":
        if (typeof item.result === "string" && item.result !== "") {
          out.push({ type: "image", mediaType: `image/${item.output_format ?? "png"}`, data: item.result });
        }
        return;
    }
  }

  #toolEnd(tool: ToolState, out: IRStreamEvent[]): void {
    if (tool.ended) return;
    tool.ended = true;
    out.push({ type: "tool_call_end", index: tool.index });
  }

  #completed(response: unknown, out: IRStreamEvent[]): void {
    const r: Data = isObject(response) ? response : {};
    this.#start(r, out);
    // An upstream that streamed no items still lists them in the final response.
    if (!this.#sawItems && Array.isArray(r.output)) {
      for (let i = 0; i < r.output.length; i++)
        if (isObject(r.output[i])) this.#itemDone(i, r.output[i], out);
    }
    for (const tool of this.#tools.values()) this.#toolEnd(tool, out);
    const usage = decodeUsage(r.usage);
    if (usage !== undefined) out.push({ type: "usage", usage });
    this.#finish(decodeFinish(r, this.#nextTool > 0), out);
  }

  #finish(reason: IRFinishReason, out: IRStreamEvent[]): void {
    for (const tool of this.#tools.values()) this.#toolEnd(tool, out);
    this.#done = true;
    out.push({ type: "finish", reason });
  }

  #failed(error: unknown, out: IRStreamEvent[]): void {
    const e: Data = isObject(error) ? error : {};
    const { status, errorType } = decodeErrorCode(e.code);
    this.#done = true;
    out.push({
      type: "error",
      status,
      errorType,
      message: typeof e.message === "string" && e.message !== "" ? e.message : "upstream response failed",
    });
  }
}
