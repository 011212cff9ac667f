import type { ServerResponse } from "node:http";

/**
 * Writes to the client honouring backpressure: when the socket buffer is full we wait for
 * `drain`, which in turn stops us reading from upstream.
 */
export function writeChunk(res: ServerResponse, chunk: string | Uint8Array): Promise<void> | undefined {
  if (res.destroyed) return undefined;
  if (res.write(chunk)) return undefined;
  return new Promise((resolve) => {
    // One waiter for whichever comes first; both listeners go away with it, so long streams
    // to slow readers do not pile up listeners.
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/** Content type of a stream in the client's format. */
export function streamContentType(format: string, sse: boolean): string {
  if (format === "ollama-chat" || format === "ollama-generate") return "application/x-ndjson";
  if (format === "gemini" && !sse) return "application/json; charset=utf-8";
  return "text/event-stream; charset=utf-8";
}
