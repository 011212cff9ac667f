/** The request fields /api/chat and /api/generate share: model, stream, options, format, think. */
import type { IRMessage, IRRequest, IRText } from "../ir.ts";
import { decodeFormat, encodeFormat } from "./format.ts";
import { invalidRequest, isObject } from "./invalid.ts";
import { decodeOptions, encodeOptions } from "./options.ts";
import { decodeThink, encodeThink } from "./think.ts";

export function decodeCommon(body: unknown, system: IRText[], messages: IRMessage[]): IRRequest {
  if (!isObject(body)) throw invalidRequest("body", "must be a JSON object");
  if (typeof body.model !== "string" || body.model === "") throw invalidRequest("model", "must be a string");
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== "boolean") {
    throw invalidRequest("stream", "must be a boolean");
  }
  // Ollama streams unless the client says otherwise. keep_alive has no meaning upstream.
  const req: IRRequest = { model: body.model, system, messages, stream: body.stream !== false };
  decodeOptions(body.options, req);
  const responseFormat = decodeFormat(body.format);
  if (responseFormat) req.responseFormat = responseFormat;
  const reasoning = decodeThink(body.think);
  if (reasoning) req.reasoning = reasoning;
  return req;
}

/** Adds stream, options, format and think to an upstream body. */
export function encodeCommon(req: IRRequest, body: Record<string, unknown>): Record<string, unknown> {
  body.stream = req.stream;
  const options = encodeOptions(req);
  if (options) body.options = options;
  const format = encodeFormat(req.responseFormat);
  if (format !== undefined) body.format = format;
  const think = encodeThink(req.reasoning);
  if (think !== undefined) body.think = think;
  return body;
}
