/**
 * A fake AI upstream on plain `node:http` speaking the OpenAI, Anthropic, Gemini and Code Assist
 * wire formats, with scripted scenarios. Used by the demo, the tests and the benchmark, so the
 * request path stays lean: one body read, one JSON parse, prebuilt stream frames.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleAmp } from "./amp.ts";
import { CUT_AFTER_FRAMES, planAnswer } from "./answer.ts";
import { presentedCredential, shortCredential } from "./auth.ts";
import { sendError, sendScenarioError } from "./errors.ts";
import { FakeOAuth } from "./oauth.ts";
import { FakeQuota, sendQuotaExhausted } from "./quota.ts";
import { dialectOfPath, type Route, route } from "./routes.ts";
import { chooseScenario, isErrorScenario, makeCall } from "./scenarios.ts";
import { pause, sendCutJson, sendJson, sendStream, wasCut } from "./send.ts";

export interface FakeUpstreamOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Keep every request in `requests` (default true); the benchmark turns it off. */
  record?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body is JSON, the raw text otherwise, undefined when empty. */
  body: any;
  /** True once the client went away before the response finished. */
  aborted: boolean;
  /** Short form of the presented credential (as in the `x-fake-auth` header), if any. */
  auth: string | undefined;
}

export interface FakeUpstream {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  /** Every request received, in order (empty when recording is off). */
  requests: RecordedRequest[];
  /** The OAuth authorization server and token endpoint (see oauth.ts): issued tokens, revocation. */
  oauth: FakeOAuth;
  /** Scripted quota exhaustion per model (and Code Assist project), see quota.ts. */
  quota: FakeQuota;
  /** Forgets the recorded requests. */
  reset(): void;
  /** Closes the server and every open connection, streams included. */
  close(): Promise<void>;
}

function parseQuery(url: string, at: number): Record<string, string> {
  return at === -1 ? {} : Object.fromEntries(new URLSearchParams(url.slice(at + 1)));
}

function parseBody(chunks: Buffer[]): any {
  if (chunks.length === 0) return undefined;
  const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  r: Route,
  body: any,
  quota: FakeQuota,
): Promise<void> {
  const dialect = r.kind === "generate" ? r.surface.dialect : r.dialect;
  if (dialect === "code-assist") {
    const reset = quota.check(r.model, body?.project);
    if (reset !== undefined) return sendQuotaExhausted(res, r.model, reset);
  }
  const choice = chooseScenario(req.headers, r.model);
  if (!choice.ok) return sendError(res, dialect, 400, `unknown x-fake-scenario "${choice.requested}"`);
  const stream = r.kind === "generate" && r.stream;
  const call =
    r.kind === "generate"
      ? makeCall(choice.scenario, r.model, req.headers, stream, r.sse, r.includeUsage)
      : makeCall(choice.scenario, r.model, req.headers, false, false, false);

  if (call.delayMs > 0 && !(await pause(res, call.delayMs))) return;
  if (isErrorScenario(call.scenario)) return sendScenarioError(res, dialect, call.scenario, call);
  if (r.kind === "json") return sendJson(res, 200, r.answer(body));

  const plan = planAnswer(r.surface.read(body), call);
  if (stream) {
    return sendStream(res, r.surface.frames(plan, call), {
      contentType: r.surface.streamContentType(call),
      intervalMs: call.intervalMs,
      cutAfter: plan.cut ? CUT_AFTER_FRAMES : undefined,
    });
  }
  const reply = r.surface.reply(plan, call);
  return plan.cut ? sendCutJson(res, reply) : sendJson(res, 200, reply);
}

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  chunks: Buffer[],
  requests: RecordedRequest[] | null,
  oauth: FakeOAuth,
  quota: FakeQuota,
) {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const query = parseQuery(url, q);
  const body = parseBody(chunks);
  const credential = presentedCredential(req.headers, query);
  const auth = credential === undefined || credential === "" ? undefined : shortCredential(credential);
  res.setHeader("x-fake-auth", auth ?? "none");

  if (requests) {
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path,
      query,
      headers: req.headers,
      body,
      aborted: false,
      auth,
    };
    requests.push(record);
    res.once("close", () => {
      if (!res.writableFinished && !wasCut(res)) record.aborted = true;
    });
  }

  if (handleAmp(req.method ?? "GET", path, req.headers, body, res)) return;
  if (oauth.handle(req.method ?? "GET", path, query, req.headers, body, res)) return;
  const r = route(req.method ?? "GET", path, query, req.headers, body);
  if (!r)
    return sendError(res, dialectOfPath(path), 404, `fake upstream has no route for ${req.method} ${path}`);
  if (oauth.isRevokedAccessToken(credential)) {
    const dialect = r.kind === "generate" ? r.surface.dialect : r.dialect;
    return sendError(res, dialect, 401, "The access token has expired or was revoked.");
  }
  answer(req, res, r, body, quota).catch((err: unknown) => {
    if (!res.headersSent) sendError(res, "openai", 500, `fake upstream failed: ${String(err)}`);
    else res.destroy();
  });
}

export async function startFakeUpstream(opts: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const recorded = opts.record === false ? null : requests;
  const oauth = new FakeOAuth();
  const quota = new FakeQuota();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => handle(req, res, chunks, recorded, oauth, quota));
  });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    requests,
    oauth,
    quota,
    reset() {
      requests.length = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
