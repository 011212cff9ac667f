import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * CORS headers of every response that is not a preflight. The hot generate routes put these
 * into their own writeHead call instead of going through applyCors: a header set earlier with
 * setHeader moves Node's writeHead onto its slow path (every header re-set one by one).
 */
export const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
  "access-control-allow-headers": "*",
  "access-control-expose-headers": "*",
} as const;

/** CORS on every response; browsers' preflights are answered directly with 204. */
export function applyCors(req: IncomingMessage, res: ServerResponse): boolean {
  res.setHeader("access-control-allow-origin", CORS_HEADERS["access-control-allow-origin"]);
  res.setHeader("access-control-allow-methods", CORS_HEADERS["access-control-allow-methods"]);
  const requested = req.headers["access-control-request-headers"];
  res.setHeader("access-control-allow-headers", typeof requested === "string" && requested ? requested : "*");
  res.setHeader("access-control-expose-headers", CORS_HEADERS["access-control-expose-headers"]);
  if (req.method !== "OPTIONS") return false;
  res.setHeader("access-control-max-age", "86400");
  res.writeHead(204).end();
  return true;
}
