import type { GeminiStreamDecoder } from "../gemini/stream-decoder.ts";
import type { IRStreamEvent, SSEMessage, StreamDecoder } from "../ir.ts";

/** Unwraps `{response: chunk, traceId}` stream messages; errors come unwrapped as `{error}`. */
export class GeminiCliStreamDecoder implements StreamDecoder {
  private readonly inner: GeminiStreamDecoder;

  constructor(inner: GeminiStreamDecoder) {
    this.inner = inner;
  }

  push(message: SSEMessage, out: IRStreamEvent[]): void {
    const data = message.data;
    if (data === "" || data === "[DONE]") return;
    let parsed: any;
    try {
      parsed = JSON.parse(data);
    } catch {
      // Let the inner decoder report the malformed chunk.
      this.inner.push(message, out);
      return;
    }
    const chunk =
      parsed !== null && typeof parsed === "object" && "response" in parsed ? parsed.response : parsed;
    this.inner.pushChunk(chunk, out);
  }

  end(out: IRStreamEvent[]): void {
    this.inner.end(out);
  }
}
