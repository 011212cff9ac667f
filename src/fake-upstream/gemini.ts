/**
 * Gemini generateContent: `GenerateContentResponse` objects; streams are one response per chunk,
 * either SSE (`alt=sse`, CRLF-separated like Google's servers) or one JSON array sent in pieces.
 * The Code Assist surface (code-assist.ts) reuses these, wrapped in `{response: ...}`.
 */
import type { AnswerPlan } from "./answer.ts";
import type { Conversation, ToolSpec } from "./conversation.ts";
import type { FakeCall } from "./scenarios.ts";
import type { GenerationSurface } from "./surface.ts";

function functionResponseText(fr: any): string {
  const response = fr?.response;
  if (typeof response === "string") return response;
  for (const key of ["output", "result", "content"]) {
    if (typeof response?.[key] === "string") return response[key];
  }
  return JSON.stringify(response ?? null);
}

/** Reads a GenerateContentRequest (`contents`, `systemInstruction`, `tools`). */
export function readGeminiRequest(request: any): Conversation {
  let inputChars = 0;
  const system = request?.systemInstruction;
  if (typeof system === "string") inputChars += system.length;
  else for (const p of Array.isArray(system?.parts) ? system.parts : []) inputChars += p?.text?.length ?? 0;

  let lastUserText = "";
  let toolResult: string | undefined;
  for (const content of Array.isArray(request?.contents) ? request.contents : []) {
    toolResult = undefined;
    let text = "";
    for (const part of Array.isArray(content?.parts) ? content.parts : []) {
      if (typeof part?.text === "string" && !part.thought) text += part.text;
      else if (part?.functionResponse) toolResult = functionResponseText(part.functionResponse);
    }
    inputChars += text.length + (toolResult?.length ?? 0);
    if ((content?.role ?? "user") === "user" && text !== "") lastUserText = text;
  }

  const tools: ToolSpec[] = [];
  for (const t of Array.isArray(request?.tools) ? request.tools : []) {
    for (const fd of Array.isArray(t?.functionDeclarations) ? t.functionDeclarations : []) {
      if (typeof fd?.name === "string")
        tools.push({ name: fd.name, schema: fd.parameters ?? fd.parametersJsonSchema });
    }
  }
  return { lastUserText, toolResult, tools, inputChars };
}

function usageMetadata(plan: AnswerPlan) {
  const u = plan.usage;
  const prompt = u.input + u.cached;
  const meta: Record<string, unknown> = {
    promptTokenCount: prompt,
    candidatesTokenCount: u.output - u.reasoning,
    totalTokenCount: prompt + u.output,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: prompt }],
  };
  if (u.cached > 0) meta.cachedContentTokenCount = u.cached;
  if (u.reasoning > 0) meta.thoughtsTokenCount = u.reasoning;
  return meta;
}

function functionCallParts(plan: AnswerPlan): unknown[] {
  return plan.toolCalls.map((tc) => ({ functionCall: { name: tc.name, args: JSON.parse(tc.arguments) } }));
}

/** The whole answer as one GenerateContentResponse. */
export function geminiResponse(plan: AnswerPlan, call: FakeCall): unknown {
  const parts: unknown[] = [];
  if (plan.reasoning) {
    parts.push({ text: plan.reasoning.text, thought: true, thoughtSignature: plan.reasoning.signature });
  }
  if (plan.text !== "") parts.push({ text: plan.text });
  if (plan.image) parts.push({ inlineData: plan.image });
  parts.push(...functionCallParts(plan));
  return {
    candidates: [{ content: { role: "model", parts }, finishReason: "STOP", index: 0 }],
    usageMetadata: usageMetadata(plan),
    modelVersion: call.model,
    responseId: `fake${call.serial}`,
  };
}

/**
 * The answer as stream chunks (JSON text of GenerateContentResponse). The last thought chunk
 * carries the signature; the last chunk carries finishReason and usage.
 */
export function* geminiChunks(plan: AnswerPlan, call: FakeCall): Generator<string> {
  const tail = `,"modelVersion":${JSON.stringify(call.model)},"responseId":"fake${call.serial}"}`;
  const head = `{"candidates":[{"content":{"role":"model","parts":`;
  const final = `,"finishReason":"STOP","index":0}],"usageMetadata":${JSON.stringify(usageMetadata(plan))}${tail}`;
  const middle = `,"index":0}]${tail}`;

  // The parts of each chunk as JSON text; the last chunk also ends the turn.
  const pieces: string[] = [];
  if (plan.reasoning) {
    const { chunks, signature } = plan.reasoning;
    for (let i = 0; i < chunks.length; i++) {
      const part: Record<string, unknown> = { text: chunks[i], thought: true };
      if (i === chunks.length - 1) part.thoughtSignature = signature;
      pieces.push(JSON.stringify([part]));
    }
  }
  for (const piece of plan.textChunks) pieces.push(`[{"text":${JSON.stringify(piece)}}]`);
  if (plan.image) pieces.push(JSON.stringify([{ inlineData: plan.image }]));
  if (plan.toolCalls.length > 0) pieces.push(JSON.stringify(functionCallParts(plan)));
  if (pieces.length === 0) pieces.push(`[{"text":""}]`);

  const last = pieces.length - 1;
  for (let i = 0; i < last; i++) yield `${head}${pieces[i]}}${middle}`;
  yield `${head}${pieces[last]}}${final}`;
}

/** Frames chunks as SSE (`alt=sse`) or as the pieces of one JSON array. */
export function* frameGeminiChunks(chunks: Iterable<string>, sse: boolean): Generator<string> {
  let first = true;
  for (const chunk of chunks) {
    if (sse) yield `data: ${chunk}\r\n\r\n`;
    else yield first ? `[${chunk}` : `,\r\n${chunk}`;
    first = false;
  }
  if (!sse) yield first ? "[]" : "]";
}

export function geminiStreamContentType(call: FakeCall): string {
  return call.sse ? "text/event-stream" : "application/json; charset=UTF-8";
}

export const geminiSurface: GenerationSurface = {
  dialect: "gemini",
  read: readGeminiRequest,
  reply: geminiResponse,
  frames: (plan, call) => frameGeminiChunks(geminiChunks(plan, call), call.sse),
  streamContentType: geminiStreamContentType,
};
