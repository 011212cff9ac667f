import type { Codec } from "../ir.ts";
import { decodeGeminiRequest, encodeGeminiRequest } from "./request.ts";
import { decodeGeminiResponse, encodeGeminiResponse } from "./response.ts";
import { GeminiStreamDecoder } from "./stream-decoder.ts";
import { GeminiStreamEncoder } from "./stream-encoder.ts";

/** Google Gemini API (`generateContent` / `streamGenerateContent`). */
export const geminiCodec: Codec = {
  format: "gemini",
  decodeRequest: decodeGeminiRequest,
  encodeRequest: encodeGeminiRequest,
  decodeResponse: decodeGeminiResponse,
  encodeResponse: encodeGeminiResponse,
  createStreamDecoder: () => new GeminiStreamDecoder(),
  createStreamEncoder: (ctx) => new GeminiStreamEncoder(ctx),
};
