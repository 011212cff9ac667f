/**
 * Reading a recorded upstream request body in its own wire format: which tool calls and
 * results it carries, which reasoning signatures, images and output schema. Written from the
 * providers' documented request shapes, independently of our codecs.
 */
import assert from "node:assert/strict";
import type { UpstreamKind } from "./upstreams.ts";

export interface SentCall {
  id?: string;
  name: string;
}

export interface SentResult {
  id?: string;
  name?: string;
  text: string;
}

function asArray(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

/** Text of a tool-result payload: a string, an array of text parts, or a JSON value. */
function resultText(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.map((p) => (typeof p === "string" ? p : (p?.text ?? ""))).join("");
  return JSON.stringify(v ?? null);
}

export function sentToolExchange(
  kind: UpstreamKind,
  body: any,
): { calls: SentCall[]; results: SentResult[] } {
  const calls: SentCall[] = [];
  const results: SentResult[] = [];
  switch (kind) {
    case "openai":
      for (const m of asArray(body.messages)) {
        for (const c of asArray(m.tool_calls)) calls.push({ id: c.id, name: c.function?.name });
        if (m.role === "tool") results.push({ id: m.tool_call_id, text: resultText(m.content) });
      }
      break;
    case "anthropic":
      for (const m of asArray(body.messages)) {
        for (const b of asArray(m.content)) {
          if (b.type === "tool_use") calls.push({ id: b.id, name: b.name });
          if (b.type === "tool_result") results.push({ id: b.tool_use_id, text: resultText(b.content) });
        }
      }
      break;
    case "gemini":
      for (const c of asArray(body.contents)) {
        for (const p of asArray(c.parts)) {
          if (p.functionCall) calls.push({ id: p.functionCall.id, name: p.functionCall.name });
          if (p.functionResponse) {
            const fr = p.functionResponse;
            results.push({ id: fr.id, name: fr.name, text: resultText(fr.response) });
          }
        }
      }
      break;
    case "codex":
      for (const item of asArray(body.input)) {
        if (item.type === "function_call") calls.push({ id: item.call_id, name: item.name });
        if (item.type === "function_call_output")
          results.push({ id: item.call_id, text: resultText(item.output) });
      }
      break;
  }
  return { calls, results };
}

/**
 * Asserts the upstream saw a call to `name` and its result containing `text`, matched the way
 * the format matches them: by call id, and for Gemini by function name (ids optional there).
 */
export function assertToolResultMatched(kind: UpstreamKind, body: any, name: string, text: string): void {
  const { calls, results } = sentToolExchange(kind, body);
  assert.ok(calls.length > 0, "the upstream saw the assistant's tool call");
  assert.ok(results.length > 0, "the upstream saw the tool result");
  for (const r of results) {
    const call =
      kind === "gemini"
        ? calls.find((c) => c.name === r.name && c.id === r.id)
        : calls.find((c) => c.id === r.id);
    assert.ok(call, `result ${JSON.stringify(r)} answers a call the upstream saw: ${JSON.stringify(calls)}`);
    if (kind !== "gemini") assert.ok(r.id, "the result carries the call id");
  }
  assert.ok(
    calls.some((c) => c.name === name),
    `a call to ${name}`,
  );
  assert.ok(
    results.some((r) => r.text.includes(text)),
    `a result containing ${text}: ${JSON.stringify(results)}`,
  );
}

/** Signed reasoning the request hands back to the upstream, with the text it signs. */
export function sentReasoning(kind: UpstreamKind, body: any): Array<{ text: string; signature: string }> {
  const out: Array<{ text: string; signature: string }> = [];
  switch (kind) {
    case "anthropic":
      for (const m of asArray(body.messages))
        for (const b of asArray(m.content))
          if (b.type === "thinking" && b.signature) out.push({ text: b.thinking, signature: b.signature });
      break;
    case "gemini":
      for (const c of asArray(body.contents))
        for (const p of asArray(c.parts))
          if (p.thoughtSignature) out.push({ text: p.text ?? "", signature: p.thoughtSignature });
      break;
    case "codex":
      for (const item of asArray(body.input))
        if (item.type === "reasoning" && item.encrypted_content)
          out.push({ text: resultText(item.summary), signature: item.encrypted_content });
      break;
    case "openai":
      break;
  }
  return out;
}

/**
 * Asserts the request hands back exactly the issued signature. Anthropic verifies the thinking
 * text against its signature, so there the text must come back unchanged too.
 */
export function assertReasoningReturned(
  kind: UpstreamKind,
  body: any,
  issued: { text: string; signature: string },
) {
  const sent = sentReasoning(kind, body);
  assert.deepEqual(
    sent.map((r) => r.signature),
    [issued.signature],
    "the issued signature, once",
  );
  if (kind === "anthropic") assert.equal(sent[0].text, issued.text, "the signed thinking text, unchanged");
}

export interface SentImage {
  mediaType: string;
  data: string;
}

function fromDataUrl(url: unknown): SentImage | undefined {
  const m = typeof url === "string" ? /^data:([^;]+);base64,(.*)$/.exec(url) : null;
  return m ? { mediaType: m[1], data: m[2] } : undefined;
}

/** Inline (base64) images in the request's user turns. */
export function sentImages(kind: UpstreamKind, body: any): SentImage[] {
  const out: SentImage[] = [];
  const push = (img: SentImage | undefined) => {
    if (img) out.push(img);
  };
  switch (kind) {
    case "openai":
      for (const m of asArray(body.messages))
        for (const p of asArray(m.content)) if (p.type === "image_url") push(fromDataUrl(p.image_url?.url));
      break;
    case "anthropic":
      for (const m of asArray(body.messages))
        for (const b of asArray(m.content))
          if (b.type === "image" && b.source?.type === "base64")
            push({ mediaType: b.source.media_type, data: b.source.data });
      break;
    case "gemini":
      for (const c of asArray(body.contents))
        for (const p of asArray(c.parts))
          if (p.inlineData) push({ mediaType: p.inlineData.mimeType, data: p.inlineData.data });
      break;
    case "codex":
      for (const item of asArray(body.input))
        for (const p of asArray(item.content)) if (p.type === "input_image") push(fromDataUrl(p.image_url));
      break;
  }
  return out;
}

/** The JSON schema the request asks the output to follow, in the format's own field. */
export function sentOutputSchema(kind: UpstreamKind, body: any): any {
  switch (kind) {
    case "openai":
      assert.equal(body.response_format?.type, "json_schema");
      return body.response_format.json_schema?.schema;
    case "anthropic":
      assert.equal(body.output_config?.format?.type, "json_schema");
      return body.output_config.format.schema;
    case "gemini":
      assert.equal(body.generationConfig?.responseMimeType, "application/json");
      return body.generationConfig.responseJsonSchema ?? body.generationConfig.responseSchema;
    case "codex":
      assert.equal(body.text?.format?.type, "json_schema");
      return body.text.format.schema;
  }
}
