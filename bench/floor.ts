/**
 * The floor: the least a Node proxy can do for one extra hop. It reads the client body, swaps
 * the `model` value, forwards the request to one upstream over a shared keep-alive undici Agent
 * and pipes the answer (streams included) back untouched. The bench measures our proxy
 * against it, so anything it skips is work the proxy is charged for.
 *
 *   node bench/floor.ts --port P --upstream URL [--host 127.0.0.1] [--model-map a=b,c=d]
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { Agent, request } from "undici";

export interface FloorOptions {
  upstream: string;
  /** Client model name -> upstream model name; names not listed pass unchanged. */
  modelMap: ReadonlyMap<string, string>;
}

/** Connection-scoped headers that a proxy must not forward (RFC 9110 §7.6.1), plus ones we recompute. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "host",
  "content-length",
]);

/** The floor's request handler: what a bare Node proxy does for one request. */
export function floorHandler(options: FloorOptions): {
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  close: () => Promise<void>;
} {
  const upstream = new URL(options.upstream);
  const basePath = upstream.pathname.replace(/\/$/, "");
  const agent = new Agent({ keepAliveTimeout: 60_000, pipelining: 1 });

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: string | undefined;
    if (req.method !== "GET" && req.method !== "HEAD") {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      body = swapModel(Buffer.concat(chunks).toString("utf8"), options.modelMap);
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name))
        headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const answer = await request(new URL(basePath + req.url, upstream.origin), {
      dispatcher: agent,
      method: req.method as "GET",
      headers,
      body,
    });
    const outHeaders: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) outHeaders[name] = value;
    }
    res.writeHead(answer.statusCode, outHeaders);
    // A plain loop: measured ~30% cheaper than stream.pipeline() for many small SSE chunks.
    for await (const chunk of answer.body) {
      if (!res.write(chunk)) await drainedOrClosed(res);
      if (res.destroyed) return; // client gone: leaving the loop discards the upstream body
    }
    res.end();
  }

  return {
    handle: (req, res) => {
      forward(req, res).catch((err: Error) => {
        if (!res.headersSent) {
          res.writeHead(502, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { message: `floor: ${err.message}` } }));
        } else {
          res.destroy(err);
        }
      });
    },
    close: () => agent.close(),
  };
}

export function createFloorServer(options: FloorOptions): Server {
  const floor = floorHandler(options);
  const server = createServer({ keepAliveTimeout: 60_000 }, floor.handle);
  server.on("close", () => void floor.close());
  return server;
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/**
 * Replaces the top-level `model` value. The body is parsed once to read the name; the new name
 * is spliced into the compact `"model":"…"` text when present, else the body is re-serialised.
 */
export function swapModel(text: string, modelMap: ReadonlyMap<string, string>): string {
  if (text.length === 0) return text;
  let parsed: { model?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch {
    return text; // not JSON: pass it on and let the upstream complain
  }
  const from = parsed?.model;
  if (typeof from !== "string") return text;
  const to = modelMap.get(from);
  if (to === undefined || to === from) return text;
  const needle = `"model":${JSON.stringify(from)}`;
  const at = text.indexOf(needle);
  if (at < 0) return JSON.stringify({ ...parsed, model: to });
  return `${text.slice(0, at)}"model":${JSON.stringify(to)}${text.slice(at + needle.length)}`;
}

/** `a=b,c=d` -> Map. */
export function parseModelMap(spec: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of (spec ?? "").split(",")) {
    const eq = pair.indexOf("=");
    if (eq > 0) map.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return map;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "0" },
      upstream: { type: "string" },
      "model-map": { type: "string" },
    },
  });
  if (!values.upstream) throw new Error("--upstream URL is required");
  const server = createFloorServer({
    upstream: values.upstream,
    modelMap: parseModelMap(values["model-map"]),
  });
  server.listen(Number(values.port), values.host, () => {
    const { address, port } = server.address() as AddressInfo;
    process.stdout.write(`floor listening on http://${address}:${port}\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (import.meta.main) {
  main().catch((err) => {
    process.stderr.write(`floor: ${(err as Error)?.stack ?? err}\n`);
    process.exit(1);
  });
}
