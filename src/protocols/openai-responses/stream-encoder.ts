/**
 * IR stream events -> Responses SSE events, in the order the openai SDK's stream accumulator and
 * Codex CLI expect: response.created, response.in_progress, then per output item
 * output_item.added, its part/delta/done events, output_item.done, and finally one of
 * response.completed / response.incomplete / response.failed carrying the whole response.
 *
 * Text and reasoning items close as soon as a different kind of output starts; function calls
 * stay open until their tool_call_end, so interleaved argument fragments still land correctly.
 */

import { nowSeconds } from "../ids.ts";
import type { EncodeContext, IRFinishReason, IRStreamEvent, IRUsage, StreamEncoder } from "../ir.ts";
import { type Envelope, envelope, responseId } from "./envelope.ts";
import { ResponseEventWriter } from "./event-writer.ts";
import {
  functionCallItem,
  imageItem,
  messageItem,
  newFunctionCallId,
  newImageId,
  newMessageId,
  newReasoningId,
  outputText,
  reasoningItem,
  summaryText,
} from "./output-items.ts";
import { encodeFinish, errorCode, failure, type Outcome } from "./status.ts";
import { encodeUsage } from "./usage.ts";

/** The open message or reasoning item. */
interface OpenBlock {
  kind: "message" | "reasoning";
  id: string;
  outputIndex: number;
  text: string;
  /** Reasoning only: whether summary part 0 has been announced. */
  partOpen: boolean;
  signature?: string;
}

interface OpenCall {
  id: string;
  outputIndex: number;
  callId: string;
  name: string;
  args: string;
}

export class ResponsesStreamEncoder implements StreamEncoder {
  readonly #ctx: EncodeContext;
  #base: Envelope | undefined;
  readonly #writer = new ResponseEventWriter();
  #closed = false;
  #block: OpenBlock | undefined;
  readonly #calls = new Map<number, OpenCall>();
  #usage: IRUsage | undefined;
  #finish: IRFinishReason | undefined;

  constructor(ctx: EncodeContext) {
    this.#ctx = ctx;
  }

