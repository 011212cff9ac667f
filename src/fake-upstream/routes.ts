/** Which surface a request path belongs to, and what it asks for (model, streaming). */
import type { IncomingHttpHeaders } from "node:http";
import { inputTokens } from "./answer.ts";
import { anthropicSurface } from "./anthropic.ts";
import { codeAssistSurface, loadCodeAssistAnswer, onboardUserAnswer } from "./code-assist.ts";
import type { Dialect } from "./errors.ts";
import { geminiSurface, readGeminiRequest } from "./gemini.ts";
import { anthropicModelList, geminiModelList, openAiModelList } from "./models.ts";
import { openAiChatSurface } from "./openai-chat.ts";
import { codexResponsesSurface, openAiResponsesSurface } from "./openai-responses.ts";
import type { GenerationSurface } from "./surface.ts";

/** A model turn, rendered by `surface`. */
export interface GenerateRoute {
  kind: "generate";
  surface: GenerationSurface;
  model: string;
  stream: boolean;
  sse: boolean;
  includeUsage: boolean;
}

/** A small JSON answer (token counts, model lists, Code Assist setup calls). */
export interface JsonRoute {
  kind: "json";
  dialect: Dialect;
  model: string;
  answer: (body: any) => unknown;
}

export type Route = GenerateRoute | JsonRoute;

const GEMINI_METHOD = /\/models\/([^/:]+):([A-Za-z]+)$/;
const CODE_ASSIST_PREFIX = "/v1internal:";

function modelOf(body: any): string {
  return typeof body?.model === "string" ? body.model : "";
}

function generate(
  surface: GenerationSurface,
  body: any,
  stream = body?.stream === true,
  sse = true,
): GenerateRoute {
  return {
    kind: "generate",
    surface,
    model: modelOf(body),
    stream,
    sse,
    includeUsage: body?.stream_options?.include_usage === true,
  };
}

function geminiCount(request: any) {
  const tokens = inputTokens(readGeminiRequest(request).inputChars);
  return { totalTokens: tokens, promptTokensDetails: [{ modality: "TEXT", tokenCount: tokens }] };
}

function postRoute(path: string, query: Record<string, string>, body: any): Route | undefined {
  if (path.endsWith("/chat/completions")) return generate(openAiChatSurface, body);
  if (path.endsWith("/responses/compact")) {
    // Codex history compaction: unary; the new history replaces the input.
    return {
      kind: "json",
      dialect: "openai",
      model: modelOf(body),
      answer: (b) => ({
        output: [
          {
            type: "message",
            role: "user",
            content: [
              { type: "input_text", text: `compacted ${Array.isArray(b?.input) ? b.input.length : 0} items` },
            ],
          },
        ],
      }),
    };
  }
  if (path.endsWith("/backend-api/codex/responses")) return generate(codexResponsesSurface, body);
  if (path.endsWith("/responses")) return generate(openAiResponsesSurface, body);
  if (path.endsWith("/messages")) return generate(anthropicSurface, body);
  if (path.endsWith("/messages/count_tokens")) {
    return {
      kind: "json",
      dialect: "anthropic",
      model: modelOf(body),
      answer: (b) => ({ input_tokens: inputTokens(anthropicSurface.read(b).inputChars) }),
    };
  }

  const sse = query.alt === "sse";
  const codeAssistAt = path.lastIndexOf(CODE_ASSIST_PREFIX);
  if (codeAssistAt !== -1) {
    const method = path.slice(codeAssistAt + CODE_ASSIST_PREFIX.length);
    const model = modelOf(body) || modelOf(body?.request);
    switch (method) {
      case "generateContent":
        return generate(codeAssistSurface, body, false);
      case "streamGenerateContent":
        return generate(codeAssistSurface, body, true, sse);
      case "countTokens":
        return { kind: "json", dialect: "code-assist", model, answer: (b) => geminiCount(b?.request) };
      case "loadCodeAssist":
        return { kind: "json", dialect: "code-assist", model, answer: loadCodeAssistAnswer };
      case "onboardUser":
        return { kind: "json", dialect: "code-assist", model, answer: onboardUserAnswer };
      default:
        return undefined;
    }
  }

  const gemini = GEMINI_METHOD.exec(path);
  if (gemini) {
    let model: string;
    try {
      model = decodeURIComponent(gemini[1]);
    } catch {
      return undefined; // a malformed %-escape: no route (404), not a crash
    }
    switch (gemini[2]) {
      case "generateContent":
        return { ...generate(geminiSurface, body, false), model };
      case "streamGenerateContent":
        return { ...generate(geminiSurface, body, true, sse), model };
      case "countTokens":
        return {
          kind: "json",
          dialect: "gemini",
          model,
          answer: (b) => geminiCount(b?.generateContentRequest ?? b),
        };
      default:
        return undefined;
    }
  }
  return undefined;
}

function getRoute(path: string, headers: IncomingHttpHeaders): Route | undefined {
  if (!path.endsWith("/models")) return undefined;
  if (path.includes("/v1beta/") || path.includes("/v1alpha/")) {
    return { kind: "json", dialect: "gemini", model: "", answer: geminiModelList };
  }
  if (headers["anthropic-version"] !== undefined) {
    return { kind: "json", dialect: "anthropic", model: "", answer: anthropicModelList };
  }
  return { kind: "json", dialect: "openai", model: "", answer: openAiModelList };
}

export function route(
  method: string,
  path: string,
  query: Record<string, string>,
  headers: IncomingHttpHeaders,
  body: any,
): Route | undefined {
  if (method === "POST") return postRoute(path, query, body);
  if (method === "GET") return getRoute(path, headers);
  return undefined;
}

/** Error conventions for paths no route claims. */
export function dialectOfPath(path: string): Dialect {
  return path.includes("/v1beta") || path.includes("/v1internal") ? "gemini" : "openai";
}
