/** IR stream events -> Ollama NDJSON lines, for /api/chat and /api/generate. */
import type { EncodeContext, IRFinishReason, IRStreamEvent, IRUsage, StreamEncoder } from "../ir.ts";
import { type Durations, writeDoneFields } from "./done-fields.ts";
import { encodeToolCall } from "./response.ts";

export type OllamaEndpoint = "chat" | "generate";

interface OpenToolCall {
  id: string;
  name: string;
  args: string;
}

/** Nanoseconds between two performance.now() readings. */
function nanos(fromMs: number, toMs: number): number {
  return Math.max(0, Math.round((toMs - fromMs) * 1e6));
}

/**
 * One JSON object per line, `done:false` while content flows: chat lines carry
 * `message.content` / `message.thinking` deltas, generate lines `response` / `thinking`.
 * Tool calls (chat only) are buffered and sent whole in one line once complete. The closing
 * line has `done:true`, done_reason, counts and the durations measured here. An error ends
 * the stream with an `{"error": ...}` line, which the Ollama clients raise.
 */
export class OllamaStreamEncoder implements StreamEncoder {
  private readonly endpoint: OllamaEndpoint;
  /** `{"model":"..","created_at":` — the start of every line. */
  private readonly head: string;
  private readonly startedAt = performance.now();
  private firstOutputAt = 0;
  private readonly toolCalls = new Map<number, OpenToolCall>();
  private toolCallsSent = 0;
  private usage: IRUsage | undefined;
  private closed = false;

  constructor(ctx: EncodeContext, endpoint: OllamaEndpoint) {
    this.endpoint = endpoint;
    this.head = `{"model":${JSON.stringify(ctx.model)},"created_at":`;
  }

  encode(event: IRStreamEvent): string {
    if (this.closed) return "";
    switch (event.type) {
      case "text":
        return event.delta === "" ? "" : this.delta("content", event.delta);
      case "reasoning":
        return event.delta === "" ? "" : this.delta("thinking", event.delta);
      case "tool_call_start":
        if (this.endpoint === "chat")
          this.toolCalls.set(event.index, { id: event.id, name: event.name, args: "" });
        return "";
      case "tool_call_delta": {
        const call = this.toolCalls.get(event.index);
        if (call) call.args += event.argsDelta;
        return "";
      }
      case "tool_call_end":
        return this.sendToolCall(event.index);
      case "image":
        return this.endpoint === "chat" ? this.imageLine(event.data) : "";
      case "usage":
        this.usage = event.usage;
        return "";
      case "finish":
        return this.done(event.reason);
      case "error":
        this.closed = true;
        return `${JSON.stringify({ error: event.message })}\n`;
      default:
        // start carries nothing Ollama shows; signatures and redacted thinking have no field.
        return "";
    }
  }

  end(): string {
    return this.closed ? "" : this.done("stop");
  }

  private line(body: string): string {
    return `${this.head}"${new Date().toISOString()}",${body}}\n`;
  }

  private markOutput(): void {
    if (this.firstOutputAt === 0) this.firstOutputAt = performance.now();
  }

  private delta(field: "content" | "thinking", text: string): string {
    this.markOutput();
    const json = JSON.stringify(text);
    if (this.endpoint === "generate") {
      const body = field === "content" ? `"response":${json}` : `"response":"","thinking":${json}`;
      return this.line(`${body},"done":false`);
    }
    const message = field === "content" ? `"content":${json}` : `"content":"","thinking":${json}`;
    return this.line(`"message":{"role":"assistant",${message}},"done":false`);
  }

  private sendToolCall(index: number): string {
    const call = this.toolCalls.get(index);
    if (!call) return "";
    this.toolCalls.delete(index);
    this.markOutput();
    const encoded = encodeToolCall(call.id, this.toolCallsSent++, call.name, call.args);
    const message = { role: "assistant", content: "", tool_calls: [encoded] };
    return this.line(`"message":${JSON.stringify(message)},"done":false`);
  }

  private imageLine(data: string): string {
    this.markOutput();
    return this.line(
      `"message":{"role":"assistant","content":"","images":[${JSON.stringify(data)}]},"done":false`,
    );
  }

  private done(reason: IRFinishReason): string {
    let out = "";
    // Calls the upstream never closed still reach the client rather than vanish.
    for (const index of [...this.toolCalls.keys()]) out += this.sendToolCall(index);
    this.closed = true;
    const now = performance.now();
    const first = this.firstOutputAt === 0 ? now : this.firstOutputAt;
    const durations: Durations = {
      total: nanos(this.startedAt, now),
      load: 0,
      promptEval: nanos(this.startedAt, first),
      eval: nanos(first, now),
    };
    const tail: Record<string, unknown> =
      this.endpoint === "chat" ? { message: { role: "assistant", content: "" } } : { response: "" };
    writeDoneFields(tail, reason, this.usage, durations);
    if (this.endpoint === "generate") tail.context = [];
    // Splice the fields after the shared head: drop the object's opening brace.
    return out + this.line(JSON.stringify(tail).slice(1, -1));
  }
}
