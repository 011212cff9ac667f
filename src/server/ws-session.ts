/**
 * One Responses WebSocket connection: reads `response.create` / `response.append` events, runs
 * each as a streamed generate call through the ordinary pipeline, and remembers finished
 * responses so continuations can send only their new input.
 *
 * Lanes (`stream_id`, OpenAI's multiplexing): events of one lane run in order, one at a time;
 * lanes run side by side. Events without `stream_id` share the default lane.
 */
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { RawData, WebSocket } from "ws";
import { log } from "../logging/logger.ts";
import { randomId } from "../protocols/ids.ts";
import { type InboundCall, proxyGenerate } from "../proxy/pipeline.ts";
import type { Runtime } from "../proxy/runtime.ts";
import { CallObserver } from "../usage/call-observer.ts";
import { parseJsonObject } from "./body.ts";
import { errorBody, ProxyError, toProxyError } from "./errors.ts";
import { sendError } from "./respond.ts";
import { type MemoryLimits, ResponseMemory } from "./ws-memory.ts";
import { APPEND_EVENT, CREATE_EVENT, outputAsInput, type PreparedTurn, prepareTurn } from "./ws-request.ts";
import { WsResponse } from "./ws-response.ts";

/** Events waiting or running per socket; more are refused rather than queued without end. */
const MAX_PENDING = 32;

/** What the upgrade request established for the whole connection. */
export interface SessionOrigin {
  url: string;
  headers: IncomingHttpHeaders;
  /** The client key that passed the access check ('' when access is open). */
  clientKey: string;
}

export class ResponsesSession {
  readonly #memory: ResponseMemory;
  readonly #rt: Runtime;
  readonly #ws: WebSocket;
  readonly #origin: SessionOrigin;
  /** Queued events by lane; a lane is present while it has work. */
  readonly #lanes = new Map<string, QueuedEvent[]>();
  /** Responses being streamed, told when the socket goes away. */
  readonly #active = new Set<WsResponse>();
  #pending = 0;
  /** Heartbeat: false after a ping until its pong arrives. */
  #alive = true;
  #draining = false;
  #closed = false;
  /** Names this connection for `routing.session-affinity` (the original's execution session). */
  readonly #sessionId = randomId("ws_");

  constructor(rt: Runtime, ws: WebSocket, origin: SessionOrigin, limits?: MemoryLimits) {
    this.#rt = rt;
    this.#ws = ws;
    this.#origin = origin;
    this.#memory = new ResponseMemory(limits);
    // Binary frames carry the same JSON; the Go original accepts both.
    ws.on("message", (data) => this.#receive(data));
    ws.on("pong", () => {
      this.#alive = true;
    });
    ws.once("close", () => {
      this.#closed = true;
      for (const res of this.#active) res.socketClosed();
      this.#lanes.clear();
    });
    // A socket error is followed by `close`; without a listener it would be thrown.
    ws.on("error", () => {});
  }

  /** Pings the client; one that did not answer the previous ping is cut. */
  heartbeat(): void {
    if (!this.#alive) {
      this.#ws.terminate();
      return;
    }
    this.#alive = false;
    this.#ws.ping();
  }

  terminate(): void {
    this.#ws.terminate();
  }

  /** Calls `fn` once the socket is closed (at once if it already is). */
  onClose(fn: () => void): void {
    if (this.#closed) fn();
    else this.#ws.once("close", fn);
  }

  /** Server shutdown: take no new events; close now if idle, else once the running turns end. */
  drain(): void {
    this.#draining = true;
    this.#closeIfDrained();
  }

  #receive(data: RawData): void {
    if (this.#closed) return;
    const text = rawText(data);
    let event: Record<string, any>;
    try {
      event = parseJsonObject(text);
    } catch (err) {
      this.#refuse(err, undefined);
      return;
    }
    const streamId =
      typeof event.stream_id === "string" && event.stream_id !== "" ? event.stream_id : undefined;
    if (event.type !== CREATE_EVENT && event.type !== APPEND_EVENT) {
      const what = typeof event.type === "string" ? `'${event.type}'` : "without a type";
      this.#refuse(
        new ProxyError(400, `Unsupported event ${what}; send response.create`, { code: "unsupported_event" }),
        streamId,
      );
      return;
    }
    if (this.#draining) {
      this.#refuse(
        new ProxyError(503, "The server is shutting down", { code: "server_shutting_down" }),
        streamId,
      );
      return;
    }
    if (this.#pending >= MAX_PENDING) {
      this.#refuse(
        new ProxyError(429, `At most ${MAX_PENDING} responses may be queued on one socket`, {
          code: "too_many_queued_responses",
        }),
        streamId,
      );
      return;
    }
    this.#pending++;
    const lane = streamId ?? "";
    const queued: QueuedEvent = { event, size: text.length };
    const queue = this.#lanes.get(lane);
    if (queue !== undefined) {
      queue.push(queued);
      return;
    }
    this.#lanes.set(lane, [queued]);
    void this.#runLane(lane);
  }

