/**
 * Gemini parts -> IR content.
 *
 * A model turn often reaches us as many fragments (the SDK's chat history keeps one content per
 * streamed chunk), so the assistant builder merges adjacent text and adjacent thought text.
 * `thoughtSignature` may sit on any part: on a functionCall it belongs to that call; on a thought
 * part it closes that reasoning; on any other part it signs the reasoning just before it (an
 * empty reasoning part is inserted when there is none), which mirrors how the encoder puts it
 * back on the first non-thought part after the thoughts.
 */
import type {
  IRFile,
  IRImage,
  IRReasoningPart,
  IRResponse,
  IRText,
  IRToolCall,
  IRToolResult,
} from "../ir.ts";
import { field, isObject, type JsonObject } from "./fields.ts";
import { decodeFileData, decodeInlineData } from "./media.ts";

export type AssistantPart = IRResponse["content"][number];

export function partSignature(part: JsonObject): string | undefined {
  const sig = field(part, "thoughtSignature", "thought_signature");
  return typeof sig === "string" && sig !== "" ? sig : undefined;
}

/** An image/file part, or undefined when `part` carries neither. */
export function decodeMediaPart(part: JsonObject): IRImage | IRFile | undefined {
  const inline = field(part, "inlineData", "inline_data");
  if (isObject(inline)) return decodeInlineData(inline);
  const ref = field(part, "fileData", "file_data");
  if (isObject(ref)) return decodeFileData(ref);
  return undefined;
}

export class AssistantContent {
  readonly content: AssistantPart[] = [];
  toolCalls = 0;

  /** Adds one Gemini part; `makeId` names a function call that arrived without an id. */
  add(part: JsonObject, makeId: (name: string) => string): void {
    const signature = partSignature(part);
    const text = part.text;
    if (part.thought === true) {
      this.addThought(typeof text === "string" ? text : "", signature);
      return;
    }
    const call = field(part, "functionCall", "function_call");
    if (isObject(call)) {
      const name = String(call.name ?? "");
      const toolCall: IRToolCall = {
        type: "tool_call",
        id: typeof call.id === "string" && call.id !== "" ? call.id : makeId(name),
        name,
        arguments: JSON.stringify(isObject(call.args) ? call.args : {}),
      };
      if (signature) toolCall.signature = signature;
      this.content.push(toolCall);
      this.toolCalls++;
      return;
    }
    if (typeof text === "string") {
      if (signature) this.sign(signature);
      if (text !== "") this.addText(text);
      return;
    }
    const media = decodeMediaPart(part);
    if (media) {
      if (signature) this.sign(signature);
      // Model output holds only images; other inline files are not part of the IR response.
      if (media.type === "image") this.content.push(media);
    }
  }

  private addThought(text: string, signature: string | undefined): void {
    const last = this.content.at(-1);
    let reasoning: IRReasoningPart;
    if (last?.type === "reasoning" && last.signature === undefined && last.redacted === undefined) {
      last.text += text;
      reasoning = last;
    } else {
      reasoning = { type: "reasoning", text };
      this.content.push(reasoning);
    }
    if (signature) reasoning.signature = signature;
  }

  private addText(text: string): void {
    const last = this.content.at(-1);
    if (last?.type === "text") last.text += text;
    else this.content.push({ type: "text", text } satisfies IRText);
  }

  /** Signs the unsigned reasoning this part follows (not past a tool call), else a new empty one. */
  private sign(signature: string): void {
    for (let i = this.content.length - 1; i >= 0; i--) {
      const p = this.content[i];
      if (p.type === "tool_call") break;
      if (p.type === "reasoning") {
        if (p.signature === undefined && p.redacted === undefined) {
          p.signature = signature;
          return;
        }
        break;
      }
    }
    this.content.push({ type: "reasoning", text: "", signature });
  }
}

/** `functionResponse.response` -> IR tool result content; Gemini's `error` key marks a failure. */
export function decodeFunctionResponse(response: JsonObject, toolCallId: string, name: string): IRToolResult {
  const result: IRToolResult = { type: "tool_result", toolCallId, name, content: [] };
  const body = response.response;
  if (isObject(body)) {
    const keys = Object.keys(body);
    if (keys.length === 1 && typeof body.output === "string")
      result.content.push({ type: "text", text: body.output });
    else if (keys.length === 1 && body.error !== undefined) {
      result.isError = true;
      result.content.push({
        type: "text",
        text: typeof body.error === "string" ? body.error : JSON.stringify(body.error),
      });
    } else result.content.push({ type: "text", text: JSON.stringify(body) });
  } else if (typeof body === "string") result.content.push({ type: "text", text: body });
  else if (body !== undefined && body !== null)
    result.content.push({ type: "text", text: JSON.stringify(body) });
  // Gemini 3 multimodal function responses carry media in `parts`.
  if (Array.isArray(response.parts)) {
    for (const p of response.parts) {
      const media = isObject(p) ? decodeMediaPart(p) : undefined;
      if (media) result.content.push(media);
    }
  }
  return result;
}
