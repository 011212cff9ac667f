import type { Hono } from "hono";
import { z } from "zod";
import type { Credential } from "../../credentials/credential.ts";
import type { Runtime } from "../../proxy/runtime.ts";
import { dispatcherFor } from "../../upstream/dispatchers.ts";
import { request } from "../../upstream/undici.ts";
import { readJson, validate } from "../body.ts";
import { ManagementError } from "../errors.ts";

// `POST /api-call`: an HTTP request made on behalf of one credential, e.g. the panel asking a
// provider for quota or models. `$TOKEN$` in the URL, headers or body becomes the credential's
// key or access token, so the secret never travels through the browser. It goes out through the
// credential's proxy (else the global one, else direct). Answer: `{status_code, header, body}`.

const body = z.object({
  auth_index: z.string().optional(),
  authIndex: z.string().optional(),
  method: z.string().trim().min(1, "missing method"),
  url: z.string().trim().url("invalid url"),
  header: z.record(z.string(), z.string()).optional(),
  data: z.string().optional(),
});

const TOKEN = "$TOKEN$";
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export function registerApiCall(app: Hono, rt: Runtime): void {
  app.post("/api-call", async (c) => {
    const req = validate(body, await readJson(c));
    const index = (req.auth_index ?? req.authIndex ?? "").trim();
    const cred = index ? findCredential(rt, index) : undefined;
    if (index && !cred) throw new ManagementError(404, "no credential with that auth_index");

    const url = new URL(req.url);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new ManagementError(400, "invalid url");
    const usesToken = [req.url, req.data ?? "", ...Object.values(req.header ?? {})].some((v) =>
      v.includes(TOKEN),
    );
    if (usesToken && !cred) throw new ManagementError(400, "$TOKEN$ needs an auth_index");
    const fill = (s: string) => (cred ? s.replaceAll(TOKEN, cred.apiKey) : s);

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.header ?? {})) headers[k] = fill(v);
    let answer: Awaited<ReturnType<typeof request>>;
    try {
      answer = await request(fill(req.url), {
        method: req.method.toUpperCase() as "GET",
        headers,
        body: req.data === undefined ? undefined : fill(req.data),
        dispatcher: dispatcherFor(cred ? cred.proxyUrl : rt.config["proxy-url"]),
        headersTimeout: 60_000,
        bodyTimeout: 60_000,
      });
    } catch (err) {
      // The message may name the host; it never contains the token (only headers/body do).
      throw new ManagementError(502, `request failed: ${(err as Error).message}`);
    }
    const text = await answer.body.text();
    const header: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(answer.headers)) {
      if (v !== undefined) header[k] = Array.isArray(v) ? v : [String(v)];
    }
    return c.json({
      status_code: answer.statusCode,
      header,
      body: text.length > MAX_ANSWER_BYTES ? text.slice(0, MAX_ANSWER_BYTES) : text,
    });
  });
}

/** By credential id, or by the auth-dir file name an OAuth credential came from. */
function findCredential(rt: Runtime, index: string): Credential | undefined {
  return rt.registry.credentials.find((c) => c.id === index || c.attributes?.auth_file === index);
}
