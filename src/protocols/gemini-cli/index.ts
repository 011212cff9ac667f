/**
 * Gemini CLI / Code Assist (`/v1internal`) envelope around the Gemini format: requests are
 * `{model, project, user_prompt_id?, request: <gemini request>}`, responses and stream chunks
 * `{response: <gemini response>, traceId?}`. Everything inside is the Gemini codec's job.
 */
import { GeminiStreamDecoder } from "../gemini/stream-decoder.ts";
import { GeminiStreamEncoder } from "../gemini/stream-encoder.ts";
import type { Codec } from "../ir.ts";
import {
  decodeCliRequest,
  decodeCliResponse,
  encodeCliRequest,
  encodeCliResponse,
  wrapChunk,
} from "./envelope.ts";
import { GeminiCliStreamDecoder } from "./stream-decoder.ts";

export const geminiCliCodec: Codec = {
  format: "gemini-cli",
  decodeRequest: decodeCliRequest,
  encodeRequest: encodeCliRequest,
  decodeResponse: decodeCliResponse,
  encodeResponse: encodeCliResponse,
  createStreamDecoder: () => new GeminiCliStreamDecoder(new GeminiStreamDecoder()),
  createStreamEncoder: (ctx) => new GeminiStreamEncoder(ctx, wrapChunk),
};
