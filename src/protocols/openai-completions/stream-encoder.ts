/** IR stream events -> legacy Completions SSE chunks (`object: "text_completion"`). */
import { nowSeconds, randomId } from "../ids.ts";
import type { EncodeContext, IRStreamEvent, IRUsage, StreamEncoder } from "../ir.ts";
import { sseFrame, sseJson } from "../sse.ts";
import { encodeFinishReason } from "./finish-reason.ts";
import { echoedPrompt } from "./request.ts";
import { completionId } from "./response.ts";
import { encodeUsage } from "./usage.ts";

const DONE = sseFrame("[DONE]");

/**
 * Every chunk carries one choice whose `text` is the delta; the last content chunk carries the
 * finish_reason, an optional usage chunk with empty `choices` follows, then `data: [DONE]`.
 * Reasoning, tool calls and images are dropped: this format is text only.
 */
export class CompletionsStreamEncoder implements StreamEncoder {
  private readonly ctx: EncodeContext;
  private readonly includeUsage: boolean;
  private id = "";
  private created = 0;
  /** `{"id":..,"object":..,"created":..,"model":..,"choices":[{"text":` — built once per stream. */
  private prefix = "";
  private usage: IRUsage | undefined;
  private closed = false;

  constructor(ctx: EncodeContext) {
    this.ctx = ctx;
    this.includeUsage = ctx.includeUsage ?? ctx.request?.includeUsage ?? false;
  }

  encode(event: IRStreamEvent): string {
    if (this.closed) return "";
    switch (event.type) {
      case "start": {
        if (this.prefix !== "") return "";
        this.begin(completionId(event.id), event.created);
        const echo = echoedPrompt(this.ctx.request);
        return echo === "" ? "" : this.chunk(echo, null);
      }
      case "text":
        this.ensureStarted();
        return event.delta === "" ? "" : this.chunk(event.delta, null);
      case "usage":
        this.usage = event.usage;
        return "";
      case "finish":
        this.ensureStarted();
        return this.chunk("", encodeFinishReason(event.reason));
      case "error":
        this.closed = true;
        // The OpenAI SDKs throw on a data payload that carries `error`.
        return sseJson({ error: { message: event.message, type: event.errorType, param: null, code: null } });
      default:
        return "";
    }
  }

  end(): string {
    if (this.closed) return "";
    this.closed = true;
    if (!this.includeUsage || !this.usage) return DONE;
    this.ensureStarted();
    const usageChunk = {
      id: this.id,
      object: "text_completion",
      created: this.created,
      model: this.ctx.model,
      choices: [],
      usage: encodeUsage(this.usage),
    };
    return sseJson(usageChunk) + DONE;
  }

  private begin(id: string, created: number): void {
    this.id = id;
    this.created = created;
    this.prefix =
      `{"id":${JSON.stringify(id)},"object":"text_completion","created":${created},` +
      `"model":${JSON.stringify(this.ctx.model)},"choices":[{"text":`;
  }

  /** Tolerates a stream whose decoder never sent `start`. */
  private ensureStarted(): void {
    if (this.prefix === "") this.begin(randomId("cmpl-"), nowSeconds());
  }

  private chunk(text: string, finishReason: string | null): string {
    const reason = finishReason === null ? "null" : `"${finishReason}"`;
    return sseFrame(
      `${this.prefix}${JSON.stringify(text)},"index":0,"logprobs":null,"finish_reason":${reason}}]}`,
    );
  }
}
