/**
 * Usage the fake upstream reported, brought to one neutral shape and then checked against each
 * client format's own fields, following the IR convention (prompt counts include cached
 * tokens, output includes reasoning).
 */
import assert from "node:assert/strict";
import type { RecordedRequest } from "../../../src/fake-upstream/server.ts";
import { replay } from "./replay.ts";
import type { UpstreamKind } from "./upstreams.ts";

export interface NeutralUsage {
  /** Every prompt token, cached ones included. */
  prompt: number;
  cached: number;
  /** Every generated token, reasoning included. */
  output: number;
  /** Reasoning tokens; 0 where the upstream format does not report them. */
  reasoning: number;
}

export function neutralUsage(kind: UpstreamKind, reply: any): NeutralUsage {
  switch (kind) {
    case "openai": {
      const u = reply.usage;
      return {
        prompt: u.prompt_tokens,
        cached: u.prompt_tokens_details?.cached_tokens ?? 0,
        output: u.completion_tokens,
        reasoning: u.completion_tokens_details?.reasoning_tokens ?? 0,
      };
    }
    case "anthropic": {
      const u = reply.usage;
      const cached = u.cache_read_input_tokens ?? 0;
      return {
        prompt: u.input_tokens + cached + (u.cache_creation_input_tokens ?? 0),
        cached,
        output: u.output_tokens,
        reasoning: 0,
      };
    }
    case "gemini": {
      const u = reply.usageMetadata;
      const reasoning = u.thoughtsTokenCount ?? 0;
      return {
        prompt: u.promptTokenCount,
        cached: u.cachedContentTokenCount ?? 0,
        output: (u.candidatesTokenCount ?? 0) + reasoning,
        reasoning,
      };
    }
    case "codex": {
      const u = reply.usage;
      return {
        prompt: u.input_tokens,
        cached: u.input_tokens_details?.cached_tokens ?? 0,
        output: u.output_tokens,
        reasoning: u.output_tokens_details?.reasoning_tokens ?? 0,
      };
    }
  }
}

/** Usage the upstream reported for the recorded request, in the neutral shape. */
export async function reportedUsage(upstreamUrl: string, kind: UpstreamKind, rec: RecordedRequest) {
  return neutralUsage(kind, await replay(upstreamUrl, rec));
}

export function assertChatUsage(u: any, n: NeutralUsage): void {
  assert.ok(u, "usage present");
  assert.equal(u.prompt_tokens, n.prompt, "prompt_tokens");
  assert.equal(u.completion_tokens, n.output, "completion_tokens");
  assert.equal(u.total_tokens, n.prompt + n.output, "total_tokens");
  assert.equal(u.prompt_tokens_details?.cached_tokens ?? 0, n.cached, "cached_tokens");
  assert.equal(u.completion_tokens_details?.reasoning_tokens ?? 0, n.reasoning, "reasoning_tokens");
}

export function assertCompletionsUsage(u: any, n: NeutralUsage): void {
  assert.ok(u, "usage present");
  assert.equal(u.prompt_tokens, n.prompt, "prompt_tokens");
  assert.equal(u.completion_tokens, n.output, "completion_tokens");
  assert.equal(u.total_tokens, n.prompt + n.output, "total_tokens");
}

export function assertResponsesUsage(u: any, n: NeutralUsage): void {
  assert.ok(u, "usage present");
  assert.equal(u.input_tokens, n.prompt, "input_tokens");
  assert.equal(u.input_tokens_details?.cached_tokens ?? 0, n.cached, "cached_tokens");
  assert.equal(u.output_tokens, n.output, "output_tokens");
  assert.equal(u.output_tokens_details?.reasoning_tokens ?? 0, n.reasoning, "reasoning_tokens");
  assert.equal(u.total_tokens, n.prompt + n.output, "total_tokens");
}

export function assertAnthropicUsage(u: any, n: NeutralUsage): void {
  assert.ok(u, "usage present");
  assert.equal(u.input_tokens, n.prompt - n.cached, "input_tokens (uncached)");
  assert.equal(u.cache_read_input_tokens ?? 0, n.cached, "cache_read_input_tokens");
  assert.equal(u.output_tokens, n.output, "output_tokens");
}

export function assertGeminiUsage(u: any, n: NeutralUsage): void {
  assert.ok(u, "usageMetadata present");
  assert.equal(u.promptTokenCount, n.prompt, "promptTokenCount");
  assert.equal(u.cachedContentTokenCount ?? 0, n.cached, "cachedContentTokenCount");
  assert.equal(u.candidatesTokenCount ?? 0, n.output - n.reasoning, "candidatesTokenCount");
  assert.equal(u.thoughtsTokenCount ?? 0, n.reasoning, "thoughtsTokenCount");
  assert.equal(u.totalTokenCount, n.prompt + n.output, "totalTokenCount");
}

export function assertOllamaUsage(r: any, n: NeutralUsage): void {
  assert.equal(r.prompt_eval_count, n.prompt, "prompt_eval_count");
  assert.equal(r.eval_count, n.output, "eval_count");
}
