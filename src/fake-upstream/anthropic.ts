/**
 * Anthropic Messages: `message` objects, and the SSE sequence message_start ->
 * content_block_start/delta/stop per block (a ping after the first start) -> message_delta
 * with usage -> message_stop.
 */
import type { AnswerPlan, PlannedToolCall } from "./answer.ts";
import { type Conversation, partsText, type ToolSpec } from "./conversation.ts";
import type { FakeCall } from "./scenarios.ts";
import { SSE_CONTENT_TYPE } from "./send.ts";
import type { GenerationSurface } from "./surface.ts";

function read(body: any): Conversation {
  let inputChars = partsText(body?.system).length;
  let lastUserText = "";
  let toolResult: string | undefined;
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  for (const m of messages) {
    toolResult = undefined;
    let text = "";
    if (typeof m?.content === "string") text = m.content;
    else if (Array.isArray(m?.content)) {
      for (const block of m.content) {
        if (block?.type === "text" && typeof block.text === "string") text += block.text;
        else if (block?.type === "tool_result") {
          toolResult = partsText(block.content);
          inputChars += toolResult.length;
        }
      }
    }
    inputChars += text.length;
    if (m?.role === "user" && text !== "") lastUserText = text;
    if (m?.role !== "user") toolResult = undefined;
  }
  const tools: ToolSpec[] = [];
  for (const t of Array.isArray(body?.tools) ? body.tools : []) {
    if (typeof t?.name === "string") tools.push({ name: t.name, schema: t.input_schema });
  }
  return { lastUserText, toolResult, tools, inputChars };
}

const messageId = (call: FakeCall) => `msg_fake${call.serial}`;
const toolUseId = (call: FakeCall, tc: PlannedToolCall) => `toolu_fake${call.serial}_${tc.index}`;

function usage(plan: AnswerPlan, outputTokens: number) {
  return {
    input_tokens: plan.usage.input,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: plan.usage.cached,
    output_tokens: outputTokens,
    service_tier: "standard",
  };
}

function stopReason(plan: AnswerPlan): string {
  return plan.toolCalls.length > 0 ? "tool_use" : "end_turn";
}

function hasTextBlock(plan: AnswerPlan): boolean {
  return plan.text !== "" || plan.toolCalls.length === 0;
}

function reply(plan: AnswerPlan, call: FakeCall): unknown {
  const content: unknown[] = [];
  if (plan.reasoning) {
    content.push({ type: "thinking", thinking: plan.reasoning.text, signature: plan.reasoning.signature });
  }
  if (hasTextBlock(plan)) content.push({ type: "text", text: plan.text });
  for (const tc of plan.toolCalls) {
    content.push({
      type: "tool_use",
      id: toolUseId(call, tc),
      name: tc.name,
      input: JSON.parse(tc.arguments),
    });
  }
  return {
    id: messageId(call),
    type: "message",
    role: "assistant",
    model: call.model,
    content,
    stop_reason: stopReason(plan),
    stop_sequence: null,
    usage: usage(plan, plan.usage.output),
  };
}

function frame(type: string, data: string): string {
  return `event: ${type}\ndata: ${data}\n\n`;
}

function* frames(plan: AnswerPlan, call: FakeCall): Generator<string> {
  const start = {
    type: "message_start",
    message: {
      id: messageId(call),
      type: "message",
      role: "assistant",
      model: call.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usage(plan, 1),
    },
  };
  yield frame("message_start", JSON.stringify(start));

  let index = 0;
  const blockStart = (block: unknown) =>
    frame(
      "content_block_start",
      JSON.stringify({ type: "content_block_start", index, content_block: block }),
    );
  const delta = (d: unknown) =>
    frame("content_block_delta", JSON.stringify({ type: "content_block_delta", index, delta: d }));
  const blockStop = () => frame("content_block_stop", `{"type":"content_block_stop","index":${index}}`);
  const ping = frame("ping", `{"type":"ping"}`);

  if (plan.reasoning) {
    yield blockStart({ type: "thinking", thinking: "", signature: "" });
    if (index === 0) yield ping;
    for (const piece of plan.reasoning.chunks) yield delta({ type: "thinking_delta", thinking: piece });
    yield delta({ type: "signature_delta", signature: plan.reasoning.signature });
    yield blockStop();
    index++;
  }
  if (hasTextBlock(plan)) {
    yield blockStart({ type: "text", text: "" });
    if (index === 0) yield ping;
    // Text deltas dominate long streams: splice the text into a prebuilt frame.
    const head = `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"text_delta","text":`;
    for (const piece of plan.textChunks) yield `${head}${JSON.stringify(piece)}}}\n\n`;
    yield blockStop();
    index++;
  }
  for (const tc of plan.toolCalls) {
    yield blockStart({ type: "tool_use", id: toolUseId(call, tc), name: tc.name, input: {} });
    if (index === 0) yield ping;
    for (const fragment of tc.fragments) yield delta({ type: "input_json_delta", partial_json: fragment });
    yield blockStop();
    index++;
  }
  const end = { type: "message_delta", delta: { stop_reason: stopReason(plan), stop_sequence: null } };
  const { service_tier: _, ...cumulative } = usage(plan, plan.usage.output);
  yield frame("message_delta", JSON.stringify({ ...end, usage: cumulative }));
  yield frame("message_stop", `{"type":"message_stop"}`);
}

export const anthropicSurface: GenerationSurface = {
  dialect: "anthropic",
  read,
  reply,
  frames,
  streamContentType: () => SSE_CONTENT_TYPE,
};
