/** Builders for Responses output items, shared by the response and stream encoders. */
import { randomId } from "../ids.ts";

export type OutputItem = Record<string, unknown>;
type ItemStatus = "in_progress" | "completed" | "incomplete";

export const newMessageId = (): string => randomId("msg_");
export const newReasoningId = (): string => randomId("rs_");
export const newFunctionCallId = (): string => randomId("fc_");
export const newImageId = (): string => randomId("ig_");

export function outputText(text: string): OutputItem {
  return { type: "output_text", text, annotations: [] };
}

export function messageItem(id: string, status: ItemStatus, text: string | undefined): OutputItem {
  return {
    id,
    type: "message",
    status,
    role: "assistant",
    content: text === undefined ? [] : [outputText(text)],
  };
}

export function summaryText(text: string): OutputItem {
  return { type: "summary_text", text };
}

/** A reasoning item; `text` becomes its single summary part, `signature` its encrypted content. */
export function reasoningItem(id: string, text: string, signature: string | undefined): OutputItem {
  const item: OutputItem = { id, type: "reasoning", summary: text === "" ? [] : [summaryText(text)] };
  if (signature !== undefined) item.encrypted_content = signature;
  return item;
}

export function functionCallItem(
  id: string,
  status: ItemStatus,
  callId: string,
  name: string,
  args: string,
): OutputItem {
  return { id, type: "function_call", status, arguments: args, call_id: callId, name };
}

/** Generated images travel as image_generation_call items carrying base64 `result`. */
export function imageItem(id: string, status: ItemStatus, data: string | null): OutputItem {
  return { id, type: "image_generation_call", status, result: data };
}
