import type { IncomingMessage, ServerResponse } from "node:http";

/** CORS on every response; browsers' preflights are answered directly with 204. */
export function applyCors(req: IncomingMessage, res: ServerResponse): boolean {
  res.setHeader("access-control-allow-origin", "*");
  res.setHeader("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
  const requested = req.headers["access-control-request-headers"];
  res.setHeader("access-control-allow-headers", typeof requested === "string" && requested ? requested : "*");
  res.setHeader("access-control-expose-headers", "*");
  if (req.method !== "OPTIONS") return false;
  res.setHeader("access-control-max-age", "86400");
  res.writeHead(204).end();
  return true;
}
