import type { IncomingHttpHeaders } from "node:http";
import { HOP_BY_HOP_HEADERS } from "../upstream/hop-by-hop.ts";

/**
 * `passthrough-headers: true`: the upstream's response headers reach the client (request ids,
 * rate-limit counters, processing times), except those that describe the upstream connection
 * or body encoding (ours differ), set cookies, or that the proxy sets itself.
 */
const NOT_FORWARDED = new Set([
  ...HOP_BY_HOP_HEADERS,
  "content-length",
  "content-encoding",
  "content-type",
  "date",
  "server",
  "set-cookie",
  "alt-svc",
  "strict-transport-security",
  "cache-control",
  "x-accel-buffering",
]);

/** Copies the forwardable upstream headers into `into`, never overwriting what is there. */
export function addPassthroughHeaders(
  into: Record<string, string | string[]>,
  upstream: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
): void {
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (NOT_FORWARDED.has(lower) || lower.startsWith("access-control-") || lower in into) continue;
    into[lower] = value;
  }
}
