import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { refreshAfterUnauthorized } from "../auth/index.ts";
import type { Credential } from "../credentials/credential.ts";
import { decideByRules } from "../credentials/error-rules.ts";
import { codecFor } from "../protocols/index.ts";
import type { IRRequest, IRStreamEvent, SSEMessage, WireFormat } from "../protocols/ir.ts";
import { mergeAnthropicBeta } from "../providers/claude.ts";
import { providers } from "../providers/index.ts";
import type { Provider } from "../providers/types.ts";
import type { Candidate, Resolution } from "../routing/registry.ts";
import { applyThinkingToBody, applyThinkingToIR } from "../routing/thinking.ts";
import { CORS_HEADERS } from "../server/cors.ts";
import { type ErrorSurface, ProxyError, toProxyError } from "../server/errors.ts";
import { dispatcherFor } from "../upstream/dispatchers.ts";
import { upstreamErrorMessage } from "../upstream/error-message.ts";
import { resetHintMs } from "../upstream/reset-hint.ts";
import { SSEParser } from "../upstream/sse-parser.ts";
import { request } from "../upstream/undici.ts";
import type { CallObserver } from "../usage/call-observer.ts";
import { createUsageTap, usageFromJson } from "../usage/extract.ts";
import { streamContentType, writeChunk } from "./client-writer.ts";
import { ModelRenamer, renameModelInBody } from "./model-rename.ts";
import { rewriteModel } from "./model-rewrite.ts";
import { startNonStreamKeepAlive } from "./nonstream-keepalive.ts";
import { addPassthroughHeaders } from "./passthrough-headers.ts";
import { QuotaFallback } from "./quota-fallback.ts";
import type { Runtime } from "./runtime.ts";

/** A generate call as the route decoded it: enough to route without touching the body again. */
export interface InboundCall {
  format: WireFormat;
  surface: ErrorSurface;
  /** The raw body text and its parse. */
  text: string;
  body: any;
  /** Model as the client named it (from the body, or the URL for Gemini). */
  model: string;
  /** Model to route by when it differs from `model` (Amp model-mappings); answers keep `model`. */
  routeModel?: string;
  stream: boolean;
  /** Gemini clients choose SSE (`alt=sse`) or a JSON array stream. */
  sse: boolean;
  /** `/v1/responses/compact`: Codex upstreams get their compact endpoint; others a plain generation. */
  compact: boolean;
  /** Usage, metrics and request-log feed for this call (absent for count_tokens). */
  observer?: CallObserver;
  headers: IncomingHttpHeaders;
  /** A long-lived client session (one Responses WebSocket), for `routing.session-affinity`. */
  executionSession?: string;
}

/** Statuses after which another credential is worth trying. */
const RETRYABLE = new Set([401, 403, 404, 408, 429, 500, 502, 503, 504, 529]);
/** Statuses that put the (credential, model) pair into cooldown. */
const COOLS = new Set([401, 403, 404, 408, 429, 500, 502, 503, 504, 529]);

type Attempt = { done: true } | { done: false; error: ProxyError; retryable: boolean };
const DONE: Attempt = { done: true };

/**
 * Serves one generate call: picks credentials in scheduler order, calls upstream, fails over
 * on retryable errors (for streams only before the first byte reaches the client), and relays
 * the answer in the client's format.
 */
