import type { IncomingMessage, ServerResponse } from "node:http";
import { log } from "../logging/logger.ts";
import { isLoopbackAddress } from "../management/client-address.ts";
import type { Runtime } from "../proxy/runtime.ts";
import { checkAccess } from "../server/access.ts";
import { toProxyError } from "../server/errors.ts";
import { handleGenerate } from "../server/generate-routes.ts";
import { sendJson } from "../server/respond.ts";
import { forwardToAmp, NO_UPSTREAM } from "./forward.ts";
import type { AmpMatch } from "./paths.ts";
import { ampIntercept } from "./provider-routes.ts";
import { ampState } from "./state.ts";

// Amp's control plane (/api/user, /api/threads, /auth/..., ...), proxied to the Amp upstream.
// Checks in the original's order: an upstream must be configured (503), browsers get no CORS
// grant, the optional localhost rule (on the TCP peer, never a forwarded-for header: 403), the
// client API key (401; not for the web pages Amp opens in a browser).

const CORS_HEADERS = [
  "access-control-allow-origin",
  "access-control-allow-methods",
  "access-control-allow-headers",
  "access-control-expose-headers",
];

const LOCALHOST_ONLY = { error: "Access denied: management routes restricted to localhost" };

/** A refusal without the CORS grant (sendJson adds it). */
function refuse(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

export async function handleControlPlane(
  rt: Runtime,
  match: Extract<AmpMatch, { kind: "upstream" }>,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: string,
): Promise<void> {
  const state = ampState(rt.config);
  if (!state.upstream) {
    sendJson(res, 503, NO_UPSTREAM);
    return;
  }
  for (const name of CORS_HEADERS) res.removeHeader(name);
  const peer = req.socket.remoteAddress ?? "";
  if (state.restrictToLocalhost && !isLoopbackAddress(peer)) {
    log.warn({ peer, path }, "amp: non-local client refused by ampcode.restrict-management-to-localhost");
    refuse(res, 403, LOCALHOST_ONLY);
    return;
  }
  let clientKey = "";
  try {
    clientKey = checkAccess(rt.apiKeys, req.headers, query);
  } catch (err) {
    if (match.auth) {
      const e = toProxyError(err);
      refuse(res, e.status, { error: e.message });
      return;
    }
  }
  if (match.gemini) {
    await handleGenerate(rt, match.gemini, req, res, query, ampIntercept(rt, req, res, path, query));
    return;
  }
  await forwardToAmp(
    state,
    { method: req.method ?? "GET", path, query, headers: req.headers, body: req, clientKey },
    res,
  );
}
