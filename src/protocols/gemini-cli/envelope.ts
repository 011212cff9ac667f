/** The Code Assist envelope for requests, responses and stream chunks. */
import { invalidRequest, invalidUpstream, isObject, type JsonObject } from "../gemini/fields.ts";
import { decodeGeminiRequest, encodeGeminiRequest } from "../gemini/request.ts";
import { decodeGeminiResponse, encodeGeminiResponse } from "../gemini/response.ts";
import type { EncodeContext, IRRequest, IRResponse } from "../ir.ts";

export function decodeCliRequest(body: any): IRRequest {
  if (!isObject(body)) throw invalidRequest("body", "must be a JSON object");
  if (!isObject(body.request))
    throw invalidRequest("request", "must be an object holding the Gemini request");
  const req = decodeGeminiRequest(body.request);
  if (typeof body.model === "string" && body.model !== "") req.model = body.model;
  return req;
}

/** `project` is left out: the provider knows the account's project and adds it. */
export function encodeCliRequest(req: IRRequest, model: string): JsonObject {
  return { model, request: encodeGeminiRequest(req, model) };
}

export function decodeCliResponse(body: any): IRResponse {
  if (!isObject(body)) throw invalidUpstream("body is not a JSON object");
  return decodeGeminiResponse(isObject(body.response) ? body.response : body);
}

export function encodeCliResponse(res: IRResponse, ctx: EncodeContext): JsonObject {
  return { response: encodeGeminiResponse(res, ctx) };
}

export function wrapChunk(chunk: JsonObject): JsonObject {
  return { response: chunk };
}