export async function proxyGenerate(rt: Runtime, call: InboundCall, res: ServerResponse): Promise<void> {
  const config = rt.config;
  const resolution = rt.registry.resolve(call.routeModel ?? call.model);
  if (!resolution) {
    throw new ProxyError(404, `model "${call.model}" is not served by any configured provider`, {
      code: "model_not_found",
    });
  }

  const abort = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) abort.abort();
  });

  const exchange = new Exchange(call, resolution);
  exchange.debugTiming = config.debug;
  exchange.forwardHeaders = config["passthrough-headers"];
  const rounds = 1 + Math.max(0, config["request-retry"]);
  const maxCreds = config["max-retry-credentials"];
  let lastError: ProxyError | undefined;

  // Non-stream answers may keep the connection alive with blank lines while they are pending.
  const stopKeepAlive = call.stream
    ? undefined
    : startNonStreamKeepAlive(res, config["nonstream-keepalive-interval"], call.headers);
  try {
    // streaming.bootstrap-retries: a stream that failed before its first byte reached the
    // client is run again from the top (fresh credential order), for transient errors only.
    const bootstrapRetries = call.stream ? Math.max(0, config.streaming["bootstrap-retries"]) : 0;
    const sticky = rt.affinity.session(call, resolution.key, call.observer?.clientKey); // undefined when off
    for (let boot = 0; boot <= bootstrapRetries && !abort.signal.aborted; boot++) {
      if (boot > 0 && !(lastError && bootstrapEligible(lastError.status))) break;
      for (let round = 0; round < rounds && !abort.signal.aborted; round++) {
        const bound = sticky?.bound(); // its credential goes first when usable
        const order = rt.scheduler.order(resolution.key, resolution.candidates, rt.cooldowns, bound);
        const tries = maxCreds > 0 ? Math.min(maxCreds, order.length) : order.length;
        for (let i = 0; i < tries; i++) {
          sticky?.picked(order[i].cred.id);
          const attempt = await tryCandidate(rt, exchange, order[i], res, abort.signal);
          sticky?.settled(order[i].cred.id, attempt);
          if (attempt.done) return;
          lastError = attempt.error;
          if (!attempt.retryable) throw attempt.error;
        }
        if (round + 1 >= rounds) break;
        const wait = nearestCooldown(rt, resolution);
        if (wait > config["max-retry-interval"] * 1000) break;
        // A timer may fire a millisecond before the clock says the cooldown is over.
        await sleep(wait + COOLDOWN_WAKE_MARGIN_MS, abort.signal);
      }
    }
    if (abort.signal.aborted) return;
    if (lastError && lastError.status !== 429) throw lastError;
    throw allCoolingError(rt, resolution, lastError);
  } finally {
    stopKeepAlive?.();
  }
}

/** Failures worth a bootstrap retry: auth, quota, timeouts, upstream/network errors (not bad requests). */
function bootstrapEligible(status: number): boolean {
  return (
    status === 401 || status === 402 || status === 403 || status === 408 || status === 429 || status >= 500
  );
}

/** Per-call translation state, decoded lazily once and reused across failover attempts. */
class Exchange {
  readonly call: InboundCall;
  readonly resolution: Resolution;
  /** `debug: true` adds the x-proxy-overhead-ms header. */
  debugTiming = false;
  /** `passthrough-headers: true`: the upstream's response headers go to the client too. */
  forwardHeaders = false;
  private decoded: IRRequest | undefined;

  constructor(call: InboundCall, resolution: Resolution) {
    this.call = call;
    this.resolution = resolution;
  }

  ir(): IRRequest {
    if (!this.decoded) {
      this.decoded = codecFor(this.call.format).decodeRequest(this.call.body);
      this.decoded.stream = this.call.stream;
    }
    return this.decoded;
  }

  /**
   * Same wire format in and out: forward the body untouched but for the model. A Gemini client
   * that wants the JSON-array stream still goes through the codec, since upstream speaks SSE.
   */
  isPassthrough(provider: Provider): boolean {
    if (provider.format !== this.call.format) return false;
    return !(this.call.format === "gemini" && this.call.stream && !this.call.sse);
  }

