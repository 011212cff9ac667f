import type { Codec } from "../ir.ts";
import { decodeChatRequest, encodeChatRequest } from "./chat-request.ts";
import { decodeGenerateRequest, encodeGenerateRequest } from "./generate-request.ts";
import { decodeResponse, encodeChatResponse, encodeGenerateResponse } from "./response.ts";
import { OllamaStreamDecoder } from "./stream-decoder.ts";
import { OllamaStreamEncoder } from "./stream-encoder.ts";

/** Ollama `/api/chat`. */
export const ollamaChatCodec: Codec = {
  format: "ollama-chat",
  decodeRequest: decodeChatRequest,
  encodeRequest: encodeChatRequest,
  decodeResponse,
  encodeResponse: encodeChatResponse,
  createStreamDecoder: () => new OllamaStreamDecoder(),
  createStreamEncoder: (ctx) => new OllamaStreamEncoder(ctx, "chat"),
};

/** Ollama `/api/generate`. */
export const ollamaGenerateCodec: Codec = {
  format: "ollama-generate",
  decodeRequest: decodeGenerateRequest,
  encodeRequest: encodeGenerateRequest,
  decodeResponse,
  encodeResponse: encodeGenerateResponse,
  createStreamDecoder: () => new OllamaStreamDecoder(),
  createStreamEncoder: (ctx) => new OllamaStreamEncoder(ctx, "generate"),
};
