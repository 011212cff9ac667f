/**
 * IR stream events -> Anthropic Messages SSE, in the order the official SDK accumulates:
 * message_start, then content blocks one at a time (start, deltas, stop; each with its own index),
 * then message_delta (stop reason + final usage) and message_stop.
 *
 * Anthropic allows only one open block, while IR tool calls may overlap (a second call can start
 * before the first ends). Overlapping calls are queued with their arguments buffered and replayed
 * as soon as the open call ends, so every call still arrives whole and in order.
 */
import { randomId } from "../ids.ts";
import type { EncodeContext, IRStreamEvent, IRUsage, StreamEncoder } from "../ir.ts";
import { sseJson } from "../sse.ts";
import { toolUseId } from "./content.ts";
import { type AnthropicStopReason, encodeStopReason } from "./stop-reason.ts";
import { anthropicErrorType } from "./stream-errors.ts";
import { encodeUsage } from "./usage.ts";

interface ToolCallStart {
  index: number;
  id: string;
  name: string;
  signature?: string;
}

interface QueuedTool extends ToolCallStart {
  args: string;
  ended: boolean;
}

type OpenBlock = "text" | "thinking" | "tool" | undefined;

/** A content_block_delta frame, built by hand: it is the hottest frame and has a fixed shape. */
function deltaFrame(index: number, deltaType: string, field: string, value: string): string {
  return `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"${deltaType}","${field}":${JSON.stringify(value)}}}\n\n`;
}

export class AnthropicStreamEncoder implements StreamEncoder {
  readonly #model: string;
  #started = false;
  /** message_delta has been written; only message_stop may follow. */
  #stopped = false;
  /** An error or message_stop has been written; nothing may follow. */
  #done = false;
  #nextIndex = 0;
  #open: OpenBlock;
  /** IR index of the tool call whose block is open. */
  #openTool = -1;
  #queue: QueuedTool[] = [];
  #usage: IRUsage | undefined;
  #sawToolCall = false;

  constructor(ctx: EncodeContext) {
    this.#model = ctx.model;
  }