  upstreamBody(provider: Provider, cand: Candidate): string {
    const call = this.call;
    const { upstreamModel } = cand;
    const suffix = this.resolution.thinking;
    if (this.isPassthrough(provider)) {
      // A thinking suffix rewrites the upstream's own reasoning field, so the body is re-serialised.
      const body = suffix ? applyThinkingToBody(provider.format, call.body, suffix, cand) : call.body;
      if (body === call.body) {
        if (call.format === "gemini") return call.text; // the model travels in the URL
        return rewriteModel(call.text, call.body, call.model, upstreamModel);
      }
      return JSON.stringify(call.format === "gemini" ? body : { ...body, model: upstreamModel });
    }
    const ir = suffix ? applyThinkingToIR(this.ir(), suffix, cand, provider.format) : this.ir();
    return JSON.stringify(codecFor(provider.format).encodeRequest(ir, upstreamModel));
  }
}

async function tryCandidate(
  rt: Runtime,
  ex: Exchange,
  cand: Candidate,
  res: ServerResponse,
  signal: AbortSignal,
  refreshed = false,
  quota?: QuotaFallback,
): Promise<Attempt> {
  if (!quota && cand.cred.provider === "gemini-cli") {
    // quota-exceeded.*: the attempt starts at the account's first (project, model) step not spent.
    const plan = new QuotaFallback(rt, cand);
    return tryCandidate(rt, ex, plan.current, res, signal, refreshed, plan);
  }
  const { cred, upstreamModel } = cand;
  const provider = providers[cred.provider];
  const call = ex.call;
  let body = ex.upstreamBody(provider, cand);
  if (provider.prepareBody) body = provider.prepareBody(cred, body, call);
  const headers: Record<string, string> = { ...provider.headers(cred, call.stream), ...cred.headers };
  if (provider.id === "claude" && typeof call.headers["anthropic-beta"] === "string") {
    headers["anthropic-beta"] = mergeAnthropicBeta(headers["anthropic-beta"], call.headers["anthropic-beta"]);
  }

  let url = provider.url(cred, upstreamModel, call.stream);
  if (call.compact && provider.id === "codex") url += "/compact"; // .../responses -> .../responses/compact

  const obs = call.observer;
  obs?.attempt({ provider: provider.id, credentialId: cred.id, credentialLabel: cred.label, upstreamModel });
  if (obs?.log.capturing) obs.log.upstream({ credential: cred.label, url, headers, body });

  let up: Awaited<ReturnType<typeof request>>;
  obs?.waitStart();
  try {
    up = await request(url, {
      method: "POST",
      headers,
      body,
      dispatcher: dispatcherFor(cred.proxyUrl),
      signal,
    });
  } catch (err) {
    obs?.waitEnd();
    if (signal.aborted) return DONE;
    rt.cooldowns.fail(cred.id, upstreamModel, 502);
    return { done: false, error: unreachable(err), retryable: true };
  }
  obs?.waitEnd();

  if (up.statusCode >= 400) {
    const text = await up.body.text().catch(() => "");
    const status = up.statusCode;
    obs?.log.upstreamError(status, text, cred.label);
    // An OAuth token may have expired or been revoked early: refresh once, retry the same account.
    if (status === 401 && !refreshed) {
      const fresh = await refreshAfterUnauthorized(rt, cred);
      if (fresh && !signal.aborted) {
        const again = quota ? quota.withCredential(fresh) : { ...cand, cred: fresh };
        return tryCandidate(rt, ex, again, res, signal, true, quota);
      }
    }
    const hint = resetHintMs(up.headers, text);
    if (quota) {
      // A Gemini CLI account out of quota tries its preview models and other projects first.
      const next = quota.failed(rt, status, text, hint);
      if (next && !signal.aborted) return tryCandidate(rt, ex, next, res, signal, refreshed, quota);
      const spent = quota.spent(rt);
      if (spent) return { done: false, ...spent };
    }
    // request-scoped-errors: a matching rule decides instead of the status alone.
    const rule = decideByRules(cred.errorRules, status, text);
    if (rule ? rule.cooldown : COOLS.has(status)) {
      const reset = status === 429 ? hint : undefined;
      if (rule) rt.cooldowns.forceFail(cred.id, upstreamModel, status, reset);
      else rt.cooldowns.fail(cred.id, upstreamModel, status, reset);
    }
    const error = new ProxyError(status, upstreamErrorMessage(status, text), {
      type: status >= 500 ? "upstream_error" : undefined,
      retryAfter: hint !== undefined ? Math.ceil(hint / 1000) : undefined,
    });
    return { done: false, error, retryable: rule ? !rule.stop : RETRYABLE.has(status) };
  }

  rt.cooldowns.succeed(cred.id, upstreamModel);
  quota?.succeeded(rt);
  if (!call.stream) return relayJson(ex, provider, cred, upstreamModel, up, res, signal);
  return relayStream(ex, provider, upstreamModel, up, res, signal, rt.config.streaming["keepalive-seconds"]);
}

