/**
 * Looks enough like a node `ServerResponse` for the generate pipeline (and `sendError`) to
 * answer one WebSocket turn: the SSE text it is given is parsed and each event's `data` goes out
 * as one text message; a non-2xx JSON answer becomes an `error` event. Backpressure follows the
 * socket's buffered amount, and the socket closing emits `close`, so the pipeline aborts the
 * upstream request exactly as for an HTTP client that went away.
 */
import { EventEmitter } from "node:events";
import type { WebSocket } from "ws";
import type { SSEMessage } from "../protocols/ir.ts";
import { SSEParser } from "../upstream/sse-parser.ts";

/** Above this many buffered bytes `write` asks the pipeline to wait for `drain`. */
const HIGH_WATER = 256 * 1024;

/** Events after which a response is over. */
const TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed", "error"]);

type HeaderValue = string | number | readonly string[] | undefined;

export class WsResponse extends EventEmitter {
  statusCode = 200;
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  destroyed = false;
  /** The pipeline flushes `res.socket?.uncork()`; every message is its own frame here. */
  readonly socket = null;
  /** Type and JSON text of the event that ended the response, once one did. */
  terminalType: string | undefined;
  terminalData: string | undefined;

  readonly #ws: WebSocket;
  readonly #streamId: string | undefined;
  /** `{"stream_id":"…",` spliced in front of every event of a response that named its lane. */
  readonly #prefix: string;
  #sse = false;
  #parser: SSEParser | undefined;
  readonly #messages: SSEMessage[] = [];
  /** A non-SSE answer (JSON), collected until `end`. */
  #body = "";
  #retryAfter: string | undefined;
  #waitingDrain = false;
  readonly #afterSend = (): void => {
    if (this.#waitingDrain && this.#ws.bufferedAmount < HIGH_WATER) {
      this.#waitingDrain = false;
      this.emit("drain");
    }
  };

  constructor(ws: WebSocket, streamId?: string) {
    super();
    this.#ws = ws;
    this.#streamId = streamId;
    this.#prefix = streamId === undefined ? "" : `{"stream_id":${JSON.stringify(streamId)},`;
  }

  writeHead(status: number, headers?: Record<string, HeaderValue>): this {
    this.statusCode = status;
    this.headersSent = true;
    const type = String(headerValue(headers, "content-type") ?? "");
    this.#sse = status < 300 && type.startsWith("text/event-stream");
    if (this.#sse) this.#parser = new SSEParser();
    const retry = headerValue(headers, "retry-after");
    if (retry !== undefined) this.#retryAfter = String(retry);
    return this;
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.writableEnded || this.destroyed) return false;
    if (!this.headersSent) this.writeHead(this.statusCode);
    this.#take(chunk);
    if (this.#ws.bufferedAmount < HIGH_WATER) return true;
    this.#waitingDrain = true;
    return false;
  }

  end(chunk?: string | Uint8Array): this {
    if (this.writableEnded) return this;
    if (!this.headersSent) this.writeHead(this.statusCode);
    if (!this.destroyed) {
      if (chunk !== undefined && chunk.length > 0) this.#take(chunk);
      if (this.#sse) {
        this.#parser!.end(this.#messages);
        this.#dispatchAll();
      } else {
        this.#answerJson();
      }
      // A stream that stopped before its last event must not leave the client waiting.
      if (this.terminalType === undefined) {
        this.#sendError(502, {
          type: "upstream_error",
          code: "stream_incomplete",
          message: "the upstream stream ended before the response finished",
          param: null,
        });
      }
    }
    this.writableEnded = true;
    this.writableFinished = true;
    this.emit("finish");
    return this;
  }

  /** The socket went away: the pipeline sees the client disconnect and aborts upstream. */
  socketClosed(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit("close");
  }

  /** Sends one event's JSON text, tagged with the lane when the request named one. */
  sendEvent(data: string): void {
    const text = this.#prefix === "" || data.charCodeAt(0) !== 123 ? data : this.#prefix + data.slice(1);
    this.#ws.send(text, this.#afterSend);
  }

  #take(chunk: string | Uint8Array): void {
    if (!this.#sse) {
      this.#body += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      return;
    }
    this.#parser!.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk, this.#messages);
    this.#dispatchAll();
  }

  #dispatchAll(): void {
    for (const m of this.#messages) this.#dispatch(m);
    this.#messages.length = 0;
  }

  #dispatch(m: SSEMessage): void {
    const data = m.data;
    if (data.length === 0 || data === "[DONE]" || this.terminalType !== undefined) return;
    const type = eventType(data) ?? m.event ?? parsedType(data);
    if (type === "error") {
      this.#relayStreamError(data);
      return;
    }
    if (type !== undefined && TERMINAL.has(type)) {
      this.terminalType = type;
      this.terminalData = data;
    }
    this.sendEvent(data);
  }

  /** An SSE `error` event (`{type, code, message, param}`) in the WebSocket shape (`{type, error}`). */
  #relayStreamError(data: string): void {
    let parsed: Record<string, any> | undefined;
    try {
      parsed = JSON.parse(data);
    } catch {
      parsed = undefined;
    }
    if (parsed !== undefined && parsed.error !== null && typeof parsed.error === "object") {
      this.terminalType = "error";
      this.terminalData = data;
      this.sendEvent(data);
      return;
    }
    this.#sendError(502, {
      type: typeof parsed?.type === "string" && parsed.type !== "error" ? parsed.type : "upstream_error",
      code: parsed?.code ?? null,
      message: typeof parsed?.message === "string" ? parsed.message : "upstream stream failed",
      param: parsed?.param ?? null,
    });
  }

  /** A whole JSON answer: errors become an `error` event; a response object its completion. */
  #answerJson(): void {
    let parsed: any;
    try {
      parsed = JSON.parse(this.#body);
    } catch {
      parsed = undefined;
    }
    if (this.statusCode >= 400 || parsed === null || typeof parsed !== "object") {
      const error =
        parsed?.error !== null && typeof parsed?.error === "object"
          ? parsed.error
          : { type: "upstream_error", code: null, message: this.#body || "request failed", param: null };
      this.#sendError(this.statusCode >= 400 ? this.statusCode : 502, error);
      return;
    }
    const data = JSON.stringify({ type: "response.completed", response: parsed });
    this.terminalType = "response.completed";
    this.terminalData = data;
    this.sendEvent(data);
  }

  /** Codex reads `status` (and rate-limit headers) from the error event, as the Go original sends it. */
  #sendError(status: number, error: unknown): void {
    const event: Record<string, unknown> = { type: "error", status, error };
    if (this.#retryAfter !== undefined) event.headers = { "retry-after": this.#retryAfter };
    if (this.#streamId !== undefined) event.stream_id = this.#streamId;
    const data = JSON.stringify(event);
    this.terminalType = "error";
    this.terminalData = data;
    this.#ws.send(data, this.#afterSend);
  }
}

/** The `type` of an event from its JSON text without parsing it: Responses events lead with it. */
function eventType(data: string): string | undefined {
  if (!data.startsWith('{"type":"')) return undefined;
  const end = data.indexOf('"', 9);
  return end < 0 ? undefined : data.slice(9, end);
}

/** The slow way, for events whose JSON does not lead with `type` and came without an SSE event name. */
function parsedType(data: string): string | undefined {
  try {
    const type = JSON.parse(data)?.type;
    return typeof type === "string" ? type : undefined;
  } catch {
    return undefined;
  }
}

function headerValue(headers: Record<string, HeaderValue> | undefined, name: string): HeaderValue {
  if (headers === undefined) return undefined;
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}
