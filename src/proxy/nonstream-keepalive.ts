import type { ServerResponse } from "node:http";
import { CORS_HEADERS } from "../server/cors.ts";

/**
 * `nonstream-keepalive-interval`: while a non-stream answer is pending, a blank line every N
 * seconds keeps idle-timeout proxies and clients from dropping the connection. The first one
 * commits the response as 200 JSON; leading whitespace is valid JSON, so the body that follows
 * (the answer, or an error in the caller's envelope) still parses.
 */

const committed = new WeakSet<ServerResponse>();

/** Whether keep-alive lines already committed `res` (status 200, JSON): only the body is left to send. */
export function committedByKeepAlive(res: ServerResponse): boolean {
  return committed.has(res);
}

/** Starts the blank lines (when `intervalSeconds` > 0); call the returned function once the answer is sent. */
export function startNonStreamKeepAlive(res: ServerResponse, intervalSeconds: number): () => void {
  if (!(intervalSeconds > 0)) return noop;
  const timer = setInterval(() => {
    if (res.writableEnded || res.destroyed) {
      clearInterval(timer);
      return;
    }
    if (!res.headersSent) {
      res.writeHead(200, { ...CORS_HEADERS, "content-type": "application/json; charset=utf-8" });
      committed.add(res);
    }
    res.write("\n");
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

function noop(): void {}
