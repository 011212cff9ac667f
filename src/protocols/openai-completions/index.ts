import type { Codec } from "../ir.ts";
import { decodeRequest, encodeRequest } from "./request.ts";
import { decodeResponse, encodeResponse } from "./response.ts";
import { CompletionsStreamDecoder } from "./stream-decoder.ts";
import { CompletionsStreamEncoder } from "./stream-encoder.ts";

/** OpenAI legacy `/v1/completions`. */
export const openaiCompletionsCodec: Codec = {
  format: "openai-completions",
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
  createStreamDecoder: () => new CompletionsStreamDecoder(),
  createStreamEncoder: (ctx) => new CompletionsStreamEncoder(ctx),
};
