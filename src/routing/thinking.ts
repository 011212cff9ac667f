/**
 * Applies a thinking suffix to a request for one upstream model: on the IR (translated path)
 * or directly on a same-format body (passthrough path). The suffix wins over whatever the
 * body said. Each upstream's own field is written by the same encoder its codec uses, so both
 * paths agree.
 */
import { DEFAULT_MAX_TOKENS, encodeThinking } from "../protocols/anthropic/thinking.ts";
import { encodeThinkingConfig } from "../protocols/gemini/thinking.ts";
import type { IRReasoning, IRRequest, WireFormat } from "../protocols/ir.ts";
import { encodeReasoningEffort } from "../protocols/openai-chat/options.ts";
import { encodeEffort } from "../protocols/openai-responses/reasoning.ts";
import { findCatalogModel } from "../providers/catalog.ts";
import { type ModelCaps, parseThinkingSuffix, reasoningForSuffix } from "./thinking-suffix.ts";

/** The upstream model a suffix is applied for. A registry `Candidate` is one. */
export interface ThinkingTarget {
  upstreamModel: string;
  /** Known capabilities; undefined = unknown model, the suffix applies unclamped. */
  caps?: ModelCaps;
}

type Body = Record<string, unknown>;

/**
 * Returns `ir` with `reasoning` set from the suffix (a shallow copy; `ir` is not changed, so
 * one decoded request can be reused across failover attempts to different models). For an
 * Anthropic upstream, `maxTokens` is raised above the thinking budget when needed.
 */
export function applyThinkingToIR(
  ir: IRRequest,
  suffix: string | undefined,
  upstream: string | ThinkingTarget,
  upstreamFormat?: WireFormat,
): IRRequest {
  const target = toTarget(upstream);
  const reasoning = resolve(suffix, target, ir.reasoning?.includeThoughts);
  if (!reasoning) return ir;
  const out: IRRequest = { ...ir, reasoning };
  if (upstreamFormat === "anthropic") {
    out.maxTokens = anthropicMaxTokens(reasoning, target, ir.maxTokens);
  }
  return out;
}

/**
 * Returns `body` (a request in `format`, the upstream's own) with the suffix written into the
 * upstream's reasoning control. Only the touched objects are copied; `body` is not changed.
 */
export function applyThinkingToBody(
  format: WireFormat,
  body: Body,
  suffix: string | undefined,
  upstream: string | ThinkingTarget,
): Body {
  const target = toTarget(upstream);
  const reasoning = resolve(suffix, target, undefined);
  if (!reasoning) return body;
  switch (format) {
    case "openai-chat":
      return withField(body, "reasoning_effort", encodeReasoningEffort(reasoning));
    case "openai-responses": {
      const current = isObject(body.reasoning) ? body.reasoning : {};
      const next = withField(current, "effort", encodeEffort(reasoning));
      return withField(body, "reasoning", Object.keys(next).length > 0 ? next : undefined);
    }
    case "anthropic":
      return anthropicBody(body, reasoning, target);
    case "gemini":
      return geminiBody(body, reasoning, target.upstreamModel);
    case "gemini-cli": {
      const inner = isObject(body.request) ? body.request : {};
      return { ...body, request: geminiBody(inner, reasoning, target.upstreamModel) };
    }
    default:
      return body;
  }
}

function toTarget(upstream: string | ThinkingTarget): ThinkingTarget {
  if (typeof upstream !== "string") return upstream;
  const info = findCatalogModel(upstream);
  return {
    upstreamModel: upstream,
    caps: info && { thinking: info.thinking, maxOutputTokens: info.maxOutputTokens },
  };
}

function resolve(
  suffix: string | undefined,
  target: ThinkingTarget,
  includeThoughts: boolean | undefined,
): IRReasoning | undefined {
  const parsed = parseThinkingSuffix(suffix);
  if (!parsed) return undefined;
  const reasoning = reasoningForSuffix(parsed, target.caps);
  if (reasoning && includeThoughts !== undefined && parsed.kind !== "off") {
    reasoning.includeThoughts = includeThoughts;
  }
  return reasoning;
}

/**
 * Anthropic counts thinking inside `max_tokens` and requires budget_tokens < max_tokens. A
 * suffix is an explicit request for that much thinking, so the limit is raised (leaving the
 * codec's default room for the answer) instead of the budget being cut, within the model's
 * output ceiling when known.
 */
function anthropicMaxTokens(
  reasoning: IRReasoning,
  target: ThinkingTarget,
  maxTokens: number | undefined,
): number | undefined {
  // The budget the codec would send for this setting when unconstrained.
  const probe = encodeThinking(reasoning, target.upstreamModel, undefined);
  const budget = probe.thinking?.type === "enabled" ? (probe.thinking.budget_tokens as number) : undefined;
  if (budget === undefined) return maxTokens;
  let max = maxTokens === undefined ? probe.maxTokens : maxTokens;
  if (max <= budget) max = budget + DEFAULT_MAX_TOKENS;
  const ceiling = target.caps?.maxOutputTokens;
  if (ceiling !== undefined && max > ceiling) max = ceiling;
  return max;
}

function anthropicBody(body: Body, reasoning: IRReasoning, target: ThinkingTarget): Body {
  const given = typeof body.max_tokens === "number" ? body.max_tokens : undefined;
  const encoded = encodeThinking(
    reasoning,
    target.upstreamModel,
    anthropicMaxTokens(reasoning, target, given),
  );
  const out: Body = { ...body, max_tokens: encoded.maxTokens, thinking: encoded.thinking };
  if (encoded.thinking === undefined) delete out.thinking;
  if (encoded.effort !== undefined) {
    const config = isObject(body.output_config) ? body.output_config : {};
    out.output_config = { ...config, effort: encoded.effort };
  }
  return out;
}

const GEMINI_THINKING_FIELDS = ["thinkingBudget", "thinking_budget", "thinkingLevel", "thinking_level"];

/** Writes thinkingBudget or thinkingLevel (never both: Gemini 3 rejects that); keeps includeThoughts. */
function geminiBody(body: Body, reasoning: IRReasoning, model: string): Body {
  const encoded = encodeThinkingConfig(reasoning, model) ?? {};
  const configKey =
    "generationConfig" in body || !("generation_config" in body) ? "generationConfig" : "generation_config";
  const config = isObject(body[configKey]) ? (body[configKey] as Body) : {};
  const thinkingKey =
    "thinkingConfig" in config || !("thinking_config" in config) ? "thinkingConfig" : "thinking_config";
  const thinking: Body = { ...(isObject(config[thinkingKey]) ? (config[thinkingKey] as Body) : {}) };
  for (const f of GEMINI_THINKING_FIELDS) delete thinking[f];
  if (encoded.thinkingBudget !== undefined) thinking.thinkingBudget = encoded.thinkingBudget;
  if (encoded.thinkingLevel !== undefined) thinking.thinkingLevel = encoded.thinkingLevel;
  return { ...body, [configKey]: { ...config, [thinkingKey]: thinking } };
}

/** A copy of `obj` with `key` set, or removed when `value` is undefined. */
function withField(obj: Body, key: string, value: unknown): Body {
  const out = { ...obj };
  if (value === undefined) delete out[key];
  else out[key] = value;
  return out;
}

function isObject(v: unknown): v is Body {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
