/** Gemini GenerateContentResponse <-> IR response. */
import { nowSeconds, randomId } from "../ids.ts";
import type { EncodeContext, IRResponse } from "../ir.ts";
import { field, invalidUpstream, isObject, type JsonObject } from "./fields.ts";
import { decodeFinishReason, encodeFinishReason } from "./finish.ts";
import { AssistantContent } from "./parts-decode.ts";
import { encodeParts } from "./parts-encode.ts";
import { decodeUsage, encodeUsage } from "./usage.ts";

export function decodeGeminiResponse(body: any): IRResponse {
  if (!isObject(body)) throw invalidUpstream("body is not a JSON object");
  const candidate = Array.isArray(body.candidates) ? body.candidates[0] : undefined;
  const content = new AssistantContent();
  const parts = isObject(candidate) && isObject(candidate.content) ? candidate.content.parts : undefined;
  if (Array.isArray(parts)) {
    for (const part of parts) if (isObject(part)) content.add(part, newCallId);
  }
  const res: IRResponse = {
    id: responseId(body) ?? randomId("resp_"),
    model: modelVersion(body) ?? "",
    created: createdAt(body),
    content: content.content,
    finishReason: blockReason(body)
      ? "content_filter"
      : decodeFinishReason(
          isObject(candidate) ? field(candidate, "finishReason", "finish_reason") : undefined,
          content.toolCalls > 0,
        ),
  };
  const usage = decodeUsage(field(body, "usageMetadata", "usage_metadata"));
  if (usage) res.usage = usage;
  return res;
}

/** Ids for calls that arrive without one: unique, since clients echo them back later. */
export function newCallId(): string {
  return randomId("call_");
}

export function responseId(body: JsonObject): string | undefined {
  const id = field(body, "responseId", "response_id");
  return typeof id === "string" && id !== "" ? id : undefined;
}

export function modelVersion(body: JsonObject): string | undefined {
  const model = field(body, "modelVersion", "model_version");
  return typeof model === "string" && model !== "" ? model : undefined;
}

function createdAt(body: JsonObject): number {
  const time = field(body, "createTime", "create_time");
  const ms = typeof time === "string" ? Date.parse(time) : Number.NaN;
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : nowSeconds();
}

/** A prompt Gemini refused outright: no candidates, `promptFeedback.blockReason` set. */
export function blockReason(body: JsonObject): string | undefined {
  const feedback = field(body, "promptFeedback", "prompt_feedback");
  const reason = isObject(feedback) ? field(feedback, "blockReason", "block_reason") : undefined;
  return typeof reason === "string" && reason !== "BLOCK_REASON_UNSPECIFIED" ? reason : undefined;
}

export function encodeGeminiResponse(res: IRResponse, ctx: EncodeContext): JsonObject {
  const parts = encodeParts(res.content, new Map());
  // Gemini SDK chat sessions drop a turn whose content has no parts.
  if (parts.length === 0) parts.push({ text: "" });
  const body: JsonObject = {
    candidates: [
      { content: { role: "model", parts }, finishReason: encodeFinishReason(res.finishReason), index: 0 },
    ],
  };
  if (res.usage) body.usageMetadata = encodeUsage(res.usage);
  body.modelVersion = ctx.model;
  body.responseId = res.id;
  return body;
}