  encode(event: IRStreamEvent): string {
    if (this.#done || this.#stopped) return "";
    switch (event.type) {
      case "start":
        return this.#messageStart(event.id);
      case "text":
        if (event.delta === "") return "";
        return this.#into("text") + deltaFrame(this.#nextIndex - 1, "text_delta", "text", event.delta);
      case "reasoning":
        if (event.delta === "") return "";
        return (
          this.#into("thinking") + deltaFrame(this.#nextIndex - 1, "thinking_delta", "thinking", event.delta)
        );
      case "reasoning_signature":
        return (
          this.#into("thinking") +
          deltaFrame(this.#nextIndex - 1, "signature_delta", "signature", event.signature)
        );
      case "reasoning_redacted": {
        const out = this.#messageStart() + this.#closeAll();
        return out + this.#blockStart({ type: "redacted_thinking", data: event.data }) + this.#closeOpen();
      }
      case "tool_call_start":
        return this.#toolStart(event);
      case "tool_call_delta":
        return this.#toolDelta(event.index, event.argsDelta);
      case "tool_call_end":
        return this.#toolEnd(event.index);
      case "usage":
        this.#usage = event.usage;
        return "";
      case "finish":
        return this.#messageDelta(encodeStopReason(event.reason, event.stopSequence), event.stopSequence);
      case "error":
        this.#done = true;
        return sseJson(
          {
            type: "error",
            error: { type: anthropicErrorType(event.errorType, event.status), message: event.message },
          },
          "error",
        );
      case "image":
        // Anthropic messages cannot carry generated images.
        return "";
    }
  }

  end(): string {
    if (this.#done) return "";
    let out = "";
    if (!this.#stopped) out = this.#messageDelta(this.#sawToolCall ? "tool_use" : "end_turn", undefined);
    this.#done = true;
    return out + sseJson({ type: "message_stop" }, "message_stop");
  }

  /** message_start, once; later calls (and a missing IR start) produce it lazily or not at all. */
  #messageStart(id?: string): string {
    if (this.#started) return "";
    this.#started = true;
    const message = {
      id: id !== undefined && id !== "" ? id : randomId("msg_"),
      type: "message",
      role: "assistant",
      model: this.#model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // The IR start usually precedes usage; the final counts go out in message_delta.
      usage: encodeUsage(this.#usage),
    };
    return sseJson({ type: "message_start", message }, "message_start");
  }

  #messageDelta(stopReason: AnthropicStopReason, stopSequence: string | undefined): string {
    const out = this.#messageStart() + this.#closeAll();
    this.#stopped = true;
    const delta = {
      stop_reason: stopReason,
      stop_sequence: stopReason === "stop_sequence" ? stopSequence : null,
    };
    return out + sseJson({ type: "message_delta", delta, usage: encodeUsage(this.#usage) }, "message_delta");
  }

  /** Makes a text or thinking block the open one, closing whatever else is open. */
  #into(kind: "text" | "thinking"): string {
    if (this.#open === kind) return "";
    const out = this.#messageStart() + this.#closeAll();
    const block =
      kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" };
    this.#open = kind;
    return out + this.#blockStart(block);
  }

  #blockStart(block: Record<string, unknown>): string {
    const index = this.#nextIndex++;
    return sseJson({ type: "content_block_start", index, content_block: block }, "content_block_start");
  }

  #closeOpen(): string {
    this.#open = undefined;
    this.#openTool = -1;
    return sseJson({ type: "content_block_stop", index: this.#nextIndex - 1 }, "content_block_stop");
  }

  /** Closes the open block and flushes every queued tool call whole. */
  #closeAll(): string {
    const out = this.#open === undefined ? "" : this.#closeOpen();
    return out + this.#drainQueue(true);
  }

  /**
   * Opens a tool_use block. A signature on the call (Gemini's thoughtSignature) has no slot in
   * tool_use, so it rides in an empty thinking block just before it and returns with the history.
   */
  #openToolBlock(call: ToolCallStart): string {
    this.#sawToolCall = true;
    let out = "";
    if (call.signature !== undefined && call.signature !== "") {
      out += this.#blockStart({ type: "thinking", thinking: "", signature: "" });
      out += deltaFrame(this.#nextIndex - 1, "signature_delta", "signature", call.signature);
      out += this.#closeOpen();
    }
    out += this.#blockStart({ type: "tool_use", id: toolUseId(call.id), name: call.name, input: {} });
    this.#open = "tool";
    this.#openTool = call.index;
    return out;
  }

  #toolStart(call: ToolCallStart): string {
    let out = this.#messageStart();
    if (this.#open === "tool") {
      this.#queue.push({ ...call, args: "", ended: false });
      return out;
    }
    out += this.#closeAll();
    return out + this.#openToolBlock(call);
  }

  #toolDelta(index: number, args: string): string {
    if (args === "") return "";
    if (this.#open === "tool" && this.#openTool === index) {
      return deltaFrame(this.#nextIndex - 1, "input_json_delta", "partial_json", args);
    }
    const queued = this.#queue.find((tool) => tool.index === index);
    if (queued !== undefined) queued.args += args;
    // Arguments for a call whose block was already closed cannot be delivered any more.
    return "";
  }

  #toolEnd(index: number): string {
    if (this.#open === "tool" && this.#openTool === index) return this.#closeOpen() + this.#drainQueue(false);
    const queued = this.#queue.find((tool) => tool.index === index);
    if (queued !== undefined) queued.ended = true;
    return "";
  }

  /** Replays queued calls in order; stops at one still streaming unless `force` closes it too. */
  #drainQueue(force: boolean): string {
    let out = "";
    while (this.#open === undefined && this.#queue.length > 0) {
      const tool = this.#queue.shift()!;
      out += this.#openToolBlock(tool);
      if (tool.args !== "")
        out += deltaFrame(this.#nextIndex - 1, "input_json_delta", "partial_json", tool.args);
      if (tool.ended || force) out += this.#closeOpen();
    }
    return out;
  }
}
