/** Non-stream Responses bodies (`object: "response"`) <-> IR responses. */

import { nowSeconds } from "../ids.ts";
import type { EncodeContext, IRResponse } from "../ir.ts";
import { envelope, responseId } from "./envelope.ts";
import { invalidUpstream, isObject } from "./invalid.ts";
import {
  functionCallItem,
  imageItem,
  messageItem,
  newFunctionCallId,
  newImageId,
  newMessageId,
  newReasoningId,
  type OutputItem,
  outputText,
  reasoningItem,
} from "./output-items.ts";
import { decodeFinish, encodeFinish } from "./status.ts";
import { decodeUsage, encodeUsage } from "./usage.ts";

type Content = IRResponse["content"];

/** The text of a reasoning item: its summary parts, or raw reasoning text when there is no summary. */
export function reasoningText(item: Record<string, any>): string {
  const parts = Array.isArray(item.summary) && item.summary.length > 0 ? item.summary : item.content;
  if (!Array.isArray(parts)) return "";
  let text = "";
  for (const part of parts) {
    if (!isObject(part) || typeof part.text !== "string") continue;
    text = text === "" ? part.text : `${text}\n\n${part.text}`;
  }
  return text;
}

/** The text parts of a message item (refusals read as text). */
export function messageTexts(item: Record<string, any>): string[] {
  const texts: string[] = [];
  if (!Array.isArray(item.content)) return texts;
  for (const part of item.content) {
    if (!isObject(part)) continue;
    if (part.type === "output_text" && typeof part.text === "string") texts.push(part.text);
    else if (part.type === "refusal" && typeof part.refusal === "string") texts.push(part.refusal);
  }
  return texts;
}

function decodeItem(item: Record<string, any>, content: Content): void {
  switch (item.type) {
    case "message":
      for (const text of messageTexts(item)) content.push({ type: "text", text });
      return;
    case "reasoning": {
      const text = reasoningText(item);
      const encrypted = item.encrypted_content;
      if (typeof encrypted === "string" && encrypted !== "")
        content.push({ type: "reasoning", text, signature: encrypted });
      else if (text !== "") content.push({ type: "reasoning", text });
      return;
    }
    case "function_call":
      content.push({
        type: "tool_call",
        id: typeof item.call_id === "string" ? item.call_id : String(item.id ?? ""),
        name: String(item.name ?? ""),
        arguments: typeof item.arguments === "string" ? item.arguments : "{}",
      });
      return;
    case "image_generation_call":
      if (typeof item.result === "string" && item.result !== "") {
        content.push({ type: "image", mediaType: `image/${item.output_format ?? "png"}`, data: item.result });
      }
      return;
    // Built-in tool calls (web search, file search, ...) ran upstream and leave nothing to translate.
  }
}

export function decodeResponse(body: any): IRResponse {
  if (!isObject(body)) throw invalidUpstream("body is not a JSON object");
  const content: Content = [];
  if (Array.isArray(body.output))
    for (const item of body.output) if (isObject(item)) decodeItem(item, content);
  const hasToolCalls = content.some((part) => part.type === "tool_call");
  const res: IRResponse = {
    id: typeof body.id === "string" ? body.id : "",
    model: typeof body.model === "string" ? body.model : "",
    created: typeof body.created_at === "number" ? body.created_at : nowSeconds(),
    content,
    finishReason: decodeFinish(body, hasToolCalls),
  };
  const usage = decodeUsage(body.usage);
  if (usage !== undefined) res.usage = usage;
  return res;
}

function encodeOutput(content: Content): OutputItem[] {
  const output: OutputItem[] = [];
  // Consecutive text parts share one message item.
  let texts: OutputItem[] | undefined;
  for (const part of content) {
    if (part.type === "text") {
      if (texts === undefined) {
        const item = messageItem(newMessageId(), "completed", undefined);
        texts = item.content as OutputItem[];
        output.push(item);
      }
      texts.push(outputText(part.text));
      continue;
    }
    texts = undefined;
    if (part.type === "reasoning") {
      // Anthropic redacted thinking has no Responses counterpart.
      if (part.text !== "" || part.signature !== undefined) {
        output.push(reasoningItem(newReasoningId(), part.text, part.signature));
      }
    } else if (part.type === "tool_call") {
      // A Gemini function-call signature rides in a reasoning item just before the call.
      if (part.signature !== undefined) output.push(reasoningItem(newReasoningId(), "", part.signature));
      output.push(functionCallItem(newFunctionCallId(), "completed", part.id, part.name, part.arguments));
    } else if (part.data !== undefined) {
      output.push(imageItem(newImageId(), "completed", part.data));
    }
  }
  return output;
}

export function encodeResponse(res: IRResponse, ctx: EncodeContext): unknown {
  const body = envelope(ctx, responseId(res.id), res.created);
  Object.assign(body, encodeFinish(res.finishReason));
  body.output = encodeOutput(res.content);
  if (res.usage !== undefined) body.usage = encodeUsage(res.usage);
  return body;
}