type UpstreamResponse = Awaited<ReturnType<typeof request>>;

async function relayJson(
  ex: Exchange,
  provider: Provider,
  cred: Credential,
  upstreamModel: string,
  up: UpstreamResponse,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<Attempt> {
  const call = ex.call;
  const obs = call.observer;
  let text: string;
  obs?.waitStart();
  try {
    text = await up.body.text();
  } catch (err) {
    if (signal.aborted) return DONE;
    return { done: false, error: unreachable(err), retryable: true };
  } finally {
    obs?.waitEnd();
  }
  if (provider.unaryBody) {
    try {
      text = provider.unaryBody(cred, text);
    } catch (err) {
      return { done: false, error: toProxyError(err), retryable: true };
    }
  }
  if (ex.isPassthrough(provider)) {
    obs?.setUsage(usageFromJson(provider.format, text));
    if (upstreamModel !== call.model) text = renameModelInBody(text, upstreamModel, call.model);
    sendBody(res, text, obs, ex, up.headers);
    return DONE;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const error = new ProxyError(502, "upstream sent a body that is not JSON", {
      type: "upstream_error",
      cause: err,
    });
    return { done: false, error, retryable: true };
  }
  const decoded = codecFor(provider.format).decodeResponse(parsed);
  obs?.setUsage(decoded.usage);
  let out = codecFor(call.format).encodeResponse(decoded, { model: call.model, request: ex.ir() });
  // A compaction answers with the new history only.
  if (call.compact) out = { output: (out as { output?: unknown[] }).output ?? [] };
  sendBody(res, JSON.stringify(out), obs, ex, up.headers);
  return DONE;
}

/**
 * A whole JSON answer; with `debug` on, the proxy's own time rides along as a header. After
 * keep-alive blank lines the head is already out: only the body is left to send.
 */
function sendBody(
  res: ServerResponse,
  text: string,
  obs: CallObserver | undefined,
  ex: Exchange,
  upstreamHeaders: IncomingHttpHeaders,
): void {
  obs?.firstByte();
  if (obs?.log.capturing) obs.log.responseChunk(text);
  if (!res.headersSent) {
    const headers: Record<string, string | string[]> = {
      ...CORS_HEADERS,
      "content-type": "application/json; charset=utf-8",
    };
    if (ex.debugTiming && obs) headers["x-proxy-overhead-ms"] = obs.overheadMs().toFixed(2);
    if (ex.forwardHeaders) addPassthroughHeaders(headers, upstreamHeaders);
    res.writeHead(200, headers);
  }
  res.end(text);
}

async function relayStream(
  ex: Exchange,
  provider: Provider,
  upstreamModel: string,
  up: UpstreamResponse,
  res: ServerResponse,
  signal: AbortSignal,
  keepAliveSeconds: number,
): Promise<Attempt> {
  const call = ex.call;
  const chunks = up.body[Symbol.asyncIterator]();
  // Read the first chunk before committing to the client, so a stream that dies at once can
  // still fail over to another credential.
  const obs = call.observer;
  let first: IteratorResult<Buffer>;
  obs?.waitStart();
  try {
    first = await chunks.next();
  } catch (err) {
    obs?.waitEnd();
    if (signal.aborted) return DONE;
    return { done: false, error: unreachable(err), retryable: true };
  }
  obs?.waitEnd();
  if (first.done) {
    return {
      done: false,
      error: new ProxyError(502, "upstream closed the stream without data"),
      retryable: true,
    };
  }

  const headers: Record<string, string | string[]> = {
    ...CORS_HEADERS,
    "content-type": streamContentType(call.format, call.sse),
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
  };
  if (ex.debugTiming && obs) headers["x-proxy-overhead-ms"] = obs.overheadMs().toFixed(2);
  if (ex.forwardHeaders) addPassthroughHeaders(headers, up.headers);
  obs?.firstByte();
  res.writeHead(200, headers);

  const passthrough = ex.isPassthrough(provider);
  const translate = passthrough ? undefined : new StreamTranslator(ex, provider);
  const rename =
    passthrough && upstreamModel !== call.model ? new ModelRenamer(upstreamModel, call.model) : undefined;
  // Passthrough bytes are not decoded: a tap picks the usage out of them.
  const tap = passthrough && obs ? createUsageTap(provider.format) : undefined;
  const logging = obs?.log.capturing === true;
  const keepAlive = startKeepAlive(res, call, keepAliveSeconds);
  try {
    let chunk: Buffer | undefined = first.value;
    // The first upstream chunk can hold the whole burst of events: send its first translated
    // frame at once instead of after translating all of it, so time to first byte stays low.
    let early: ((text: string | Uint8Array) => void) | undefined = (text) => {
      if (logging) obs!.log.responseChunk(text);
      res.write(text);
      // Node corks the socket until the next tick; flush now so the client sees this frame
      // while we work through the rest of the chunk.
      res.socket?.uncork();
    };
    if (!translate && chunk.length > EARLY_SPLIT_BYTES) {
      // Passthrough: the same, by sending the first whole frame of a burst before the rest.
      const cut = firstFrameEnd(chunk);
      if (cut > 0 && cut < chunk.length) {
        const head = chunk.subarray(0, cut);
        tap?.push(head);
        early(rename ? rename.push(head) : head);
        early = undefined;
        chunk = chunk.subarray(cut);
      }
    }
    while (chunk !== undefined) {
      tap?.push(chunk);
      const out = translate ? translate.push(chunk, early) : rename ? rename.push(chunk) : chunk;
      early = undefined;
      if (out.length > 0) {
        keepAlive?.touch();
        if (logging) obs!.log.responseChunk(out);
        const pending = writeChunk(res, out);
        if (pending) await pending;
      }
      obs?.waitStart();
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } finally {
        obs?.waitEnd();
      }
      chunk = next.done ? undefined : next.value;
    }
    const tail = translate ? translate.end() : rename?.end();
    if (logging && tail) obs!.log.responseChunk(tail);
    if (tap) obs!.setUsage(tap.usage());
    res.end(tail);
  } catch (err) {
    obs?.markFailed();
    if (signal.aborted || res.destroyed) return DONE;
    const message = `upstream stream failed: ${(err as Error)?.message ?? "connection lost"}`;
    const tail = (translate ?? new StreamTranslator(ex, provider)).fail(message);
    res.end(tail);
  } finally {
    keepAlive?.stop();
  }
  return DONE;
}

