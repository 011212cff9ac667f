import { readFileSync } from "node:fs";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { handleAmp, matchAmpRoute } from "../amp/index.ts";
import { log } from "../logging/logger.ts";
import type { Runtime } from "../proxy/runtime.ts";
import { readAppEnv } from "./app-env.ts";
import { applyCors } from "./cors.ts";
import { handleGenerate, matchGenerateRoute } from "./generate-routes.ts";
import { attachResponsesWebSocket } from "./responses-ws.ts";
import { handleV1Internal, matchV1InternalRoute } from "./v1internal-route.ts";

export interface ListenOptions {
  /** '' = all interfaces, IPv4 and IPv6. */
  host: string;
  port: number;
  tls?: { cert: string; key: string };
}

export interface RunningServer {
  server: Server;
  /** Base URL clients can use, e.g. http://127.0.0.1:8317 */
  url: string;
  port: number;
  /** Stop accepting, let in-flight requests finish up to `deadlineMs`, then cut what is left. */
  close(deadlineMs?: number): Promise<void>;
}

/**
 * The request listener: the hot generate routes (POST only; they write CORS_HEADERS with their
 * own response head), then CORS and preflights for everything else, then Hono.
 */
export function createListener(rt: Runtime): (req: IncomingMessage, res: ServerResponse) => void {
  const fallback = lazyHonoApp(rt);
  return (req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const route = matchGenerateRoute(req.method ?? "GET", path);
    if (route) {
      void handleGenerate(rt, route, req, res, q < 0 ? "" : url.slice(q + 1));
      return;
    }
    if (applyCors(req, res)) return;
    // Health checks poll often and must not load the Hono app (see lazyHonoApp).
    if (path === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(req.method === "HEAD" ? undefined : HEALTHY);
      return;
    }
    // Gemini CLI pointed at us with CODE_ASSIST_ENDPOINT (loopback clients only).
    const v1 = matchV1InternalRoute(req.method ?? "GET", path);
    if (v1) {
      void handleV1Internal(rt, v1, req, res, q < 0 ? "" : url.slice(q + 1));
      return;
    }
    // Amp CLI: /api/provider/{provider}/... aliases and Amp's control plane (src/amp/).
    const amp = matchAmpRoute(req.method ?? "GET", path);
    if (amp) {
      void handleAmp(rt, amp, req, res, path, q < 0 ? "" : url.slice(q + 1));
      return;
    }
    void fallback(req, res);
  };
}

const HEALTHY = JSON.stringify({ status: "ok" });

type Listener = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * The Hono app for everything but the hot routes, loaded on the first request that needs it.
 * Hono's Node adapter brings the web-standard Request/Response classes (Node's internal fetch
 * stack, ~18 MB of memory); a proxy that only relays API calls never pays for them. The request
 * waits, unread, until the app is there.
 */
function lazyHonoApp(rt: Runtime): (req: IncomingMessage, res: ServerResponse) => void {
  // Environment settings are start-up settings, whenever the app gets created.
  const env = readAppEnv();
  let app: Listener | undefined;
  let loading: Promise<Listener> | undefined;
  const load = () =>
    Promise.all([import("@hono/node-server"), import("./app.ts")]).then(
      ([{ getRequestListener }, { createApp }]) => {
        app = getRequestListener(createApp(rt, env).fetch);
        return app;
      },
    );
  return (req, res) => {
    if (app) {
      void app(req, res);
      return;
    }
    loading ??= load();
    loading.then(
      (listener) => listener(req, res),
      (err: Error) => {
        loading = undefined;
        log.error({ err: err.message }, "could not load the HTTP app");
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "internal error: the HTTP app failed to load" } }));
      },
    );
  };
}

export async function startServer(rt: Runtime, opts: ListenOptions): Promise<RunningServer> {
  const listener = createListener(rt);
  const server: Server = opts.tls
    ? (createHttpsServer(
        { cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) },
        listener,
      ) as unknown as Server)
    : createHttpServer(listener);
  server.keepAliveTimeout = 65_000;
  // Long generations: never let Node's request timeout cut a slow upstream.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  // GET /v1/responses with Upgrade: websocket (Responses WebSocket mode).
  const responsesWs = attachResponsesWebSocket(server, rt);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // Empty host: omit it, so Node binds :: with IPv4-mapped addresses (dual stack).
    if (opts.host) server.listen(opts.port, opts.host, resolve);
    else server.listen(opts.port, resolve);
  });

  const addr = server.address() as AddressInfo;
  const shownHost = !opts.host || opts.host === "0.0.0.0" || opts.host === "::" ? "localhost" : opts.host;
  const hostPart = shownHost.includes(":") ? `[${shownHost}]` : shownHost;
  const url = `${opts.tls ? "https" : "http"}://${hostPart}:${addr.port}`;

  return {
    server,
    url,
    port: addr.port,
    // Upgraded sockets are not the HTTP server's to close: end them alongside it.
    close: (deadlineMs = 10_000) =>
      Promise.all([responsesWs.close(deadlineMs), closeGracefully(server, deadlineMs)]).then(() => {}),
  };
}

function closeGracefully(server: Server, deadlineMs: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => server.closeAllConnections(), deadlineMs);
    // Keep-alive sockets become idle as in-flight responses finish: close them as they do.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    server.close(() => {
      clearTimeout(deadline);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}
