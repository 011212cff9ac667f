/** The OpenAI Responses API (`/v1/responses`): what Codex CLI and the Codex upstream speak. */
import type { Codec } from "../ir.ts";
import { decodeRequest, encodeRequest } from "./request.ts";
import { decodeResponse, encodeResponse } from "./response.ts";
import { ResponsesStreamDecoder } from "./stream-decoder.ts";
import { ResponsesStreamEncoder } from "./stream-encoder.ts";

export const openaiResponsesCodec: Codec = {
  format: "openai-responses",
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
  createStreamDecoder: () => new ResponsesStreamDecoder(),
  createStreamEncoder: (ctx) => new ResponsesStreamEncoder(ctx),
};
