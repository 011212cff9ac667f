/** OpenAI legacy Completions response body <-> IR response. */
import { nowSeconds, randomId } from "../ids.ts";
import type { EncodeContext, IRResponse } from "../ir.ts";
import { decodeFinishReason, encodeFinishReason } from "./finish-reason.ts";
import { invalidUpstream, isObject } from "./invalid.ts";
import { echoedPrompt } from "./request.ts";
import { decodeUsage, encodeUsage } from "./usage.ts";

/** Completion ids start with `cmpl-`; ids from other formats are replaced rather than relabelled. */
export function completionId(upstreamId: string): string {
  return upstreamId.startsWith("cmpl-") ? upstreamId : randomId("cmpl-");
}

export function decodeResponse(body: any): IRResponse {
  if (!isObject(body)) throw invalidUpstream("body is not a JSON object");
  if (!Array.isArray(body.choices) || body.choices.length === 0) throw invalidUpstream("choices is missing");
  const choice = body.choices[0];
  const text = typeof choice?.text === "string" ? choice.text : "";
  const res: IRResponse = {
    id: typeof body.id === "string" ? body.id : randomId("cmpl-"),
    model: typeof body.model === "string" ? body.model : "",
    created: typeof body.created === "number" ? body.created : nowSeconds(),
    content: text === "" ? [] : [{ type: "text", text }],
    finishReason: decodeFinishReason(choice?.finish_reason),
  };
  const usage = decodeUsage(body.usage);
  if (usage) res.usage = usage;
  return res;
}

/** Text only: reasoning, tool calls and images have no place in a text completion. */
export function encodeResponse(res: IRResponse, ctx: EncodeContext): unknown {
  let text = echoedPrompt(ctx.request);
  for (const part of res.content) if (part.type === "text") text += part.text;
  const body: Record<string, unknown> = {
    id: completionId(res.id),
    object: "text_completion",
    created: res.created,
    model: ctx.model,
    choices: [{ text, index: 0, logprobs: null, finish_reason: encodeFinishReason(res.finishReason) }],
  };
  if (res.usage) body.usage = encodeUsage(res.usage);
  return body;
}
