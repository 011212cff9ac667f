/**
 * Reasoning text on assistant messages and deltas.
 *
 * Plain text rides in `reasoning_content` (DeepSeek, Qwen, vLLM, ...; some servers call it
 * `reasoning`). Signatures and redacted blocks have no place in OpenAI's own schema, so they use
 * OpenRouter's `reasoning_details` convention: `{type:"reasoning.text", text, signature}`,
 * `{type:"reasoning.encrypted", data}` and `{type:"reasoning.summary", summary}`. Details are only
 * written when there is something to sign or redact, so plain reasoning stays plain.
 */
import type { IRReasoningPart } from "../ir.ts";
import { isObject } from "./invalid.ts";

export interface ReasoningFields {
  reasoning_content?: string;
  reasoning_details?: Array<Record<string, unknown>>;
}

/** The reasoning text of a message or delta, ignoring `reasoning_details`. */
export function plainReasoningText(source: Record<string, any>): string | undefined {
  const text = source.reasoning_content ?? source.reasoning;
  return typeof text === "string" ? text : undefined;
}

/** A message's reasoning -> IR parts. `reasoning_details`, when present, wins: it repeats the text. */
export function decodeReasoning(source: Record<string, any>): IRReasoningPart[] {
  const details = source.reasoning_details;
  if (Array.isArray(details) && details.length > 0) return decodeDetails(details);
  const text = plainReasoningText(source);
  return text ? [{ type: "reasoning", text }] : [];
}

/**
 * Details -> parts. Streamed details arrive as fragments sharing an `index`; consecutive text
 * fragments of one index join into one part and a signature closes it.
 */
function decodeDetails(details: unknown[]): IRReasoningPart[] {
  const parts: IRReasoningPart[] = [];
  let open: IRReasoningPart | undefined;
  let openIndex: unknown;
  for (const detail of details) {
    if (!isObject(detail)) continue;
    if (detail.type === "reasoning.encrypted") {
      if (typeof detail.data === "string") parts.push({ type: "reasoning", text: "", redacted: detail.data });
      open = undefined;
      continue;
    }
    const text = detail.type === "reasoning.summary" ? detail.summary : detail.text;
    if (open === undefined || detail.index !== openIndex) {
      open = { type: "reasoning", text: "" };
      openIndex = detail.index;
      parts.push(open);
    }
    if (typeof text === "string") open.text += text;
    if (typeof detail.signature === "string" && detail.signature !== "") {
      open.signature = detail.signature;
      open = undefined;
    }
  }
  return parts;
}

/** IR parts -> message fields. Adds `reasoning_details` only when a signature or redaction must survive. */
export function encodeReasoning(parts: readonly IRReasoningPart[], out: ReasoningFields): void {
  if (parts.length === 0) return;
  let text = "";
  let needsDetails = false;
  for (const part of parts) {
    text += part.text;
    if (part.signature !== undefined || part.redacted !== undefined) needsDetails = true;
  }
  if (text !== "") out.reasoning_content = text;
  if (!needsDetails) return;
  out.reasoning_details = parts.map((part, index) => reasoningDetail(part, index));
}

export function reasoningDetail(part: IRReasoningPart, index: number): Record<string, unknown> {
  if (part.redacted !== undefined) return { type: "reasoning.encrypted", data: part.redacted, index };
  const detail: Record<string, unknown> = { type: "reasoning.text", text: part.text, index };
  if (part.signature !== undefined) detail.signature = part.signature;
  return detail;
}
