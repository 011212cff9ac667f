/**
 * The Responses API over WebSocket (`GET /v1/responses` with `Upgrade: websocket`), as OpenAI's
 * "WebSocket mode" and the Go original serve it: the client sends `response.create` events and
 * receives every Responses stream event as one JSON text message. See ws-session.ts.
 *
 * Access: with client keys configured and `ws-auth: true` (the default) the upgrade needs a
 * valid key (Authorization Bearer, x-api-key or `?key=`), else it is answered 401.
 */
import { type IncomingMessage, type Server, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { log } from "../logging/logger.ts";
import type { Runtime } from "../proxy/runtime.ts";
import { checkAccess } from "./access.ts";
import { errorBody, toProxyError } from "./errors.ts";
import { ResponsesSession } from "./ws-session.ts";

export const RESPONSES_WS_PATH = "/v1/responses";

/** Ping interval; a socket that missed the previous pong is cut. */
const HEARTBEAT_MS = 30_000;

export interface ResponsesWebSocket {
  /** Open sockets. */
  readonly connections: number;
  /**
   * Refuses new upgrades, closes idle sockets now (1001) and busy ones when their running turns
   * end; whatever is still open at `deadlineMs` is cut.
   */
  close(deadlineMs?: number): Promise<void>;
}

/** Serves WebSocket upgrades to /v1/responses on `server`. */
export function attachResponsesWebSocket(server: Server, rt: Runtime): ResponsesWebSocket {
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false });
  const sessions = new Set<ResponsesSession>();
  let closing = false;

  const heartbeat = setInterval(() => {
    for (const s of sessions) s.heartbeat();
  }, HEARTBEAT_MS);
  heartbeat.unref();

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    if (path !== RESPONSES_WS_PATH || req.method !== "GET") {
      // Another upgrade listener may serve it; otherwise nobody would answer.
      if (server.listenerCount("upgrade") === 1) refuse(socket, 404, `No WebSocket endpoint at ${path}`);
      return;
    }
    if (closing) {
      refuse(socket, 503, "The server is shutting down");
      return;
    }
    let clientKey: string;
    try {
      clientKey = presentedClientKey(rt, req, q < 0 ? "" : url.slice(q + 1));
    } catch (err) {
      const e = toProxyError(err);
      refuse(socket, e.status, e.message, errorBody(e, "openai"));
      return;
    }
    // Checked by ws per message: a bigger one closes the socket with 1009, as upstream does.
    wss.options.maxPayload = rt.bodyLimitBytes;
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new ResponsesSession(rt, ws, { url, headers: req.headers, clientKey });
      sessions.add(session);
      ws.once("close", () => sessions.delete(session));
      if (log.isDebug()) log.debug({ path, open: sessions.size }, "responses websocket opened");
    });
  });

  return {
    get connections() {
      return sessions.size;
    },
    close(deadlineMs = 10_000) {
      closing = true;
      clearInterval(heartbeat);
      if (sessions.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const cut = setTimeout(() => {
          for (const s of sessions) s.terminate();
        }, deadlineMs);
        const check = () => {
          if (sessions.size > 0) return;
          clearTimeout(cut);
          resolve();
        };
        for (const s of sessions) {
          s.onClose(check);
          s.drain();
        }
      });
    },
  };
}

/**
 * The client key for usage attribution. With `ws-auth` on, a missing or wrong key throws a 401;
 * with it off, a valid key is still recorded and anything else is let through.
 */
function presentedClientKey(rt: Runtime, req: IncomingMessage, query: string): string {
  if (rt.config["ws-auth"]) return checkAccess(rt.apiKeys, req.headers, query);
  try {
    return checkAccess(rt.apiKeys, req.headers, query);
  } catch {
    return "";
  }
}

/** Answers the upgrade request with a plain HTTP error and closes the connection. */
function refuse(
  socket: Duplex,
  status: number,
  message: string,
  body: unknown = { error: { message } },
): void {
  socket.on("error", () => {});
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n` +
      "Content-Type: application/json; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(text)}\r\n` +
      "Connection: close\r\n\r\n" +
      text,
  );
}
