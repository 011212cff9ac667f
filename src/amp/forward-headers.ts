import type { IncomingHttpHeaders } from "node:http";
import { HOP_BY_HOP_HEADERS } from "../upstream/hop-by-hop.ts";

// What crosses the proxy towards the Amp upstream and back. The client's credentials are for
// this proxy only: they are dropped and the Amp upstream key is sent instead. Proxy tracing,
// SDK fingerprint and browser headers are scrubbed as the original does.

/** Hop-by-hop headers and those undici sets or refuses itself. */
const HOP_BY_HOP = new Set([...HOP_BY_HOP_HEADERS, "host", "expect"]);

const DROPPED_OUTBOUND = new Set([
  // the client's key for this proxy
  "authorization",
  "x-api-key",
  "x-goog-api-key",
  // proxy tracing
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "x-real-ip",
  "forwarded",
  "via",
  // client identity
  "x-title",
  "x-stainless-lang",
  "x-stainless-package-version",
  "x-stainless-os",
  "x-stainless-arch",
  "x-stainless-runtime",
  "x-stainless-runtime-version",
  "http-referer",
  "referer",
  // browser fingerprint
  "sec-ch-ua",
  "sec-ch-ua-mobile",
  "sec-ch-ua-platform",
  "sec-fetch-mode",
  "sec-fetch-site",
  "sec-fetch-dest",
  "priority",
  // encoding is negotiated by us (gzip, decoded before the client sees it)
  "accept-encoding",
]);

/** Names listed in a `Connection` header are hop-by-hop for that message too. */
function connectionTokens(value: string | string[] | undefined): Set<string> {
  const text = Array.isArray(value) ? value.join(",") : (value ?? "");
  return new Set(
    text
      .split(",")
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}

/**
 * Headers for the upstream request. `bodyRewritten` drops the client's content-length (the
 * body we send is not the bytes it measured). `key` ("" = none) becomes both Bearer and X-Api-Key.
 */
export function outboundHeaders(
  incoming: IncomingHttpHeaders,
  key: string,
  bodyRewritten: boolean,
): Record<string, string | string[]> {
  const extraHop = connectionTokens(incoming.connection);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || HOP_BY_HOP.has(name) || DROPPED_OUTBOUND.has(name) || extraHop.has(name))
      continue;
    if (bodyRewritten && name === "content-length") continue;
    out[name] = value;
  }
  out["accept-encoding"] = "gzip";
  if (key) {
    out.authorization = `Bearer ${key}`;
    out["x-api-key"] = key;
  }
  return out;
}

/** Upstream response headers for the client; `decoded` drops the encoding and the stale length. */
export function inboundHeaders(
  upstream: Record<string, string | string[] | undefined>,
  decoded: boolean,
): Record<string, string | string[]> {
  const extraHop = connectionTokens(upstream.connection);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || HOP_BY_HOP.has(name) || extraHop.has(name)) continue;
    if (decoded && (name === "content-encoding" || name === "content-length")) continue;
    out[name] = value;
  }
  return out;
}

/**
 * The query without `key=` / `auth_token=` values equal to the client's key (Google-style
 * clients put it there); other parameters pass untouched, and an unchanged query is returned as is.
 */
export function queryWithoutClientKey(query: string, clientKey: string): string {
  if (!query || !clientKey) return query;
  const params = new URLSearchParams(query);
  let changed = false;
  for (const name of ["key", "auth_token"]) {
    const values = params.getAll(name);
    if (!values.includes(clientKey)) continue;
    params.delete(name);
    for (const v of values) if (v !== clientKey) params.append(name, v);
    changed = true;
  }
  return changed ? params.toString() : query;
}
