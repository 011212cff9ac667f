/** OpenAI Chat Completions: `chat.completion` objects and `chat.completion.chunk` SSE frames ending in `[DONE]`. */
import type { AnswerPlan, PlannedToolCall } from "./answer.ts";
import { type Conversation, partsText, type ToolSpec } from "./conversation.ts";
import type { FakeCall } from "./scenarios.ts";
import { SSE_CONTENT_TYPE } from "./send.ts";
import type { GenerationSurface } from "./surface.ts";

function read(body: any): Conversation {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  let inputChars = 0;
  let lastUserText = "";
  for (const m of messages) {
    const text = partsText(m?.content);
    inputChars += text.length;
    if (m?.role === "user") lastUserText = text;
  }
  const last = messages[messages.length - 1];
  const toolResult = last?.role === "tool" || last?.role === "function" ? partsText(last.content) : undefined;
  const tools: ToolSpec[] = [];
  for (const t of Array.isArray(body?.tools) ? body.tools : []) {
    if (typeof t?.function?.name === "string")
      tools.push({ name: t.function.name, schema: t.function.parameters });
  }
  for (const f of Array.isArray(body?.functions) ? body.functions : []) {
    if (typeof f?.name === "string") tools.push({ name: f.name, schema: f.parameters });
  }
  return { lastUserText, toolResult, tools, inputChars };
}

function toolCallId(call: FakeCall, tc: PlannedToolCall): string {
  return `call_fake${call.serial}_${tc.index}`;
}

function usage(plan: AnswerPlan) {
  const u = plan.usage;
  const prompt = u.input + u.cached;
  return {
    prompt_tokens: prompt,
    completion_tokens: u.output,
    total_tokens: prompt + u.output,
    prompt_tokens_details: { cached_tokens: u.cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function finishReason(plan: AnswerPlan): string {
  return plan.toolCalls.length > 0 ? "tool_calls" : "stop";
}

function reply(plan: AnswerPlan, call: FakeCall): unknown {
  const message: Record<string, unknown> = {
    role: "assistant",
    content: plan.text === "" && plan.toolCalls.length > 0 ? null : plan.text,
    refusal: null,
    annotations: [],
  };
  if (plan.reasoning) message.reasoning_content = plan.reasoning.text;
  if (plan.toolCalls.length > 0) {
    message.tool_calls = plan.toolCalls.map((tc) => ({
      id: toolCallId(call, tc),
      type: "function",
      function: { name: tc.name, arguments: tc.arguments },
    }));
  }
  return {
    id: `chatcmpl-fake${call.serial}`,
    object: "chat.completion",
    created: call.created,
    model: call.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(plan) }],
    usage: usage(plan),
    system_fingerprint: "fp_fake",
  };
}

function* frames(plan: AnswerPlan, call: FakeCall): Generator<string> {
  // Every chunk shares its envelope; only the delta changes, so it is spliced in as text.
  const envelope = `{"id":"chatcmpl-fake${call.serial}","object":"chat.completion.chunk","created":${call.created},"model":${JSON.stringify(call.model)},"system_fingerprint":"fp_fake","choices":`;
  const usageNull = call.includeUsage ? `,"usage":null` : "";
  const open = `data: ${envelope}[{"index":0,"delta":`;
  const close = `,"logprobs":null,"finish_reason":null}]${usageNull}}\n\n`;

  yield `${open}{"role":"assistant","content":"","refusal":null}${close}`;
  if (plan.reasoning) {
    for (const piece of plan.reasoning.chunks)
      yield `${open}{"reasoning_content":${JSON.stringify(piece)}}${close}`;
  }
  for (const piece of plan.textChunks) yield `${open}{"content":${JSON.stringify(piece)}}${close}`;
  for (const tc of plan.toolCalls) {
    const start = {
      index: tc.index,
      id: toolCallId(call, tc),
      type: "function",
      function: { name: tc.name, arguments: "" },
    };
    yield `${open}${JSON.stringify({ tool_calls: [start] })}${close}`;
    for (const fragment of tc.fragments) {
      yield `${open}${JSON.stringify({ tool_calls: [{ index: tc.index, function: { arguments: fragment } }] })}${close}`;
    }
  }
  yield `${open}{},"logprobs":null,"finish_reason":"${finishReason(plan)}"}]${usageNull}}\n\n`;
  if (call.includeUsage) yield `data: ${envelope}[],"usage":${JSON.stringify(usage(plan))}}\n\n`;
  yield "data: [DONE]\n\n";
}

export const openAiChatSurface: GenerationSurface = {
  dialect: "openai",
  read,
  reply,
  frames,
  streamContentType: () => SSE_CONTENT_TYPE,
};