  async #runLane(lane: string): Promise<void> {
    const queue = this.#lanes.get(lane)!;
    while (queue.length > 0 && !this.#closed) {
      try {
        await this.#runTurn(queue[0], lane);
      } catch (err) {
        // runTurn answers every failure it expects; this is a bug, and must not end the process.
        log.error({ err }, "responses websocket turn failed");
      } finally {
        queue.shift();
        this.#pending--;
      }
    }
    this.#lanes.delete(lane);
    this.#closeIfDrained();
  }

  async #runTurn({ event, size }: QueuedEvent, lane: string): Promise<void> {
    const res = new WsResponse(this.#ws, lane === "" ? undefined : lane);
    let turn: PreparedTurn;
    try {
      turn = prepareTurn(event, this.#memory, lane);
    } catch (err) {
      sendError(asServerResponse(res), err, "openai");
      return;
    }
    if (turn.warmup) {
      this.#warmUp(res, turn, lane, size);
      return;
    }

    const rt = this.#rt;
    const observer = new CallObserver(rt.observe, {
      method: "WS",
      url: this.#origin.url,
      headers: this.#origin.headers,
      body: turn.text,
      format: "openai-responses",
      clientKey: this.#origin.clientKey,
      modelRequested: turn.model,
      stream: true,
    });
    const call: InboundCall = {
      format: "openai-responses",
      surface: "openai",
      text: turn.text,
      body: turn.body,
      model: turn.model,
      stream: true,
      sse: true,
      compact: false,
      headers: this.#origin.headers,
      observer,
      executionSession: this.#sessionId,
    };
    this.#active.add(res);
    try {
      await proxyGenerate(rt, call, asServerResponse(res));
      // Returning without a finished response means the socket went away first.
      if (res.writableEnded) observer.finish(res.statusCode);
      else observer.finish(499, { failed: true });
    } catch (err) {
      const e = toProxyError(err);
      sendError(asServerResponse(res), e, "openai");
      observer.finish(e.status, { failed: true, body: JSON.stringify(errorBody(e, "openai")) });
    } finally {
      this.#active.delete(res);
    }
    this.#remember(res, turn, lane, size);
  }

  /** A completed (or incomplete) response becomes a point the next turn can continue from. */
  #remember(res: WsResponse, turn: PreparedTurn, lane: string, eventSize: number): void {
    const type = res.terminalType;
    if (type !== "response.completed" && type !== "response.incomplete") return;
    let response: any;
    try {
      response = JSON.parse(res.terminalData!).response;
    } catch {
      return;
    }
    if (typeof response?.id !== "string") return;
    const ownBytes = eventSize + res.terminalData!.length;
    this.#keep(response.id, turn, outputAsInput(response.output), lane, ownBytes);
  }

  /**
   * Sizes are the texts' lengths, no re-serialising: the client's event holds the new input, the
   * final event the output; the history is counted once, in the ancestors.
   */
  #keep(id: string, turn: PreparedTurn, output: unknown[], lane: string, ownBytes: number): void {
    this.#memory.remember(id, {
      context: turn.input,
      output,
      model: turn.model,
      instructions: turn.body.instructions,
      lane,
      ownBytes,
      totalBytes: turn.historyBytes + ownBytes,
    });
  }

  /**
   * `generate: false` prepares state without a model call: the socket answers at once with an
   * empty completed response whose id later turns continue from (Codex pre-warms this way).
   */
  #warmUp(res: WsResponse, turn: PreparedTurn, lane: string, eventSize: number): void {
    const response = {
      id: randomId("resp_"),
      object: "response",
      created_at: Math.floor(Date.now() / 1000),
      status: "in_progress",
      background: false,
      error: null,
      model: turn.model,
      output: [] as unknown[],
    };
    res.sendEvent(JSON.stringify({ type: "response.created", sequence_number: 0, response }));
    const done = {
      ...response,
      status: "completed",
      usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
    };
    const data = JSON.stringify({ type: "response.completed", sequence_number: 1, response: done });
    res.sendEvent(data);
    this.#keep(response.id, turn, [], lane, eventSize);
  }

  /** An event refused before it reached a lane. */
  #refuse(err: unknown, streamId: string | undefined): void {
    sendError(asServerResponse(new WsResponse(this.#ws, streamId)), err, "openai");
  }

  #closeIfDrained(): void {
    if (this.#draining && this.#pending === 0 && !this.#closed) this.#ws.close(1001, "server shutting down");
  }
}

interface QueuedEvent {
  event: Record<string, any>;
  /** Length of its JSON text, for the memory's size accounting. */
  size: number;
}

/** The pipeline is typed for node's ServerResponse; WsResponse implements the part it uses. */
function asServerResponse(res: WsResponse): ServerResponse {
  return res as unknown as ServerResponse;
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}
