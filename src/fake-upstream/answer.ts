/**
 * The fake model's turn, decided once per request in a format-neutral shape; each surface
 * then renders it in its own wire format (whole or as a stream).
 */
import { type Conversation, sampleArguments, type ToolSpec } from "./conversation.ts";
import type { FakeCall } from "./scenarios.ts";

export interface PlannedToolCall {
  /** Position among the turn's tool calls; ids are built from it. */
  index: number;
  name: string;
  /** Arguments as compact JSON, and the same string cut into fragments for streaming. */
  arguments: string;
  fragments: string[];
}

export interface PlannedUsage {
  /** Prompt tokens not served from cache. */
  input: number;
  /** Prompt tokens served from cache (`x-fake-cached-tokens`). */
  cached: number;
  /** All generated tokens, reasoning included. */
  output: number;
  reasoning: number;
}

export interface AnswerPlan {
  reasoning: { text: string; chunks: string[]; signature: string } | undefined;
  text: string;
  /** `text` cut into the deltas a stream sends. */
  textChunks: string[];
  toolCalls: PlannedToolCall[];
  image: { mimeType: string; data: string } | undefined;
  usage: PlannedUsage;
  /** A stream that ends without its terminal event: the surfaces stop after a few frames. */
  cut: boolean;
}

/** A 1x1 transparent PNG. */
const PIXEL_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const FALLBACK_TOOL: ToolSpec = {
  name: "get_weather",
  schema: { type: "object", properties: { location: { type: "string" } } },
};
/** Frames a `cut` stream sends before the connection is dropped. */
export const CUT_AFTER_FRAMES = 5;

export function tokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** Prompt tokens reported for `chars` characters of prompt text (never 0, like real APIs). */
export function inputTokens(chars: number): number {
  return Math.max(1, tokens(chars));
}

/** FNV-1a, hex: a short deterministic fingerprint for signatures. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

/** The deterministic signature the fake model attaches to `reasoningText`. */
export function reasoningSignature(reasoningText: string): string {
  return `sig-${fingerprint(reasoningText)}`;
}

/** Cuts text into word-aligned pieces of `wordsPerChunk` words each (at least one piece). */
export function chunkWords(text: string, wordsPerChunk = 1): string[] {
  const words = text.split(/(?<= )/);
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerChunk)
    chunks.push(words.slice(i, i + wordsPerChunk).join(""));
  return chunks.length > 0 ? chunks : [""];
}

/** Cuts a string into `count` nearly equal pieces (fewer when it is shorter). */
function fragments(s: string, count: number): string[] {
  const size = Math.max(1, Math.ceil(s.length / count));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out.length > 0 ? out : [""];
}

function toolCall(index: number, tool: ToolSpec): PlannedToolCall {
  const args = JSON.stringify(sampleArguments(tool));
  return { index, name: tool.name, arguments: args, fragments: fragments(args, 3) };
}

function longText(events: number): string[] {
  const chunks = new Array<string>(events);
  for (let i = 0; i < events; i++) chunks[i] = `word${i} `;
  return chunks;
}

export function planAnswer(conv: Conversation, call: FakeCall): AnswerPlan {
  let reasoning: AnswerPlan["reasoning"];
  let textChunks: string[] | undefined;
  let text = "";
  let image: AnswerPlan["image"];
  const toolCalls: PlannedToolCall[] = [];
  const echo = `echo: ${conv.lastUserText}`;
  const wantsTools = call.scenario === "tool-call" || call.scenario === "parallel-tools";

  if (wantsTools && conv.toolResult !== undefined) {
    text = `tool result received: ${conv.toolResult}`;
  } else if (wantsTools) {
    const first = conv.tools[0] ?? FALLBACK_TOOL;
    toolCalls.push(toolCall(0, first));
    if (call.scenario === "parallel-tools") toolCalls.push(toolCall(1, conv.tools[1] ?? first));
  } else if (call.scenario === "reasoning") {
    const thought = `The user said "${conv.lastUserText}". I will echo it back.`;
    reasoning = { text: thought, chunks: chunkWords(thought, 4), signature: reasoningSignature(thought) };
    text = echo;
  } else if (call.scenario === "long" || call.scenario === "cut") {
    textChunks = longText(call.scenario === "long" ? call.events : CUT_AFTER_FRAMES * 4);
    text = textChunks.join("");
  } else if (call.scenario === "image") {
    text = "Here is a 1x1 PNG image.";
    image = { mimeType: "image/png", data: PIXEL_PNG };
  } else {
    text = echo;
  }

  textChunks ??= text === "" ? [] : chunkWords(text);
  let outputChars = text.length;
  for (const tc of toolCalls) outputChars += tc.name.length + tc.arguments.length;
  const reasoningTokens = reasoning ? tokens(reasoning.text.length) : 0;
  return {
    reasoning,
    text,
    textChunks,
    toolCalls,
    image,
    usage: {
      input: inputTokens(conv.inputChars),
      cached: call.cachedTokens,
      output: Math.max(1, tokens(outputChars) + reasoningTokens),
      reasoning: reasoningTokens,
    },
    cut: call.scenario === "cut",
  };
}
