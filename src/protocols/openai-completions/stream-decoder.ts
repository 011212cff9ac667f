/** Legacy Completions SSE chunks -> IR stream events. */
import { nowSeconds, randomId } from "../ids.ts";
import type { IRFinishReason, IRStreamEvent, IRUsage, SSEMessage, StreamDecoder } from "../ir.ts";
import { decodeFinishReason } from "./finish-reason.ts";
import { isObject } from "./invalid.ts";
import { decodeUsage } from "./usage.ts";

/**
 * The finish_reason chunk comes before the usage chunk on the wire, while the IR wants usage
 * first, so the finish is held back until `[DONE]` or the end of the stream.
 */
export class CompletionsStreamDecoder implements StreamDecoder {
  private started = false;
  private finished = false;
  private finishReason: IRFinishReason | undefined;
  private usage: IRUsage | undefined;

  push(message: SSEMessage, out: IRStreamEvent[]): void {
    if (this.finished) return;
    const data = message.data.trim();
    if (data === "") return;
    if (data === "[DONE]") {
      this.close(out);
      return;
    }
    let chunk: any;
    try {
      chunk = JSON.parse(data);
    } catch {
      return; // a stray non-JSON line (keep-alive, comment) carries nothing
    }
    if (!isObject(chunk)) return;
    if (chunk.error !== undefined) {
      this.finished = true;
      const err = isObject(chunk.error) ? chunk.error : { message: String(chunk.error) };
      out.push({
        type: "error",
        status: 502,
        errorType: typeof err.type === "string" ? err.type : "upstream_error",
        message: typeof err.message === "string" ? err.message : "upstream stream error",
      });
      return;
    }
    if (!this.started) {
      this.started = true;
      out.push({
        type: "start",
        id: typeof chunk.id === "string" && chunk.id !== "" ? chunk.id : randomId("cmpl-"),
        model: typeof chunk.model === "string" ? chunk.model : "",
        created: typeof chunk.created === "number" ? chunk.created : nowSeconds(),
      });
    }
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (isObject(choice)) {
      if (typeof choice.text === "string" && choice.text !== "")
        out.push({ type: "text", delta: choice.text });
      if (typeof choice.finish_reason === "string")
        this.finishReason = decodeFinishReason(choice.finish_reason);
    }
    const usage = decodeUsage(chunk.usage);
    if (usage) this.usage = usage;
  }

  end(out: IRStreamEvent[]): void {
    if (!this.finished) this.close(out);
  }

  private close(out: IRStreamEvent[]): void {
    if (!this.started) {
      this.started = true;
      out.push({ type: "start", id: randomId("cmpl-"), model: "", created: nowSeconds() });
    }
    if (this.usage) out.push({ type: "usage", usage: this.usage });
    out.push({ type: "finish", reason: this.finishReason ?? "stop" });
    this.finished = true;
  }
}
