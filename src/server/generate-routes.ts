import type { IncomingMessage, ServerResponse } from "node:http";
import { log } from "../logging/logger.ts";
import type { WireFormat } from "../protocols/ir.ts";
import { ollamaLoadBody } from "../protocols/ollama/catalog.ts";
import { proxyCountTokens } from "../proxy/count-tokens.ts";
import { type InboundCall, proxyGenerate } from "../proxy/pipeline.ts";
import type { Runtime } from "../proxy/runtime.ts";
import { exposeRequestId } from "../request-log/request-id.ts";
import { CallObserver } from "../usage/call-observer.ts";
import { checkAccess } from "./access.ts";
import { parseJsonObject, readBody } from "./body.ts";
import { type ErrorSurface, errorBody, ProxyError, toProxyError } from "./errors.ts";
import { sendError, sendJson } from "./respond.ts";

/**
 * The hot routes: every POST that generates. Matched by a switch on the path, handled on raw
 * node:http objects with the body read and parsed exactly once.
 */
export interface GenerateRoute {
  format: WireFormat;
  surface: ErrorSurface;
  /** count_tokens / countTokens instead of a generation. */
  countTokens?: boolean;
  /** Codex history compaction: unary, answered as `{output: [...items]}`. */
  compact?: boolean;
  /** Gemini: model and action come from the path. */
  gemini?: { model: string; stream: boolean };
}

const FIXED: Record<string, GenerateRoute> = {
  "/v1/chat/completions": { format: "openai-chat", surface: "openai" },
  "/v1/completions": { format: "openai-completions", surface: "openai" },
  "/v1/responses": { format: "openai-responses", surface: "openai" },
  "/v1/responses/compact": { format: "openai-responses", surface: "openai", compact: true },
  "/v1/messages": { format: "anthropic", surface: "anthropic" },
  "/v1/messages/count_tokens": { format: "anthropic", surface: "anthropic", countTokens: true },
  "/api/chat": { format: "ollama-chat", surface: "ollama" },
  "/api/generate": { format: "ollama-generate", surface: "ollama" },
};

const GEMINI_PREFIXES = ["/v1beta/models/", "/v1/models/"];

export function matchGenerateRoute(method: string, path: string): GenerateRoute | undefined {
  if (method !== "POST") return undefined;
  const fixed = FIXED[path];
  if (fixed) return fixed;
  for (const prefix of GEMINI_PREFIXES) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const colon = rest.lastIndexOf(":");
    if (colon <= 0) return undefined;
    const action = rest.slice(colon + 1);
    if (action !== "generateContent" && action !== "streamGenerateContent" && action !== "countTokens") {
      return undefined;
    }
    let model: string;
    try {
      model = decodeURIComponent(rest.slice(0, colon));
    } catch {
      return undefined; // a malformed %-escape must not throw out of the request listener
    }
    return {
      format: "gemini",
      surface: "gemini",
      countTokens: action === "countTokens",
      gemini: { model, stream: action === "streamGenerateContent" },
    };
  }
  return undefined;
}

/**
 * Sees a decoded call before it is routed (the Amp aliases, src/amp/): it may adjust the call,
 * or answer the request itself and return true.
 */
export type GenerateIntercept = (call: InboundCall, clientKey: string) => boolean | Promise<boolean>;

export async function handleGenerate(
  rt: Runtime,
  route: GenerateRoute,
  req: IncomingMessage,
  res: ServerResponse,
  query: string,
  intercept?: GenerateIntercept,
): Promise<void> {
  const started = performance.now();
  let observer: CallObserver | undefined;
  try {
    const clientKey = checkAccess(rt.apiKeys, req.headers, query);
    const text = await readBody(req, rt.bodyLimitBytes);
    const body = parseJsonObject(text);
    const call: InboundCall = {
      format: route.format,
      surface: route.surface,
      text,
      body,
      model: "",
      stream: false,
      sse: false,
      compact: route.compact === true,
      headers: req.headers,
    };
    if (route.gemini) {
      call.model = route.gemini.model;
      call.stream = route.gemini.stream;
      call.sse = /(?:^|&)alt=sse(?:&|$)/.test(query);
    } else {
      if (typeof body.model !== "string" || body.model.trim() === "") {
        throw new ProxyError(400, "Missing required field 'model'", { code: "missing_model" });
      }
      call.model = body.model;
      if (route.surface === "ollama") {
        // Ollama clients may name models with a tag; ours have none.
        call.model = call.model.replace(/:latest$/, "");
        if (isOllamaLoadRequest(route.format, body)) {
          sendJson(
            res,
            200,
            ollamaLoadBody(route.format === "ollama-chat" ? "chat" : "generate", call.model),
          );
          return;
        }
      }
      // Ollama streams unless told not to; the others only when asked.
      call.stream =
        route.surface === "ollama" ? body.stream !== false : body.stream === true && !call.compact;
      call.sse = true;
    }
    if (intercept && (await intercept(call, clientKey))) return;
    if (route.countTokens) {
      await proxyCountTokens(rt, call, res);
    } else {
      observer = new CallObserver(rt.observe, {
        method: "POST",
        url: req.url ?? "",
        headers: req.headers,
        body: text,
        format: route.format,
        clientKey,
        modelRequested: call.model,
        stream: call.stream,
      });
      call.observer = observer;
      exposeRequestId(res, observer.log);
      await proxyGenerate(rt, call, res);
      // Returning without a finished response means the client went away first.
      if (res.writableEnded) observer.finish(res.statusCode);
      else observer.finish(499, { failed: true });
    }
  } catch (err) {
    const e = toProxyError(err);
    if (observer) exposeRequestId(res, observer.log, true);
    sendError(res, e, route.surface);
    observer?.finish(e.status, { failed: true, body: JSON.stringify(errorBody(e, route.surface)) });
  }
  if (log.isDebug()) logRequest(req, res, started);
}

/** One access line per generate call, at debug level only (the hot path stays quiet). */
function logRequest(req: IncomingMessage, res: ServerResponse, started: number): void {
  const path = (req.url ?? "").replace(/([?&]key=)[^&]*/g, "$1****");
  log.debug(
    { method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) },
    "request",
  );
}

/** Ollama "load the model" calls carry no messages / no prompt; they get an immediate done. */
function isOllamaLoadRequest(format: WireFormat, body: Record<string, any>): boolean {
  if (format === "ollama-chat") return !Array.isArray(body.messages) || body.messages.length === 0;
  return typeof body.prompt !== "string" || body.prompt.length === 0;
}
