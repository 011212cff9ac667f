/**
 * IR content -> Gemini parts.
 *
 * Reasoning becomes `{thought: true, text}`; its signature moves onto the next non-thought part
 * (text, image or functionCall without its own signature), which is where Gemini itself puts it.
 * When nothing follows, the signature stays on the thought part (or an empty one). Anthropic's
 * redacted thinking has no Gemini form and is dropped. Tool results become `functionResponse`
 * parts named after their call; media inside results follow them as sibling parts, which every
 * Gemini generation accepts.
 */
import type { IRPart, IRToolResult } from "../ir.ts";
import { isObject, type JsonObject } from "./fields.ts";
import { encodeMedia } from "./media.ts";

/** Tool-call id -> function name, filled from assistant turns so later results can be named. */
export type ToolNames = Map<string, string>;

export function encodeParts(parts: readonly IRPart[], names: ToolNames): JsonObject[] {
  const out: JsonObject[] = [];
  const trailing: JsonObject[] = [];
  let pending: string | undefined;
  let owner = -1;

  const flush = () => {
    if (pending === undefined) return;
    if (owner >= 0) out[owner].thoughtSignature = pending;
    else out.push({ thought: true, text: "", thoughtSignature: pending });
    pending = undefined;
    owner = -1;
  };
  const take = (part: JsonObject): JsonObject => {
    if (pending !== undefined) {
      part.thoughtSignature = pending;
      pending = undefined;
      owner = -1;
    }
    return part;
  };

  for (const part of parts) {
    switch (part.type) {
      case "reasoning":
        flush();
        if (part.text !== "") out.push({ text: part.text, thought: true });
        if (part.signature) {
          pending = part.signature;
          owner = part.text !== "" ? out.length - 1 : -1;
        }
        break;
      case "text":
        if (part.text !== "" || pending !== undefined) out.push(take({ text: part.text }));
        break;
      case "image":
      case "file":
        out.push(take(encodeMedia(part)));
        break;
      case "tool_call": {
        names.set(part.id, part.name);
        const fc: JsonObject = { functionCall: { name: part.name, args: parseArgs(part.arguments) } };
        if (part.signature) {
          flush();
          fc.thoughtSignature = part.signature;
          out.push(fc);
        } else out.push(take(fc));
        break;
      }
      case "tool_result": {
        out.push({
          functionResponse: {
            name: part.name || names.get(part.toolCallId) || part.toolCallId,
            response: resultBody(part),
          },
        });
        for (const c of part.content) if (c.type !== "text") trailing.push(encodeMedia(c));
        break;
      }
    }
  }
  flush();
  return trailing.length > 0 ? out.concat(trailing) : out;
}

/** Tool-call arguments (JSON text) as the object Gemini wants; anything unparsable becomes {}. */
export function parseArgs(args: string): JsonObject {
  if (args === "") return {};
  try {
    const value = JSON.parse(args);
    return isObject(value) ? value : {};
  } catch {
    return {};
  }
}

/**
 * `functionResponse.response` must be an object: a JSON object result is sent as is, anything
 * else under Gemini's documented `output` (or `error`) key.
 */
function resultBody(result: IRToolResult): JsonObject {
  let text = "";
  for (const c of result.content) if (c.type === "text") text += c.text;
  const first = text.charCodeAt(0);
  if (first === 123 /* { */) {
    try {
      const value = JSON.parse(text);
      if (isObject(value)) return result.isError ? { error: value } : value;
    } catch {
      // not JSON: sent as text below
    }
  }
  return result.isError ? { error: text } : { output: text };
}
