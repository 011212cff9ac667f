/** The Anthropic Messages codec (`/v1/messages`). */
import type { Codec } from "../ir.ts";
import { decodeRequest, encodeRequest } from "./request.ts";
import { decodeResponse, encodeResponse } from "./response.ts";
import { AnthropicStreamDecoder } from "./stream-decoder.ts";
import { AnthropicStreamEncoder } from "./stream-encoder.ts";

export const anthropicCodec: Codec = {
  format: "anthropic",
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
  createStreamDecoder: () => new AnthropicStreamDecoder(),
  createStreamEncoder: (ctx) => new AnthropicStreamEncoder(ctx),
};
