import type { Credential } from "../credentials/credential.ts";
import type { WireFormat } from "../protocols/ir.ts";

/** Upstream kinds the proxy can call. The names match the Go original's provider keys. */
export type ProviderId = "openai-compatibility" | "claude" | "gemini" | "codex";

/** How to reach one upstream: where, in which wire format, with which credentials. */
export interface Provider {
  id: ProviderId;
  /** The wire format the upstream speaks. */
  format: WireFormat;
  defaultBaseUrl: string;
  /** Full URL for a generate call (or countTokens when `action` is "countTokens"). */
  url(cred: Credential, model: string, stream: boolean, action?: "generate" | "countTokens"): string;
  /** Authentication and protocol headers (config `headers` are added by the caller). */
  headers(cred: Credential, stream: boolean): Record<string, string>;
}
