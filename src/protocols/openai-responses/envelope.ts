/** The response object around the output: echoes the request's settings as the Responses API does. */

import { randomId } from "../ids.ts";
import type { EncodeContext } from "../ir.ts";
import { encodeEffort } from "./reasoning.ts";
import { encodeTextFormat } from "./text-format.ts";
import { encodeTool, encodeToolChoice } from "./tools.ts";

export type Envelope = Record<string, unknown>;

/** Upstream ids of other formats (msg_..., chatcmpl-...) get the `resp_` prefix clients expect. */
export function responseId(upstreamId: string | undefined): string {
  if (upstreamId === undefined || upstreamId === "") return randomId("resp_");
  return upstreamId.startsWith("resp_") ? upstreamId : `resp_${upstreamId}`;
}

/** Every field of a response except `status`, `output`, `usage` and the outcome fields. */
export function envelope(ctx: EncodeContext, id: string, createdAt: number): Envelope {
  const req = ctx.request;
  const effort = encodeEffort(req?.reasoning);
  return {
    id,
    object: "response",
    created_at: createdAt,
    status: "in_progress",
    background: false,
    error: null,
    incomplete_details: null,
    instructions: req && req.system.length > 0 ? req.system.map((part) => part.text).join("\n\n") : null,
    max_output_tokens: req?.maxTokens ?? null,
    model: ctx.model,
    output: [],
    parallel_tool_calls: req?.parallelToolCalls ?? true,
    previous_response_id: null,
    reasoning: { effort: effort ?? null, summary: req?.reasoning?.includeThoughts ? "auto" : null },
    store: false,
    temperature: req?.temperature ?? 1,
    text: { format: req?.responseFormat ? encodeTextFormat(req.responseFormat) : { type: "text" } },
    tool_choice: req?.toolChoice ? encodeToolChoice(req.toolChoice) : "auto",
    tools: req?.tools ? req.tools.map(encodeTool) : [],
    top_p: req?.topP ?? 1,
    truncation: "disabled",
    usage: null,
    user: req?.user ?? null,
    metadata: {},
  };
}
