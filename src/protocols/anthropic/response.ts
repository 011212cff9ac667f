/** Anthropic non-stream message <-> IR response. */
import { nowSeconds, randomId } from "../ids.ts";
import type { EncodeContext, IRResponse } from "../ir.ts";
import { type AnthropicBlock, parseToolInput, toolUseId } from "./content.ts";
import { invalidUpstream, isObject } from "./invalid.ts";
import { decodeStopReason, encodeStopReason } from "./stop-reason.ts";
import { decodeUsage, encodeUsage } from "./usage.ts";

export function decodeResponse(body: any): IRResponse {
  if (!isObject(body) || !Array.isArray(body.content))
    throw invalidUpstream("expected a message with content");
  const content: IRResponse["content"] = [];
  for (const block of body.content) {
    if (!isObject(block)) continue;
    switch (block.type) {
      case "text":
        if (typeof block.text === "string") content.push({ type: "text", text: block.text });
        break;
      case "thinking":
        content.push(
          typeof block.signature === "string" && block.signature !== ""
            ? { type: "reasoning", text: String(block.thinking ?? ""), signature: block.signature }
            : { type: "reasoning", text: String(block.thinking ?? "") },
        );
        break;
      case "redacted_thinking":
        content.push({ type: "reasoning", text: "", redacted: String(block.data ?? "") });
        break;
      case "tool_use":
        content.push({
          type: "tool_call",
          id: String(block.id ?? ""),
          name: String(block.name ?? ""),
          arguments: JSON.stringify(block.input ?? {}),
        });
        break;
      // Server-tool blocks are Anthropic-internal and have no IR counterpart.
    }
  }
  const res: IRResponse = {
    id: typeof body.id === "string" ? body.id : randomId("msg_"),
    model: typeof body.model === "string" ? body.model : "",
    created: nowSeconds(),
    content,
    finishReason: decodeStopReason(body.stop_reason),
  };
  if (typeof body.stop_sequence === "string") res.stopSequence = body.stop_sequence;
  const usage = decodeUsage(body.usage);
  if (usage !== undefined) res.usage = usage;
  return res;
}

export function encodeResponse(res: IRResponse, ctx: EncodeContext): unknown {
  const content: AnthropicBlock[] = [];
  for (const part of res.content) {
    switch (part.type) {
      case "text":
        if (part.text !== "") content.push({ type: "text", text: part.text });
        break;
      case "reasoning":
        content.push(
          part.redacted !== undefined
            ? { type: "redacted_thinking", data: part.redacted }
            : { type: "thinking", thinking: part.text, signature: part.signature ?? "" },
        );
        break;
      case "tool_call":
        // Gemini's thoughtSignature on a call travels back in an empty thinking block before it.
        if (part.signature !== undefined && part.signature !== "") {
          content.push({ type: "thinking", thinking: "", signature: part.signature });
        }
        content.push({
          type: "tool_use",
          id: toolUseId(part.id),
          name: part.name,
          input: parseToolInput(part.arguments),
        });
        break;
      // Anthropic messages cannot carry generated images; they are left out.
    }
  }
  const stopReason = encodeStopReason(res.finishReason, res.stopSequence);
  return {
    id: res.id !== "" ? res.id : randomId("msg_"),
    type: "message",
    role: "assistant",
    model: ctx.model,
    content,
    stop_reason: stopReason,
    stop_sequence: stopReason === "stop_sequence" ? res.stopSequence : null,
    usage: encodeUsage(res.usage),
  };
}