/** Bursts larger than this get their first frame sent ahead of the rest. */
const EARLY_SPLIT_BYTES = 4096;

/** End of the first SSE frame (after its blank line), or -1. */
function firstFrameEnd(chunk: Buffer): number {
  const lf = chunk.indexOf("\n\n");
  const crlf = chunk.indexOf("\r\n\r\n");
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  return lf < 0 ? -1 : lf + 2;
}

/**
 * SSE comment lines while the upstream is silent, so proxies and clients with idle timeouts
 * keep the stream open. Only for SSE: the Gemini JSON array and Ollama NDJSON have no comments.
 */
function startKeepAlive(res: ServerResponse, call: InboundCall, seconds: number) {
  if (seconds <= 0 || !streamContentType(call.format, call.sse).startsWith("text/event-stream"))
    return undefined;
  let last = Date.now();
  const ms = seconds * 1000;
  const timer = setInterval(
    () => {
      if (Date.now() - last >= ms && !res.destroyed) {
        last = Date.now();
        res.write(": keep-alive\n\n");
      }
    },
    // A quarter of the interval: a comment goes out at most a quarter late.
    Math.min(1000, ms / 4),
  );
  timer.unref();
  return {
    touch: () => {
      last = Date.now();
    },
    stop: () => clearInterval(timer),
  };
}

