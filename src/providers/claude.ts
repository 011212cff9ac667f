import type { Credential } from "../credentials/credential.ts";
import { joinUrl } from "./base-url.ts";
import type { Provider } from "./types.ts";

/**
 * Anthropic Messages API with an API key (`x-api-key`), or a Claude subscription (an OAuth
 * file from auth-dir): the bearer token plus what Claude Code sends, which the subscription
 * requires: the `oauth-2025-04-20` beta among Claude Code's betas, its client headers, and
 * the Claude Code identity as the first system block.
 */

const ANTHROPIC_VERSION = "2023-06-01";
/** Betas Claude Code sends; `oauth-2025-04-20` is what admits a subscription token. */
export const CLAUDE_CODE_BETAS =
  "claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14";
export const CLAUDE_CODE_IDENTITY = "You are Claude Code, Anthropic's official CLI for Claude.";
const CLAUDE_CODE_USER_AGENT = "claude-cli/1.0.83 (external, cli)";

export const claudeProvider: Provider = {
  id: "claude",
  format: "anthropic",
  defaultBaseUrl: "https://api.anthropic.com",
  url: (cred, _model, _stream, action) => {
    const path = action === "countTokens" ? "/v1/messages/count_tokens" : "/v1/messages";
    return joinUrl(cred.baseUrl, cred.kind === "oauth" ? `${path}?beta=true` : path);
  },
  headers: (cred, stream) =>
    cred.kind === "oauth" ? claudeCodeHeaders(cred, stream) : apiKeyHeaders(cred, stream),
  prepareBody: (cred, body) => (cred.kind === "oauth" ? withClaudeCodeIdentity(body) : body),
};

function apiKeyHeaders(cred: Credential, stream: boolean): Record<string, string> {
  return {
    "x-api-key": cred.apiKey,
    "anthropic-version": ANTHROPIC_VERSION,
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
  };
}

function claudeCodeHeaders(cred: Credential, stream: boolean): Record<string, string> {
  return {
    authorization: `Bearer ${cred.apiKey}`,
    "anthropic-version": ANTHROPIC_VERSION,
    "anthropic-beta": CLAUDE_CODE_BETAS,
    "anthropic-dangerous-direct-browser-access": "true",
    "x-app": "cli",
    "user-agent": CLAUDE_CODE_USER_AGENT,
    "x-stainless-lang": "js",
    "x-stainless-runtime": "node",
    "x-stainless-retry-count": "0",
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
  };
}

/**
 * Our betas plus the client's, without duplicates, ours first. The pipeline forwards a
 * client's `anthropic-beta`; for a subscription it must not drop `oauth-2025-04-20`.
 */
export function mergeAnthropicBeta(own: string | undefined, client: string | undefined): string {
  if (!own) return client ?? "";
  if (!client) return own;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of `${own},${client}`.split(",")) {
    const beta = part.trim();
    if (beta && !seen.has(beta)) {
      seen.add(beta);
      out.push(beta);
    }
  }
  return out.join(",");
}

/** The Messages body with the Claude Code identity as its first system block (added once). */
export function withClaudeCodeIdentity(text: string): string {
  let body: Record<string, any>;
  try {
    body = JSON.parse(text);
  } catch {
    return text;
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) return text;
  const identity = { type: "text", text: CLAUDE_CODE_IDENTITY };
  const system = body.system;
  if (typeof system === "string" && system !== "") {
    if (system.startsWith(CLAUDE_CODE_IDENTITY)) return text;
    body.system = [identity, { type: "text", text: system }];
  } else if (Array.isArray(system) && system.length > 0) {
    if (system[0]?.type === "text" && system[0].text === CLAUDE_CODE_IDENTITY) return text;
    body.system = [identity, ...system];
  } else {
    body.system = [identity];
  }
  return JSON.stringify(body);
}
