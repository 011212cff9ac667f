/** OpenAI Chat Completions (`/v1/chat/completions`). */
import type { Codec } from "../ir.ts";
import { decodeRequest, encodeRequest } from "./request.ts";
import { decodeResponse, encodeResponse } from "./response.ts";
import { ChatStreamDecoder } from "./stream-decoder.ts";
import { ChatStreamEncoder } from "./stream-encoder.ts";

export const openaiChatCodec: Codec = {
  format: "openai-chat",
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
  createStreamDecoder: () => new ChatStreamDecoder(),
  createStreamEncoder: (ctx) => new ChatStreamEncoder(ctx),
};
