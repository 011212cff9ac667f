import type { ServerResponse } from "node:http";
import { refreshAfterUnauthorized } from "../auth/index.ts";
import { log } from "../logging/logger.ts";
import { codecFor } from "../protocols/index.ts";
import type { IRRequest } from "../protocols/ir.ts";
import { countTokensBody } from "../providers/gemini-cli.ts";
import { providers } from "../providers/index.ts";
import type { ProviderId } from "../providers/types.ts";
import type { Candidate } from "../routing/registry.ts";
import { ProxyError } from "../server/errors.ts";
import { sendJson } from "../server/respond.ts";
import { countRequestTokens } from "../tokens/local-count.ts";
import { dispatcherFor } from "../upstream/dispatchers.ts";
import { upstreamErrorMessage } from "../upstream/error-message.ts";
import { request } from "../upstream/undici.ts";
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

/** Upstreams with a counting endpoint: Claude, Gemini, and Code Assist (Gemini CLI accounts). */
const COUNTERS = new Set<ProviderId>(["claude", "gemini", "gemini-cli"]);

/**
 * The upstream refused the request itself (400, 413, 422): the same body would fail to
 * generate too, so the client hears it instead of an estimate that hides the problem.
 */
const REFUSALS = new Set([400, 413, 422]);

/** A counting candidate could not answer; the next one (or the local estimate) is tried. */
class CountUnavailable extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

/**
 * Anthropic `count_tokens`, Gemini `countTokens` and Code Assist `v1internal:countTokens`:
 * asked of the upstream when the model's credentials include one with a counting endpoint,
 * in scheduler order. An answer in the caller's shape comes from the first that counts. A
 * candidate that cannot answer (unreachable, 401 after one token refresh, 403, 404, 408, 429,
 * 5xx, an answer without a count) hands over to the next; when none is left, or the model has
 * no such credential, the count is the local estimate. An upstream that refuses the request
 * (REFUSALS) ends the call with its error.
 */
export async function proxyCountTokens(rt: Runtime, call: InboundCall, res: ServerResponse): Promise<void> {
  const resolution = rt.registry.resolve(call.routeModel ?? call.model);
  if (!resolution) {
    throw new ProxyError(404, `model "${call.model}" is not served by any configured provider`, {
      code: "model_not_found",
    });
  }
  const ir = codecFor(call.format).decodeRequest(call.body);
  const order = rt.scheduler.order(resolution.key, resolution.candidates, rt.cooldowns);

  let tokens: number | undefined;
  for (const counter of order) {
    if (!COUNTERS.has(counter.cred.provider)) continue;
    try {
      tokens = await countWithRefresh(rt, counter, ir);
      break;
    } catch (err) {
      if (!(err instanceof CountUnavailable)) throw err;
      log.debug({ err: err.message, credential: counter.cred.label }, "upstream token count failed");
    }
  }
  tokens ??= await countRequestTokens(ir);
  sendJson(res, 200, call.format === "gemini" ? { totalTokens: tokens } : { input_tokens: tokens });
}

/** An OAuth account's token may have expired early: refreshed once and asked again. */
async function countWithRefresh(rt: Runtime, cand: Candidate, ir: IRRequest): Promise<number> {
  try {
    return await countUpstream(cand, ir);
  } catch (err) {
    if (!(err instanceof CountUnavailable) || err.status !== 401) throw err;
    const fresh = await refreshAfterUnauthorized(rt, cand.cred);
    if (!fresh) throw err;
    return countUpstream({ ...cand, cred: fresh }, ir);
  }
}

function countBody(cand: Candidate, ir: IRRequest): Record<string, unknown> {
  const { cred, upstreamModel } = cand;
  const provider = providers[cred.provider];
  const encoded = codecFor(provider.format).encodeRequest({ ...ir, stream: false }, upstreamModel);
  if (provider.format === "anthropic") {
    const body: Record<string, unknown> = {};
    for (const k of ANTHROPIC_COUNT_FIELDS) if (encoded[k] !== undefined) body[k] = encoded[k];
    return body;
  }
  if (provider.format === "gemini-cli") return countTokensBody(encoded, upstreamModel);
  // Gemini's countTokens takes a whole generateContent request to count system and tools too.
  return { generateContentRequest: { model: `models/${upstreamModel}`, ...encoded } };
}

async function countUpstream(cand: Candidate, ir: IRRequest): Promise<number> {
  const { cred, upstreamModel } = cand;
  const provider = providers[cred.provider];
  let up: Awaited<ReturnType<typeof request>>;
  try {
    up = await request(provider.url(cred, upstreamModel, false, "countTokens"), {
      method: "POST",
      headers: { ...provider.headers(cred, false), ...cred.headers },
      body: JSON.stringify(countBody(cand, ir)),
      dispatcher: dispatcherFor(cred.proxyUrl),
    });
  } catch (err) {
    throw new CountUnavailable(`unreachable: ${(err as Error).message}`);
  }
  const text = await up.body.text().catch(() => "");
  if (up.statusCode >= 400) {
    if (REFUSALS.has(up.statusCode)) {
      throw new ProxyError(up.statusCode, upstreamErrorMessage(up.statusCode, text));
    }
    throw new CountUnavailable(`HTTP ${up.statusCode}`, up.statusCode);
  }
  let parsed: { input_tokens?: unknown; totalTokens?: unknown } | undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CountUnavailable("the upstream answer is not JSON");
  }
  const n = provider.format === "anthropic" ? parsed?.input_tokens : parsed?.totalTokens;
  if (typeof n !== "number") throw new CountUnavailable("no token count in the upstream answer");
  return n;
}
