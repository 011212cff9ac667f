/**
 * A fake Amp control plane (ampcode.com), for the proxy's `ampcode.upstream-url`. It answers
 * the paths the proxy forwards with small, plausible bodies (not ampcode.com's real schemas):
 *
 *   GET  /api/user                  the signed-in user
 *   GET  /api/meta                  service metadata
 *   GET  /api/threads               a thread list;  GET /api/threads/{id}: one thread
 *   POST /api/threads               the created thread (echoes the body's title)
 *   POST /api/internal              `{ok: true, result: {method, params}}` from the JSON body
 *   POST /api/telemetry             `{}`
 *   ANY  /auth, /auth/...           an HTML sign-in page
 *   GET  /threads..., /docs..., /settings...   HTML pages
 *   GET  /news.rss, /threads.rss    an RSS feed
 *
 * Provider calls under /api/provider/{provider}/... fall through to the normal fake surfaces
 * (they match by path suffix), answered with `x-fake-amp: provider`. Header
 * `x-fake-amp-gzip: raw` gzips a JSON answer without saying so (a misconfigured upstream);
 * `x-fake-amp-gzip: encoded` gzips it with `Content-Encoding: gzip`.
 */
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";

const USER = {
  id: "user_fake_1",
  email: "amp-user@example.com",
  username: "amp-user",
  displayName: "Amp User",
  team: null,
};

function thread(id: string, title: string) {
  return { id, title, created: "2025-01-01T00:00:00Z", messages: 0 };
}

function tree(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  text: string,
  headers: IncomingHttpHeaders,
): void {
  const gzip = headers["x-fake-amp-gzip"];
  let body: Buffer = Buffer.from(text);
  const out: Record<string, string | number> = { "content-type": contentType };
  if (gzip === "raw" || gzip === "encoded") {
    body = gzipSync(body);
    if (gzip === "encoded") out["content-encoding"] = "gzip";
  }
  out["content-length"] = body.length;
  res.writeHead(status, out);
  res.end(body);
}

function html(title: string): string {
  return `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`;
}

/** Answers an Amp control-plane path; false when the path is not one (or is a provider call). */
export function handleAmp(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: any,
  res: ServerResponse,
): boolean {
  const json = (status: number, value: unknown) =>
    send(res, status, "application/json", JSON.stringify(value), headers);

  if (path.startsWith("/api/provider/")) {
    res.setHeader("x-fake-amp", "provider");
    return false;
  }
  if (path === "/api/user" && method === "GET") json(200, USER);
  else if (path === "/api/meta" && method === "GET") json(200, { service: "fake-amp", version: "1.0.0" });
  else if (path === "/api/threads" && method === "GET") json(200, { threads: [thread("T-1", "First")] });
  else if (path === "/api/threads" && method === "POST")
    json(201, thread("T-2", typeof body?.title === "string" ? body.title : "Untitled"));
  else if (path.startsWith("/api/threads/") && method === "GET") json(200, thread(path.slice(13), "Thread"));
  else if (path === "/api/internal" && method === "POST")
    json(200, { ok: true, result: { method: body?.method ?? null, params: body?.params ?? null } });
  else if (path === "/api/telemetry" && method === "POST") json(200, {});
  else if (tree(path, "/auth")) send(res, 200, "text/html; charset=utf-8", html("Sign in to Amp"), headers);
  else if (method === "GET" && (tree(path, "/threads") || tree(path, "/docs") || tree(path, "/settings")))
    send(res, 200, "text/html; charset=utf-8", html(`Amp ${path}`), headers);
  else if (method === "GET" && (path === "/news.rss" || path === "/threads.rss"))
    send(
      res,
      200,
      "application/rss+xml",
      `<?xml version="1.0"?><rss version="2.0"><channel><title>Amp ${path}</title></channel></rss>`,
      headers,
    );
  else return false;
  return true;
}
