/**
 * IR events -> Gemini stream for the client: one GenerateContentResponse chunk per event, as
 * SSE `data:` frames (`alt=sse`) or, without `alt=sse`, as the JSON array Google streams
 * (`[` chunk `,\r\n` chunk ... `]`).
 *
 * Tool-call fragments are buffered and sent as one whole functionCall part when the call ends.
 * A reasoning signature waits for the next non-thought part (text, image or functionCall) and
 * rides on it, as Gemini places signatures; when reasoning or the finish comes first it goes out
 * on an empty thought part. The last chunk carries finishReason and usageMetadata. An error
 * ends the stream with `{error: {code, message, status}}`, which the Gemini SDK raises.
 */
import { errorBody, ProxyError } from "../../server/errors.ts";
import { randomId } from "../ids.ts";
import type { EncodeContext, IRStreamEvent, IRUsage, StreamEncoder } from "../ir.ts";
import { sseFrame } from "../sse.ts";
import type { JsonObject } from "./fields.ts";
import { encodeFinishReason } from "./finish.ts";
import { parseArgs } from "./parts-encode.ts";
import { encodeUsage } from "./usage.ts";

interface BufferedCall {
  name: string;
  args: string;
  signature?: string;
}

/** Wraps each chunk before framing (the Gemini CLI envelope puts it under `response`). */
export type ChunkWrapper = (chunk: JsonObject) => unknown;

export class GeminiStreamEncoder implements StreamEncoder {
  private readonly model: string;
  private readonly sse: boolean;
  private readonly wrap: ChunkWrapper | undefined;
  private id = "";
  /** JSON-array mode: whether `[` went out. */
  private opened = false;
  private closed = false;
  private pendingSignature: string | undefined;
  private readonly calls = new Map<number, BufferedCall>();
  private usage: IRUsage | undefined;

  constructor(ctx: EncodeContext, wrap?: ChunkWrapper) {
    this.model = ctx.model;
    this.sse = ctx.sse !== false;
    this.wrap = wrap;
  }

  encode(event: IRStreamEvent): string {
    if (this.closed) return "";
    switch (event.type) {
      case "start":
        this.id = event.id;
        return "";
      case "text":
        return event.delta === "" ? "" : this.chunk([this.signed({ text: event.delta })]);
      case "reasoning": {
        if (event.delta === "") return "";
        const parts = this.takeLooseSignature();
        parts.push({ text: event.delta, thought: true });
        return this.chunk(parts);
      }
      case "reasoning_signature": {
        const earlier = this.takeLooseSignature();
        this.pendingSignature = event.signature;
        return earlier.length > 0 ? this.chunk(earlier) : "";
      }
      case "reasoning_redacted":
        return "";
      case "tool_call_start": {
        const call: BufferedCall = { name: event.name, args: "" };
        if (event.signature) call.signature = event.signature;
        this.calls.set(event.index, call);
        return "";
      }
      case "tool_call_delta": {
        const call = this.calls.get(event.index);
        if (call) call.args += event.argsDelta;
        return "";
      }
      case "tool_call_end": {
        const call = this.calls.get(event.index);
        if (!call) return "";
        this.calls.delete(event.index);
        return this.chunk(this.callParts(call));
      }
      case "image":
        return this.chunk([this.signed({ inlineData: { mimeType: event.mediaType, data: event.data } })]);
      case "usage":
        this.usage = event.usage;
        return "";
      case "finish":
        return this.finish(encodeFinishReason(event.reason));
      case "error":
        return this.error(event.status, event.message);
    }
  }

  end(): string {
    if (this.closed || this.sse) {
      this.closed = true;
      return "";
    }
    this.closed = true;
    return this.opened ? "]" : "[]";
  }

  private finish(reason: string): string {
    // Calls a broken upstream never ended still reach the client whole.
    const parts: JsonObject[] = [];
    for (const call of this.calls.values()) parts.push(...this.callParts(call));
    this.calls.clear();
    parts.push(...this.takeLooseSignature());
    // The SDK's chat history drops chunks whose content has no parts.
    if (parts.length === 0) parts.push({ text: "" });
    const out = this.chunk(parts, reason);
    this.usage = undefined;
    return out;
  }

  private error(status: number, message: string): string {
    const code = status >= 400 && status < 600 ? status : 500;
    const body = errorBody(new ProxyError(code, message), "gemini");
    const out = this.frame(body) + (this.sse ? "" : "]");
    this.closed = true;
    return out;
  }

  /** A whole functionCall part; one with its own signature lets a waiting one go out first. */
  private callParts(call: BufferedCall): JsonObject[] {
    const part: JsonObject = { functionCall: { name: call.name, args: parseArgs(call.args) } };
    if (!call.signature) return [this.signed(part)];
    part.thoughtSignature = call.signature;
    const parts = this.takeLooseSignature();
    parts.push(part);
    return parts;
  }

  /** Puts the waiting reasoning signature on `part`. */
  private signed(part: JsonObject): JsonObject {
    if (this.pendingSignature !== undefined) {
      part.thoughtSignature = this.pendingSignature;
      this.pendingSignature = undefined;
    }
    return part;
  }

  /** The waiting signature as an empty thought part of its own, when nothing will carry it. */
  private takeLooseSignature(): JsonObject[] {
    if (this.pendingSignature === undefined) return [];
    const part = { thought: true, text: "", thoughtSignature: this.pendingSignature };
    this.pendingSignature = undefined;
    return [part];
  }

  private chunk(parts: JsonObject[], finishReason?: string): string {
    const candidate: JsonObject = { content: { role: "model", parts } };
    if (finishReason) candidate.finishReason = finishReason;
    candidate.index = 0;
    const chunk: JsonObject = { candidates: [candidate] };
    if (finishReason && this.usage) chunk.usageMetadata = encodeUsage(this.usage);
    chunk.modelVersion = this.model;
    chunk.responseId = this.id ||= randomId("resp_");
    return this.frame(this.wrap ? this.wrap(chunk) : chunk);
  }

  private frame(value: unknown): string {
    const json = JSON.stringify(value);
    if (this.sse) return sseFrame(json);
    if (this.opened) return `,\r\n${json}`;
    this.opened = true;
    return `[${json}`;
  }
}
