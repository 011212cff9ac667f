/**
 * IR events -> `chat.completion.chunk` SSE frames, in the order the OpenAI SDK accumulates:
 * a first chunk with `role: "assistant"`, content / reasoning_content / tool_calls deltas (a call's
 * first delta carries id, type, name and empty arguments; later ones only index + arguments), a
 * chunk with finish_reason, a `choices: []` usage chunk when the client asked for usage, then
 * `[DONE]`. An error becomes a `{"error":{...}}` frame (the SDK throws APIError on it) and ends the stream.
 *
 * Chunks are assembled from a pre-serialised prefix so each delta costs one small stringify.
 */
import { nowSeconds, randomId } from "../ids.ts";
import type { EncodeContext, IRFinishReason, IRStreamEvent, IRUsage, StreamEncoder } from "../ir.ts";
import { sseFrame, sseJson } from "../sse.ts";
import { dataUrl } from "./content.ts";
import { encodeFinishReason } from "./finish-reason.ts";
import { signatureExtra } from "./tools.ts";
import { encodeUsage } from "./usage.ts";

const DONE = "data: [DONE]\n\n";

export class ChatStreamEncoder implements StreamEncoder {
  readonly #model: string;
  readonly #includeUsage: boolean;
  /** `{"id":..,"object":"chat.completion.chunk","created":..,"model":..` — every chunk starts with it. */
  #prefix = "";
  #finished = false;
  #closed = false;
  #sawToolCalls = false;
  #usage: IRUsage | undefined;
  /** Reasoning text since the last signed block, repeated once in the signed `reasoning_details` entry. */
  #reasoningText = "";
  #detailIndex = 0;
  #imageIndex = 0;

  constructor(ctx: EncodeContext) {
    this.#model = ctx.model;
    this.#includeUsage = ctx.includeUsage === true;
  }

  encode(event: IRStreamEvent): string {
    if (this.#closed) return "";
    switch (event.type) {
      case "start":
        return this.#prefix === "" ? this.#start(event.id, event.created) : "";
      case "text":
        return event.delta === "" ? "" : this.#delta(`{"content":${JSON.stringify(event.delta)}}`);
      case "reasoning":
        if (event.delta === "") return "";
        this.#reasoningText += event.delta;
        return this.#delta(`{"reasoning_content":${JSON.stringify(event.delta)}}`);
      case "reasoning_signature": {
        const detail = { type: "reasoning.text", text: this.#reasoningText, signature: event.signature };
        this.#reasoningText = "";
        return this.#detail(detail);
      }
      case "reasoning_redacted":
        return this.#detail({ type: "reasoning.encrypted", data: event.data });
      case "tool_call_start":
        return this.#toolCallStart(event.index, event.id, event.name, event.signature);
      case "tool_call_delta":
        if (event.argsDelta === "") return "";
        return this.#delta(
          `{"tool_calls":[{"index":${event.index},"function":{"arguments":${JSON.stringify(event.argsDelta)}}}]}`,
        );
      case "tool_call_end":
        return "";
      case "image": {
        const image = {
          type: "image_url",
          image_url: { url: dataUrl(event.mediaType, event.data) },
          index: this.#imageIndex++,
        };
        return this.#delta(`{"images":[${JSON.stringify(image)}]}`);
      }
      case "usage":
        this.#usage = event.usage;
        return "";
      case "finish":
        return this.#finish(event.reason);
      case "error":
        this.#closed = true;
        return sseJson({ error: { message: event.message, type: event.errorType, param: null, code: null } });
    }
  }

  end(): string {
    if (this.#closed) return "";
    let out = this.#finished ? "" : this.#finish("stop");
    this.#closed = true;
    if (this.#includeUsage && this.#usage !== undefined) {
      out += sseFrame(`${this.#prefix},"choices":[],"usage":${JSON.stringify(encodeUsage(this.#usage))}}`);
    }
    return out + DONE;
  }

  #start(id: string, created: number): string {
    this.#prefix = `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(this.#model)}`;
    return this.#chunk(`{"role":"assistant","content":""}`, "null");
  }

  /** The first chunk when upstream content arrives without a `start` event. */
  #lead(): string {
    return this.#prefix === "" ? this.#start(randomId("chatcmpl-"), nowSeconds()) : "";
  }

  #delta(delta: string): string {
    return this.#lead() + this.#chunk(delta, "null");
  }

  #chunk(delta: string, finishReason: string): string {
    return sseFrame(
      `${this.#prefix},"choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finishReason}}]}`,
    );
  }

  #detail(detail: Record<string, unknown>): string {
    detail.index = this.#detailIndex++;
    return this.#delta(`{"reasoning_details":[${JSON.stringify(detail)}]}`);
  }

  #toolCallStart(index: number, id: string, name: string, signature: string | undefined): string {
    this.#sawToolCalls = true;
    const call: Record<string, unknown> = { index, id, type: "function", function: { name, arguments: "" } };
    if (signature !== undefined) call.extra_content = signatureExtra(signature);
    return this.#delta(`{"tool_calls":[${JSON.stringify(call)}]}`);
  }

  #finish(reason: IRFinishReason): string {
    if (this.#finished) return "";
    this.#finished = true;
    const wire = encodeFinishReason(reason, this.#sawToolCalls);
    return this.#lead() + this.#chunk("{}", `"${wire}"`);
  }
}
