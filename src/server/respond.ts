import type { ServerResponse } from "node:http";
import { log } from "../logging/logger.ts";
import { committedByKeepAlive } from "../proxy/nonstream-keepalive.ts";
import { CORS_HEADERS } from "./cors.ts";
import { type ErrorSurface, errorBody, toProxyError } from "./errors.ts";

/** Sends a JSON body (with the CORS headers, which the hot routes do not get from applyCors). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...CORS_HEADERS,
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Answers with `err` in the caller's envelope. If the response already started (a stream),
 * the connection is ended instead: the stream encoders report mid-stream errors themselves.
 */
export function sendError(res: ServerResponse, err: unknown, surface: ErrorSurface): void {
  const e = toProxyError(err);
  if (e.status >= 500 && e.cause !== undefined) log.error({ err: e.cause }, e.message);
  if (res.headersSent) {
    // Non-stream keep-alive lines committed a 200: the error still goes out as the JSON body.
    if (committedByKeepAlive(res)) res.end(JSON.stringify(errorBody(e, surface)));
    else if (!res.writableEnded) res.end();
    return;
  }
  const headers: Record<string, string> = {};
  if (e.retryAfter !== undefined) headers["retry-after"] = String(e.retryAfter);
  sendJson(res, e.status, errorBody(e, surface), headers);
}
