import type { IncomingHttpHeaders, ServerResponse } from "node:http";
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

/**
 * Starts the blank lines (when `intervalSeconds` > 0); call the returned function once the
 * answer is sent. Amp clients parse strictly (no leading whitespace), as the original knows.
 */
export function startNonStreamKeepAlive(
  res: ServerResponse,
  intervalSeconds: number,
  headers: IncomingHttpHeaders,
): () => void {
  if (!(intervalSeconds > 0) || isAmpClient(headers)) return noop;
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

function isAmpClient(headers: IncomingHttpHeaders): boolean {
  if (
    headers["x-amp-client-application"] ||
    headers["x-amp-client-type"] ||
    headers["x-amp-client-version"]
  ) {
    return true;
  }
  const feature = headers["x-amp-feature"];
  return typeof feature === "string" && feature.trim().toLowerCase().startsWith("amp.");
}
