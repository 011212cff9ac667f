import { anthropicCodec } from "./anthropic/index.ts";
import { geminiCodec } from "./gemini/index.ts";
import { geminiCliCodec } from "./gemini-cli/index.ts";
import type { Codec, WireFormat } from "./ir.ts";
import { ollamaChatCodec, ollamaGenerateCodec } from "./ollama/index.ts";
import { openaiChatCodec } from "./openai-chat/index.ts";
import { openaiCompletionsCodec } from "./openai-completions/index.ts";
import { openaiResponsesCodec } from "./openai-responses/index.ts";

const codecs: Record<WireFormat, Codec> = {
  "openai-chat": openaiChatCodec,
  "openai-completions": openaiCompletionsCodec,
  "openai-responses": openaiResponsesCodec,
  anthropic: anthropicCodec,
  gemini: geminiCodec,
  "gemini-cli": geminiCliCodec,
  "ollama-chat": ollamaChatCodec,
  "ollama-generate": ollamaGenerateCodec,
};

export function codecFor(format: WireFormat): Codec {
  return codecs[format];
}
