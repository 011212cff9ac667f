import type { Credential } from "../credentials/credential.ts";
import type { WireFormat } from "../protocols/ir.ts";

/** Upstream kinds the proxy can call. The names match the Go original's provider keys. */
export type ProviderId =
  | "openai-compatibility"
  | "claude"
  | "gemini"
  | "codex"
  | "qwen"
  | "iflow"
  | "gemini-cli"
  | "antigravity";

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
  /**
   * Last touch of the encoded upstream body for this credential, for what only some accounts
   * require (e.g. a subscription's fixed fields). Absent or returning `body` = unchanged.
   */
  prepareBody?(cred: Credential, body: string, call: UpstreamCall): string;
  /**
   * For a non-stream call: the upstream answer text as the JSON body of `format`. Needed when
   * the upstream only streams (the ChatGPT backend): the stream is collected into one answer.
   * Throws a ProxyError (502) when the answer cannot be collected.
   */
  unaryBody?(cred: Credential, text: string): string;
}

/** What the client asked for, as far as a provider's body adjustments care. */
export interface UpstreamCall {
  stream: boolean;
  /** `/responses/compact`: a unary call on the compact endpoint. */
  compact: boolean;
}
