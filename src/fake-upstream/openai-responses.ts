/**
 * OpenAI Responses API (also the ChatGPT backend used by Codex): `response` objects, and the
 * SSE sequence response.created -> in_progress -> output items (reasoning summary, message
 * text, function-call arguments) -> response.completed with usage.
 */
import type { AnswerPlan, PlannedToolCall } from "./answer.ts";
import { type Conversation, partsText, type ToolSpec } from "./conversation.ts";
import type { FakeCall } from "./scenarios.ts";
import { SSE_CONTENT_TYPE } from "./send.ts";
import type { GenerationSurface } from "./surface.ts";

const TOOL_OUTPUT_TYPES = new Set(["function_call_output", "custom_tool_call_output"]);

function read(body: any): Conversation {
  let inputChars = typeof body?.instructions === "string" ? body.instructions.length : 0;
  let lastUserText = "";
  let toolResult: string | undefined;
  const input = body?.input;
  if (typeof input === "string") {
    lastUserText = input;
    inputChars += input.length;
  } else if (Array.isArray(input)) {
    for (const item of input) {
      if (TOOL_OUTPUT_TYPES.has(item?.type)) {
        const text = partsText(item.output);
        inputChars += text.length;
        toolResult = text;
        continue;
      }
      toolResult = undefined;
      const text = partsText(item?.content);
      inputChars += text.length;
      if (item?.role === "user") lastUserText = text;
    }
  }
  const tools: ToolSpec[] = [];
  for (const t of Array.isArray(body?.tools) ? body.tools : []) {
    if (t?.type === "function" && typeof t.name === "string")
      tools.push({ name: t.name, schema: t.parameters });
  }
  return { lastUserText, toolResult, tools, inputChars };
}

function usage(plan: AnswerPlan) {
  const u = plan.usage;
  const input = u.input + u.cached;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u.cached },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning },
    total_tokens: input + u.output,
  };
}

function responseObject(call: FakeCall, status: string, output: unknown[], usageValue: unknown) {
  return {
    id: `resp_fake${call.serial}`,
    object: "response",
    created_at: call.created,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: call.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    truncation: "disabled",
    usage: usageValue,
    user: null,
    metadata: {},
  };
}

const reasoningId = (call: FakeCall) => `rs_fake${call.serial}`;
const messageId = (call: FakeCall) => `msg_fake${call.serial}`;
const functionItemId = (call: FakeCall, tc: PlannedToolCall) => `fc_fake${call.serial}_${tc.index}`;
const callId = (call: FakeCall, tc: PlannedToolCall) => `call_fake${call.serial}_${tc.index}`;

function reasoningItem(plan: AnswerPlan, call: FakeCall) {
  const r = plan.reasoning!;
  return {
    id: reasoningId(call),
    type: "reasoning",
    summary: [{ type: "summary_text", text: r.text }],
    encrypted_content: r.signature,
  };
}

function outputText(text: string) {
  return { type: "output_text", text, annotations: [], logprobs: [] };
}

function messageItem(text: string, call: FakeCall, status: string) {
  return {
    id: messageId(call),
    type: "message",
    status,
    role: "assistant",
    content: status === "completed" ? [outputText(text)] : [],
  };
}

function functionCallItem(tc: PlannedToolCall, call: FakeCall, status: string) {
  return {
    id: functionItemId(call, tc),
    type: "function_call",
    status,
    arguments: status === "completed" ? tc.arguments : "",
    call_id: callId(call, tc),
    name: tc.name,
  };
}

/** Output items in order: reasoning, message (when there is text), function calls. */
function completedOutput(plan: AnswerPlan, call: FakeCall): unknown[] {
  const output: unknown[] = [];
  if (plan.reasoning) output.push(reasoningItem(plan, call));
  if (plan.text !== "" || plan.toolCalls.length === 0) output.push(messageItem(plan.text, call, "completed"));
  for (const tc of plan.toolCalls) output.push(functionCallItem(tc, call, "completed"));
  return output;
}

function reply(plan: AnswerPlan, call: FakeCall): unknown {
  return responseObject(call, "completed", completedOutput(plan, call), usage(plan));
}

function* frames(plan: AnswerPlan, call: FakeCall): Generator<string> {
  let seq = 0;
  const event = (type: string, fields: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...fields })}\n\n`;
  let outputIndex = 0;

  yield event("response.created", { response: responseObject(call, "in_progress", [], null) });
  yield event("response.in_progress", { response: responseObject(call, "in_progress", [], null) });

  if (plan.reasoning) {
    const r = plan.reasoning;
    const ids = { item_id: reasoningId(call), output_index: outputIndex, summary_index: 0 };
    yield event("response.output_item.added", {
      output_index: outputIndex,
      item: { id: reasoningId(call), type: "reasoning", summary: [] },
    });
    yield event("response.reasoning_summary_part.added", {
      ...ids,
      part: { type: "summary_text", text: "" },
    });
    for (const piece of r.chunks)
      yield event("response.reasoning_summary_text.delta", { ...ids, delta: piece });
    yield event("response.reasoning_summary_text.done", { ...ids, text: r.text });
    yield event("response.reasoning_summary_part.done", {
      ...ids,
      part: { type: "summary_text", text: r.text },
    });
    yield event("response.output_item.done", { output_index: outputIndex, item: reasoningItem(plan, call) });
    outputIndex++;
  }

  if (plan.text !== "" || plan.toolCalls.length === 0) {
    const ids = { item_id: messageId(call), output_index: outputIndex, content_index: 0 };
    yield event("response.output_item.added", {
      output_index: outputIndex,
      item: messageItem("", call, "in_progress"),
    });
    yield event("response.content_part.added", { ...ids, part: outputText("") });
    // Text deltas dominate long streams: splice the delta into a prebuilt frame.
    const deltaHead = `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":`;
    const deltaIds = `,"item_id":"${messageId(call)}","output_index":${outputIndex},"content_index":0,"delta":`;
    for (const piece of plan.textChunks) {
      yield `${deltaHead}${seq++}${deltaIds}${JSON.stringify(piece)},"logprobs":[]}\n\n`;
    }
    yield event("response.output_text.done", { ...ids, text: plan.text, logprobs: [] });
    yield event("response.content_part.done", { ...ids, part: outputText(plan.text) });
    yield event("response.output_item.done", {
      output_index: outputIndex,
      item: messageItem(plan.text, call, "completed"),
    });
    outputIndex++;
  }

  for (const tc of plan.toolCalls) {
    const ids = { item_id: functionItemId(call, tc), output_index: outputIndex };
    yield event("response.output_item.added", {
      output_index: outputIndex,
      item: functionCallItem(tc, call, "in_progress"),
    });
    for (const fragment of tc.fragments) {
      yield event("response.function_call_arguments.delta", { ...ids, delta: fragment });
    }
    yield event("response.function_call_arguments.done", { ...ids, name: tc.name, arguments: tc.arguments });
    yield event("response.output_item.done", {
      output_index: outputIndex,
      item: functionCallItem(tc, call, "completed"),
    });
    outputIndex++;
  }

  yield event("response.completed", {
    response: responseObject(call, "completed", completedOutput(plan, call), usage(plan)),
  });
}

export const openAiResponsesSurface: GenerationSurface = {
  dialect: "openai",
  read,
  reply,
  frames,
  streamContentType: () => SSE_CONTENT_TYPE,
};

/** The ChatGPT backend (`/backend-api/codex/responses`): same wire format, Codex error conventions. */
export const codexResponsesSurface: GenerationSurface = { ...openAiResponsesSurface, dialect: "codex" };
