import { once } from "node:events";
import type { ServerResponse } from "node:http";

/**
 * Writes to the client honouring backpressure: when the socket buffer is full we wait for
 * `drain`, which in turn stops us reading from upstream.
 */
export function writeChunk(res: ServerResponse, chunk: string | Uint8Array): Promise<unknown> | undefined {
  if (res.destroyed) return undefined;
  if (res.write(chunk)) return undefined;
  return Promise.race([once(res, "drain"), once(res, "close")]);
}

/** Content type of a stream in the client's format. */
export function streamContentType(format: string, sse: boolean): string {
  if (format === "ollama-chat" || format === "ollama-generate") return "application/x-ndjson";
  if (format === "gemini" && !sse) return "application/json; charset=utf-8";
  return "text/event-stream; charset=utf-8";
}
