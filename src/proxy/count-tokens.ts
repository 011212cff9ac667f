import type { ServerResponse } from "node:http";
import { request } from "undici";
import { log } from "../logging/logger.ts";
import { codecFor } from "../protocols/index.ts";
import type { IRRequest } from "../protocols/ir.ts";
import { providers } from "../providers/index.ts";
import type { Candidate } from "../routing/registry.ts";
import { ProxyError } from "../server/errors.ts";
import { sendJson } from "../server/respond.ts";
import { countRequestTokens } from "../tokens/local-count.ts";
import { dispatcherFor } from "../upstream/dispatchers.ts";
import type { InboundCall } from "./pipeline.ts";
import type { Runtime } from "./runtime.ts";

/** Fields Anthropic's count_tokens accepts; it rejects the rest (max_tokens, stream, ...). */
const ANTHROPIC_COUNT_FIELDS = [
  "model",
  "messages",
  "system",
  "tools",
  "tool_choice",
  "thinking",
  "mcp_servers",
];

/**
 * Anthropic `count_tokens` and Gemini `countTokens`: asked of the upstream when its provider has
 * a counting endpoint (Claude, Gemini), else estimated locally. Answered in the caller's shape.
 */
export async function proxyCountTokens(rt: Runtime, call: InboundCall, res: ServerResponse): Promise<void> {
  const resolution = rt.registry.resolve(call.model);
  if (!resolution) {
    throw new ProxyError(404, `model "${call.model}" is not served by any configured provider`, {
      code: "model_not_found",
    });
  }
  const ir = codecFor(call.format).decodeRequest(call.body);
  const order = rt.scheduler.order(resolution.key, resolution.candidates, rt.cooldowns);
  const counter = order.find((c) => c.cred.provider === "claude" || c.cred.provider === "gemini");

  let tokens: number | undefined;
  if (counter) {
    try {
      tokens = await countUpstream(counter, ir);
    } catch (err) {
      log.debug(
        { err: (err as Error).message, credential: counter.cred.label },
        "upstream token count failed",
      );
    }
  }
  tokens ??= await countRequestTokens(ir);
  sendJson(res, 200, call.format === "gemini" ? { totalTokens: tokens } : { input_tokens: tokens });
}

async function countUpstream(cand: Candidate, ir: IRRequest): Promise<number> {
  const { cred, upstreamModel } = cand;
  const provider = providers[cred.provider];
  const encoded = codecFor(provider.format).encodeRequest({ ...ir, stream: false }, upstreamModel);
  let body: Record<string, unknown>;
  if (provider.format === "anthropic") {
    body = {};
    for (const k of ANTHROPIC_COUNT_FIELDS) if (encoded[k] !== undefined) body[k] = encoded[k];
  } else {
    // countTokens takes a whole generateContent request to count system and tools too.
    body = { generateContentRequest: { model: `models/${upstreamModel}`, ...encoded } };
  }
  const up = await request(provider.url(cred, upstreamModel, false, "countTokens"), {
    method: "POST",
    headers: { ...provider.headers(cred, false), ...cred.headers },
    body: JSON.stringify(body),
    dispatcher: dispatcherFor(cred.proxyUrl),
  });
  const parsed = (await up.body.json()) as { input_tokens?: number; totalTokens?: number };
  if (up.statusCode >= 400) throw new Error(`HTTP ${up.statusCode}`);
  const n = provider.format === "anthropic" ? parsed.input_tokens : parsed.totalTokens;
  if (typeof n !== "number") throw new Error("no token count in the upstream answer");
  return n;
}
