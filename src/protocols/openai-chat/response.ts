/** Non-stream `chat.completion` body <-> IR response. */
import { nowSeconds, randomId } from "../ids.ts";
import type { EncodeContext, IRImage, IRReasoningPart, IRResponse, IRToolCall } from "../ir.ts";
import { decodeGeneratedImage, encodeGeneratedImage } from "./content.ts";
import { decodeFinishReason, encodeFinishReason } from "./finish-reason.ts";
import { invalidUpstream, isObject } from "./invalid.ts";
import { decodeReasoning, encodeReasoning, type ReasoningFields } from "./reasoning.ts";
import { decodeToolCall, encodeToolCall } from "./tools.ts";
import { decodeUsage, encodeUsage } from "./usage.ts";

export function decodeResponse(body: any): IRResponse {
  if (!isObject(body) || !Array.isArray(body.choices)) throw invalidUpstream("no choices array");
  // The IR holds one choice; n>1 answers keep the first.
  const choice = body.choices.find((c: any) => isObject(c) && (c.index ?? 0) === 0) ?? body.choices[0];
  const message: Record<string, any> = isObject(choice?.message) ? choice.message : {};
  const content: IRResponse["content"] = decodeReasoning(message);
  const text = messageText(message);
  if (text !== "") content.push({ type: "text", text });
  let sawToolCalls = false;
  if (Array.isArray(message.tool_calls)) {
    for (let i = 0; i < message.tool_calls.length; i++) {
      const call = message.tool_calls[i];
      // Skip malformed calls rather than failing the whole answer.
      if (!isObject(call) || !isObject(call.function) || typeof call.function.name !== "string") continue;
      content.push(decodeToolCall(call, `choices[0].message.tool_calls[${i}]`));
      sawToolCalls = true;
    }
  }
  if (Array.isArray(message.images)) {
    for (const entry of message.images) {
      const image = decodeGeneratedImage(entry);
      if (image !== undefined) content.push(image);
    }
  }
  const res: IRResponse = {
    id: typeof body.id === "string" && body.id !== "" ? body.id : randomId("chatcmpl-"),
    model: typeof body.model === "string" ? body.model : "",
    created: typeof body.created === "number" ? body.created : nowSeconds(),
    content,
    finishReason: decodeFinishReason(choice?.finish_reason, sawToolCalls),
  };
  const usage = decodeUsage(body.usage);
  if (usage !== undefined) res.usage = usage;
  return res;
}

/** `content` (string or text parts) plus any `refusal`, as one text. */
function messageText(message: Record<string, any>): string {
  let text = "";
  const content = message.content;
  if (typeof content === "string") text = content;
  else if (Array.isArray(content)) {
    for (const part of content) if (isObject(part) && typeof part.text === "string") text += part.text;
  }
  if (typeof message.refusal === "string") text += message.refusal;
  return text;
}

export function encodeResponse(res: IRResponse, ctx: EncodeContext): unknown {
  let text = "";
  const reasoning: IRReasoningPart[] = [];
  const calls: IRToolCall[] = [];
  const images: IRImage[] = [];
  for (const part of res.content) {
    if (part.type === "text") text += part.text;
    else if (part.type === "reasoning") reasoning.push(part);
    else if (part.type === "tool_call") calls.push(part);
    else images.push(part);
  }
  const message: Record<string, unknown> & ReasoningFields = {
    role: "assistant",
    content: text === "" && (calls.length > 0 || images.length > 0) ? null : text,
    refusal: null,
  };
  encodeReasoning(reasoning, message);
  if (calls.length > 0) message.tool_calls = calls.map(encodeToolCall);
  if (images.length > 0) message.images = images.map(encodeGeneratedImage);
  const body: Record<string, unknown> = {
    id: res.id,
    object: "chat.completion",
    created: res.created,
    model: ctx.model,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: encodeFinishReason(res.finishReason, calls.length > 0),
      },
    ],
  };
  if (res.usage !== undefined) body.usage = encodeUsage(res.usage);
  return body;
}
