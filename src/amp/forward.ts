import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { log } from "../logging/logger.ts";
import { sendJson } from "../server/respond.ts";
import { dispatcherFor } from "../upstream/dispatchers.ts";
import { type Dispatcher, request } from "../upstream/undici.ts";
import { outboundHeaders, queryWithoutClientKey } from "./forward-headers.ts";
import { relayAnswer } from "./response-body.ts";
import type { AmpState } from "./state.ts";
import { upstreamKeyFor } from "./upstream-key.ts";

// The reverse proxy to the Amp upstream (ampcode.com): same method, path and query below the
// configured upstream URL, the client's credentials swapped for the Amp key, the answer
// streamed back (gzip decoded). Like the original, it goes out directly, not through proxy-url.

export interface ForwardCall {
  method: string;
  /** Path as the client sent it, e.g. /api/provider/anthropic/v1/messages. */
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  /** Text we already read (and may have rewritten), or the request itself to stream it. */
  body: string | IncomingMessage | undefined;
  /** The client key that passed access control ("" when access is open or not required). */
  clientKey: string;
}

/** The original's answer when the upstream cannot be reached. */
const UNREACHABLE = { error: "amp_upstream_proxy_error", message: "Failed to reach Amp upstream" };

/** The original's answer when no upstream is configured. */
export const NO_UPSTREAM = { error: "amp upstream proxy not available" };

export async function forwardToAmp(state: AmpState, call: ForwardCall, res: ServerResponse): Promise<void> {
  const upstream = state.upstream;
  if (!upstream) {
    sendJson(res, 503, NO_UPSTREAM);
    return;
  }
  const key = await upstreamKeyFor(state.keys, call.clientKey);
  const query = queryWithoutClientKey(call.query, call.clientKey);
  const base = upstream.pathname.replace(/\/+$/, "");
  const url = `${upstream.origin}${base}${call.path}${query ? `?${query}` : ""}`;
  const hasBody = call.body !== undefined && call.method !== "GET" && call.method !== "HEAD";

  const abort = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  let up: Awaited<ReturnType<typeof request>>;
  try {
    up = await request(url, {
      method: call.method as Dispatcher.HttpMethod,
      headers: outboundHeaders(call.headers, key, typeof call.body === "string"),
      body: hasBody ? call.body : undefined,
      dispatcher: dispatcherFor(""),
      signal: abort.signal,
    });
  } catch (err) {
    if (abort.signal.aborted) return;
    log.error(
      { method: call.method, path: call.path, err: (err as Error).message },
      "amp upstream proxy error",
    );
    if (!res.headersSent) sendJson(res, 502, UNREACHABLE);
    return;
  }
  try {
    await relayAnswer(up, res);
  } catch (err) {
    // The upstream failed before its answer began (while we peeked at the body).
    if (abort.signal.aborted) return;
    log.error({ path: call.path, err: (err as Error).message }, "amp upstream answer failed");
    if (!res.headersSent) sendJson(res, 502, UNREACHABLE);
    else res.destroy();
  }
}
