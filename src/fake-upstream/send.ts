/** Writing answers: whole JSON bodies, or streams of frames with backpressure, pacing and cuts. */
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { writeChunk } from "../proxy/client-writer.ts";

export const SSE_CONTENT_TYPE = "text/event-stream; charset=utf-8";

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: OutgoingHttpHeaders,
): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(json),
  });
  res.end(json);
}

/** Resolves after `ms`, or early when the response closes; true when the time fully elapsed. */
export function pause(res: ServerResponse, ms: number): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off("close", onClose);
      resolve(true);
    }, ms);
    res.once("close", onClose);
  });
}

const cutByServer = new WeakSet<ServerResponse>();

/** True when the fake itself dropped the connection (scenario `cut`), not the client. */
export function wasCut(res: ServerResponse): boolean {
  return cutByServer.has(res);
}

/**
 * Ends the connection after what was written is flushed, without the terminal chunk:
 * the client sees a body cut in the middle.
 */
export function cutConnection(res: ServerResponse): void {
  cutByServer.add(res);
  const socket = res.socket;
  if (!socket) return;
  socket.once("finish", () => socket.destroy());
  socket.end();
}

export interface StreamOptions {
  contentType: string;
  headers?: OutgoingHttpHeaders;
  /** Pause between frames, in ms (0: write as fast as the client reads). */
  intervalMs: number;
  /** Drop the connection after this many frames (the `cut` scenario). */
  cutAfter?: number;
}

/** Streams `frames` with status 200; stops quietly when the client goes away. */
export async function sendStream(
  res: ServerResponse,
  frames: Iterable<string>,
  opts: StreamOptions,
): Promise<void> {
  res.writeHead(200, {
    ...opts.headers,
    "content-type": opts.contentType,
    "cache-control": "no-cache",
  });
  let sent = 0;
  for (const frame of frames) {
    if (res.destroyed) return;
    if (sent === opts.cutAfter) return cutConnection(res);
    if (opts.intervalMs > 0 && sent > 0 && !(await pause(res, opts.intervalMs))) return;
    sent++;
    const pending = writeChunk(res, frame);
    if (pending) await pending;
  }
  if (!res.destroyed) res.end();
}

/** A non-stream answer cut off halfway through its JSON body. */
export function sendCutJson(res: ServerResponse, body: unknown, headers?: OutgoingHttpHeaders): void {
  const json = JSON.stringify(body);
  res.writeHead(200, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(json),
  });
  res.write(json.slice(0, json.length >> 1));
  cutConnection(res);
}
