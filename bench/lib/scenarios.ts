/**
 * What is measured. Each scenario sends one request shape three ways: straight to the fake
 * upstream (direct), through the floor, and through the proxy. Direct and floor make the very
 * call the proxy makes upstream, so the upstream's own work is identical in all three and the
 * differences are the hop (floor) or the hop plus our work (proxy).
 */
import { MODELS } from "./models.ts";
import { anthropicMessagesBody, geminiBody, openAIChatBody } from "./payloads.ts";

export const TARGETS = ["direct", "floor", "proxy"] as const;
export type Target = (typeof TARGETS)[number];

export interface RequestShape {
  path: string;
  body: string;
  /** Text the end of every good response contains (stream terminators). */
  expect?: string;
}

export interface Scenario {
  id: string;
  title: string;
  concurrency: number;
  stream: boolean;
  requests: Record<Target, RequestShape>;
}

const KB = 1024;
const CHAT = "/v1/chat/completions";
const MESSAGES = "/v1/messages";

function passthrough(kb: number, concurrency: number): Scenario {
  const upstream = { path: CHAT, body: openAIChatBody(MODELS.chat.upstream, kb * KB, false) };
  return {
    id: `chat-${kb}k-c${concurrency}`,
    title: `OpenAI chat passthrough, ${kb} KB, c=${concurrency}`,
    concurrency,
    stream: false,
    requests: {
      direct: upstream,
      floor: { path: CHAT, body: openAIChatBody(MODELS.chat.client, kb * KB, false) },
      proxy: { path: CHAT, body: openAIChatBody(MODELS.chat.client, kb * KB, false) },
    },
  };
}

function translated(kb: number, concurrency: number): Scenario {
  return {
    id: `translated-${kb}k-c${concurrency}`,
    title: `OpenAI client -> Anthropic upstream, ${kb} KB, c=${concurrency}`,
    concurrency,
    stream: false,
    requests: {
      direct: { path: MESSAGES, body: anthropicMessagesBody(MODELS.claude.upstream, kb * KB, false) },
      floor: { path: MESSAGES, body: anthropicMessagesBody(MODELS.claude.client, kb * KB, false) },
      proxy: { path: CHAT, body: openAIChatBody(MODELS.claude.client, kb * KB, false) },
    },
  };
}

function streamPassthrough(concurrency: number): Scenario {
  return {
    id: `stream-c${concurrency}`,
    title: `OpenAI chat stream passthrough, 200 events, c=${concurrency}`,
    concurrency,
    stream: true,
    requests: {
      direct: { path: CHAT, body: openAIChatBody(MODELS.chatStream.upstream, KB, true), expect: "[DONE]" },
      floor: { path: CHAT, body: openAIChatBody(MODELS.chatStream.client, KB, true), expect: "[DONE]" },
      proxy: { path: CHAT, body: openAIChatBody(MODELS.chatStream.client, KB, true), expect: "[DONE]" },
    },
  };
}

function streamTranslated(concurrency: number): Scenario {
  const upstream = (model: string) => ({
    path: MESSAGES,
    body: anthropicMessagesBody(model, KB, true),
    expect: "message_stop",
  });
  return {
    id: `stream-translated-c${concurrency}`,
    title: `Stream OpenAI client -> Anthropic upstream, 200 events, c=${concurrency}`,
    concurrency,
    stream: true,
    requests: {
      direct: upstream(MODELS.claudeStream.upstream),
      floor: upstream(MODELS.claudeStream.client),
      proxy: { path: CHAT, body: openAIChatBody(MODELS.claudeStream.client, KB, true), expect: "[DONE]" },
    },
  };
}

function geminiStream(concurrency: number): Scenario {
  return {
    id: `gemini-stream-c${concurrency}`,
    title: `Stream Gemini client -> OpenAI upstream, 200 events, c=${concurrency}`,
    concurrency,
    stream: true,
    requests: {
      direct: { path: CHAT, body: openAIChatBody(MODELS.chatStream.upstream, KB, true), expect: "[DONE]" },
      floor: { path: CHAT, body: openAIChatBody(MODELS.chatStream.client, KB, true), expect: "[DONE]" },
      proxy: {
        path: `/v1beta/models/${MODELS.chatStream.client}:streamGenerateContent?alt=sse`,
        body: geminiBody(KB),
        expect: "finishReason",
      },
    },
  };
}

export function allScenarios(): Scenario[] {
  return [
    passthrough(1, 1),
    passthrough(1, 16),
    passthrough(1, 64),
    passthrough(10, 1),
    passthrough(10, 16),
    passthrough(10, 64),
    translated(10, 16),
    streamPassthrough(1),
    streamPassthrough(16),
    streamTranslated(1),
    streamTranslated(16),
    geminiStream(1),
    geminiStream(16),
  ];
}

/** The one scenario of `--smoke`: enough to prove every part of the harness works end to end. */
export function smokeScenarios(): Scenario[] {
  return [passthrough(1, 16)];
}

/** The 1,000-event stream of the memory check (proxy only). */
export function longStream(concurrency: number): RequestShape & { concurrency: number } {
  return {
    path: CHAT,
    body: openAIChatBody(MODELS.chatStream1000.client, KB, true),
    expect: "[DONE]",
    concurrency,
  };
}