  encode(event: IRStreamEvent): string {
    if (this.#closed) return "";
    switch (event.type) {
      case "start":
        return this.#start(event.id, event.created);
      case "text":
        return event.delta === "" ? "" : this.#text(event.delta);
      case "reasoning":
        return event.delta === "" ? "" : this.#reasoning(event.delta);
      case "reasoning_signature":
        return this.#signature(event.signature);
      case "reasoning_redacted":
        // Anthropic redacted thinking has no Responses counterpart.
        return "";
      case "tool_call_start":
        return this.#callStart(event.index, event.id, event.name, event.signature);
      case "tool_call_delta":
        return this.#callDelta(event.index, event.argsDelta);
      case "tool_call_end":
        return this.#callEnd(event.index);
      case "image":
        return this.#image(event.data);
      case "usage":
        this.#usage = event.usage;
        return "";
      case "finish":
        this.#finish = event.reason;
        return this.#closeAll();
      case "error":
        return this.#fail(event.errorType, event.status, event.message);
    }
  }

  end(): string {
    if (this.#closed) return "";
    const out = this.#closeAll();
    return out + this.#terminal(encodeFinish(this.#finish));
  }

  #start(id: string | undefined, created: number): string {
    if (this.#base !== undefined) return "";
    this.#base = envelope(this.#ctx, responseId(id), created);
    const created_ = this.#writer.emit("response.created", { response: this.#base });
    return created_ + this.#writer.emit("response.in_progress", { response: this.#base });
  }

  /** Content before `start` (a decoder that never saw one) still gets the opening events. */
  #ensureStarted(): string {
    return this.#base === undefined ? this.#start(undefined, nowSeconds()) : "";
  }

  #openBlock(kind: OpenBlock["kind"]): string {
    let out = this.#ensureStarted() + this.#closeBlock();
    const outputIndex = this.#writer.reserveIndex();
    if (kind === "message") {
      const id = newMessageId();
      this.#block = { kind, id, outputIndex, text: "", partOpen: true };
      out += this.#writer.added(outputIndex, messageItem(id, "in_progress", undefined));
      out += this.#writer.emit("response.content_part.added", {
        item_id: id,
        output_index: outputIndex,
        content_index: 0,
        part: outputText(""),
      });
    } else {
      const id = newReasoningId();
      this.#block = { kind, id, outputIndex, text: "", partOpen: false };
      out += this.#writer.added(outputIndex, reasoningItem(id, "", undefined));
    }
    return out;
  }

  #closeBlock(): string {
    const block = this.#block;
    if (block === undefined) return "";
    this.#block = undefined;
    const { id, outputIndex, text } = block;
    const at = { item_id: id, output_index: outputIndex };
    if (block.kind === "message") {
      return (
        this.#writer.emit("response.output_text.done", { ...at, content_index: 0, text, logprobs: [] }) +
        this.#writer.emit("response.content_part.done", { ...at, content_index: 0, part: outputText(text) }) +
        this.#writer.done(outputIndex, messageItem(id, "completed", text))
      );
    }
    let out = "";
    if (block.partOpen) {
      out += this.#writer.emit("response.reasoning_summary_text.done", { ...at, summary_index: 0, text });
      out += this.#writer.emit("response.reasoning_summary_part.done", {
        ...at,
        summary_index: 0,
        part: summaryText(text),
      });
    }
    return out + this.#writer.done(outputIndex, reasoningItem(id, text, block.signature));
  }

  #text(delta: string): string {
    const out = this.#block?.kind === "message" ? "" : this.#openBlock("message");
    const block = this.#block!;
    block.text += delta;
    return (
      out +
      this.#writer.emit("response.output_text.delta", {
        item_id: block.id,
        output_index: block.outputIndex,
        content_index: 0,
        delta,
        logprobs: [],
      })
    );
  }

  #reasoning(delta: string): string {
    // A signature seals a reasoning block: more reasoning after it is a new block (Anthropic).
    const current = this.#block;
    const reuse = current?.kind === "reasoning" && current.signature === undefined;
    let out = reuse ? "" : this.#openBlock("reasoning");
    const block = this.#block!;
    const at = { item_id: block.id, output_index: block.outputIndex, summary_index: 0 };
    if (!block.partOpen) {
      block.partOpen = true;
      out += this.#writer.emit("response.reasoning_summary_part.added", { ...at, part: summaryText("") });
    }
    block.text += delta;
    return out + this.#writer.emit("response.reasoning_summary_text.delta", { ...at, delta });
  }

  #signature(signature: string): string {
    const current = this.#block;
    if (current?.kind === "reasoning" && current.signature === undefined) {
      current.signature = signature;
      return "";
    }
    // A signature without reasoning text before it (e.g. Gemini's on a text part) gets its own item.
    const out = this.#openBlock("reasoning");
    this.#block!.signature = signature;
    return out;
  }

  #callStart(index: number, callId: string, name: string, signature: string | undefined): string {
    if (this.#calls.has(index)) return "";
    let out = this.#ensureStarted() + this.#closeBlock();
    // Gemini's function-call signature rides in a reasoning item just before the call.
    if (signature !== undefined) out += this.#signature(signature) + this.#closeBlock();
    const outputIndex = this.#writer.reserveIndex();
    const id = newFunctionCallId();
    this.#calls.set(index, { id, outputIndex, callId, name, args: "" });
    return out + this.#writer.added(outputIndex, functionCallItem(id, "in_progress", callId, name, ""));
  }

  #callDelta(index: number, delta: string): string {
    const call = this.#calls.get(index);
    if (call === undefined || delta === "") return "";
    call.args += delta;
    return this.#writer.emit("response.function_call_arguments.delta", {
      item_id: call.id,
      output_index: call.outputIndex,
      delta,
    });
  }

  #callEnd(index: number): string {
    const call = this.#calls.get(index);
    if (call === undefined) return "";
    this.#calls.delete(index);
    const { id, outputIndex, callId, name, args } = call;
    return (
      this.#writer.emit("response.function_call_arguments.done", {
        item_id: id,
        output_index: outputIndex,
        name,
        arguments: args,
      }) + this.#writer.done(outputIndex, functionCallItem(id, "completed", callId, name, args))
    );
  }

  #image(data: string): string {
    const out = this.#ensureStarted() + this.#closeBlock();
    const outputIndex = this.#writer.reserveIndex();
    const id = newImageId();
    return (
      out +
      this.#writer.added(outputIndex, imageItem(id, "in_progress", null)) +
      this.#writer.done(outputIndex, imageItem(id, "completed", data))
    );
  }

  #closeAll(): string {
    let out = this.#closeBlock();
    for (const index of [...this.#calls.keys()]) out += this.#callEnd(index);
    return out;
  }

  /**
   * An upstream error ends the stream with response.failed. Open items get no done events: a
   * client such as Codex runs a function call as soon as its output_item.done arrives.
   */
  #fail(errorType: string, status: number, message: string): string {
    const out = this.#ensureStarted();
    // The failed response still lists what was produced so far, unfinished items as incomplete.
    const block = this.#block;
    if (block !== undefined) {
      const item =
        block.kind === "message"
          ? messageItem(block.id, "incomplete", block.text)
          : reasoningItem(block.id, block.text, block.signature);
      this.#writer.record(block.outputIndex, item);
    }
    for (const call of this.#calls.values()) {
      this.#writer.record(
        call.outputIndex,
        functionCallItem(call.id, "incomplete", call.callId, call.name, call.args),
      );
    }
    return out + this.#terminal(failure(errorCode(errorType, status), message));
  }

  #terminal(outcome: Outcome): string {
    const out = this.#ensureStarted();
    this.#closed = true;
    const response: Envelope = { ...this.#base, ...outcome };
    response.output = this.#writer.items();
    if (this.#usage !== undefined) response.usage = encodeUsage(this.#usage);
    const type =
      outcome.status === "completed"
        ? "response.completed"
        : outcome.status === "incomplete"
          ? "response.incomplete"
          : "response.failed";
    return out + this.#writer.emit(type, { response });
  }
}