/** Upstream SSE bytes -> IR events -> client wire text, one chunk at a time. */
class StreamTranslator {
  private readonly parser = new SSEParser();
  private readonly decoder;
  private readonly encoder;
  private readonly messages: SSEMessage[] = [];
  private readonly events: IRStreamEvent[] = [];
  private readonly observer: CallObserver | undefined;

  constructor(ex: Exchange, provider: Provider) {
    this.observer = ex.call.observer;
    this.decoder = codecFor(provider.format).createStreamDecoder();
    this.encoder = codecFor(ex.call.format).createStreamEncoder({
      model: ex.call.model,
      includeUsage: ex.ir().includeUsage,
      sse: ex.call.sse,
      request: ex.ir(),
    });
  }

  /** Translates one chunk; `early` (if given) receives the first non-empty output right away. */
  push(chunk: Uint8Array, early?: (text: string) => void): string {
    if (early) {
      // One message at a time until one produces output; send that, then do the rest in bulk.
      this.parser.push(chunk, this.messages, 1);
      while (this.messages.length === 1) {
        this.decoder.push(this.messages[0], this.events);
        this.messages.length = 0;
        const head = this.flush();
        if (head.length > 0) {
          early(head);
          break;
        }
        this.parser.resume(this.messages, 1);
      }
      this.parser.resume(this.messages);
    } else {
      this.parser.push(chunk, this.messages);
    }
    for (const m of this.messages) this.decoder.push(m, this.events);
    this.messages.length = 0;
    return this.flush();
  }

  end(): string {
    this.parser.end(this.messages);
    for (const m of this.messages) this.decoder.push(m, this.events);
    this.decoder.end(this.events);
    return this.flush() + this.encoder.end();
  }

  fail(message: string): string {
    this.events.push({ type: "error", status: 502, errorType: "upstream_error", message });
    return this.flush();
  }

  private flush(): string {
    let out = "";
    for (const e of this.events) {
      if (e.type === "usage") this.observer?.setUsage(e.usage);
      out += this.encoder.encode(e);
    }
    this.events.length = 0;
    return out;
  }
}

function unreachable(err: unknown): ProxyError {
  const msg = (err as Error)?.message ?? String(err);
  return new ProxyError(502, `upstream unreachable: ${msg}`, { type: "upstream_error", cause: err });
}

function nearestCooldown(rt: Runtime, resolution: Resolution): number {
  let best = Number.POSITIVE_INFINITY;
  const now = Date.now();
  for (const c of resolution.candidates)
    best = Math.min(best, rt.cooldowns.remaining(c.cred.id, c.upstreamModel, now));
  return best;
}

function allCoolingError(rt: Runtime, resolution: Resolution, last: ProxyError | undefined): ProxyError {
  const wait = nearestCooldown(rt, resolution);
  const secs = Number.isFinite(wait) ? Math.max(1, Math.ceil(wait / 1000)) : (last?.retryAfter ?? 1);
  const when = new Date(Date.now() + secs * 1000).toISOString();
  const detail = last ? ` Last upstream error: ${last.message}` : "";
  return new ProxyError(
    429,
    `All credentials for model "${resolution.key}" are cooling down; the first frees up in ${secs}s (at ${when}).${detail}`,
    { code: "model_cooldown", retryAfter: secs },
  );
}

/** Added to a wait for the nearest cooldown, so the credential is free when the round starts. */
const COOLDOWN_WAKE_MARGIN_MS = 20;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
