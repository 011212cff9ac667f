/**
 * The canonical intermediate representation (IR) every wire format decodes to and encodes from.
 *
 * Hub and spoke: a protocol folder only knows its own format and this file, never another
 * format. Conventions that every codec must follow are written next to each field.
 */

/** Every wire format the proxy speaks, inbound or upstream. */
export type WireFormat =
  | "openai-chat"
  | "openai-completions"
  | "openai-responses"
  | "anthropic"
  | "gemini"
  | "gemini-cli"
  | "ollama-chat"
  | "ollama-generate";

/** Reasoning effort levels, lowest to highest. `none` disables thinking, `auto` lets the model decide. */
export type ReasoningEffort = "none" | "auto" | "minimal" | "low" | "medium" | "high" | "xhigh" | "max";

export interface IRReasoning {
  /** Effort level when the client expressed one (OpenAI `reasoning_effort`, Gemini `thinkingLevel`). */
  effort?: ReasoningEffort;
  /** Token budget when the client expressed one (Anthropic `budget_tokens`, Gemini `thinkingBudget`). -1 = dynamic. */
  budgetTokens?: number;
  /** Whether the client wants reasoning text back (Gemini `includeThoughts`, Responses `summary`). */
  includeThoughts?: boolean;
}

export type IRResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name?: string; description?: string; schema: unknown; strict?: boolean };

export interface IRTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters?: unknown;
  strict?: boolean;
}

export type IRToolChoice =
  | { type: "auto" }
  | { type: "none" }
  /** The model must call some tool (OpenAI `required`, Anthropic `any`, Gemini mode ANY). */
  | { type: "required" }
  | { type: "tool"; name: string };

export interface IRText {
  type: "text";
  text: string;
}

/** An image, either inline (base64 `data` + `mediaType`) or by `url` (http(s) URL or a data: URL left as is). */
export interface IRImage {
  type: "image";
  mediaType?: string;
  data?: string;
  url?: string;
}

/** Any other inline attachment (PDF, audio, ...): same shape as an image. */
export interface IRFile {
  type: "file";
  mediaType?: string;
  data?: string;
  url?: string;
  filename?: string;
}

/**
 * Model reasoning. `signature` is the provider's opaque proof (Anthropic `signature`, Gemini
 * `thoughtSignature`, Responses `encrypted_content`) and must travel back unchanged on the next
 * turn. `redacted` holds Anthropic `redacted_thinking.data` (text is then empty).
 */
export interface IRReasoningPart {
  type: "reasoning";
  text: string;
  signature?: string;
  redacted?: string;
}

/** A tool call made by the assistant. `arguments` is JSON text, as OpenAI carries it. */
export interface IRToolCall {
  type: "tool_call";
  id: string;
  name: string;
  arguments: string;
  /** Gemini attaches `thoughtSignature` to functionCall parts; keep it for the round trip. */
  signature?: string;
}

/** The result of a tool call, matched to the call by `toolCallId`. */
export interface IRToolResult {
  type: "tool_result";
  toolCallId: string;
  /** Tool name when the format carries it (Gemini needs it; recovered from history when absent). */
  name?: string;
  content: Array<IRText | IRImage | IRFile>;
  isError?: boolean;
}

export type IRPart = IRText | IRImage | IRFile | IRReasoningPart | IRToolCall | IRToolResult;

/**
 * One turn. `user` holds text/image/file; `assistant` holds text, reasoning and tool calls;
 * `tool` holds only tool_result parts (decoders split Anthropic/Gemini user turns that mix
 * results and text into a `tool` message followed by a `user` message, keeping order).
 */
export interface IRMessage {
  role: "user" | "assistant" | "tool";
  content: IRPart[];
}

export interface IRRequest {
  /** The model name as the client sent it; routing replaces it before encoding. */
  model: string;
  /** System / developer instructions, in order. */
  system: IRText[];
  messages: IRMessage[];
  tools?: IRTool[];
  toolChoice?: IRToolChoice;
  parallelToolCalls?: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** Number of choices; only OpenAI chat supports >1, others ignore it. */
  n?: number;
  stream: boolean;
  /** OpenAI `stream_options.include_usage`; other formats always report usage. */
  includeUsage?: boolean;
  reasoning?: IRReasoning;
  responseFormat?: IRResponseFormat;
  /** End-user id / metadata.user_id. */
  user?: string;
}

export type IRFinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "error";

/**
 * Token usage with OpenAI semantics: `inputTokens` counts every prompt token, cached ones
 * included. Anthropic decoders therefore add cache_read + cache_creation into inputTokens, and
 * Anthropic encoders subtract them again.
 */
export interface IRUsage {
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens served from cache (OpenAI cached_tokens, Anthropic cache_read_input_tokens, Gemini cachedContentTokenCount). */
  cachedInputTokens?: number;
  /** Anthropic cache_creation_input_tokens. */
  cacheCreationInputTokens?: number;
  /** Reasoning tokens, included in outputTokens (OpenAI semantics; Gemini thoughtsTokenCount is added in). */
  reasoningTokens?: number;
}

export interface IRResponse {
  id: string;
  /** Model as reported by upstream; encoders write the client-facing name they are given instead. */
  model: string;
  /** Unix seconds. */
  created: number;
  /** Assistant output in order: text, reasoning, tool calls, images. */
  content: Array<IRText | IRImage | IRReasoningPart | IRToolCall>;
  finishReason: IRFinishReason;
  /** The matched stop sequence when the upstream reports it (Anthropic stop_sequence). */
  stopSequence?: string;
  usage?: IRUsage;
}

/**
 * Stream events. Decoders emit them in this order: `start` once, then content events, then
 * `usage` (zero or more, the last one wins) and `finish` once, then the decoder's `finish()`.
 * Tool calls are keyed by `index` (0-based, in call order within the response); arguments may
 * arrive in any number of fragments between `tool_call_start` and `tool_call_end`.
 */
export type IRStreamEvent =
  | { type: "start"; id: string; model: string; created: number }
  | { type: "text"; delta: string }
  | { type: "reasoning"; delta: string }
  | { type: "reasoning_signature"; signature: string }
  | { type: "reasoning_redacted"; data: string }
  | { type: "tool_call_start"; index: number; id: string; name: string; signature?: string }
  | { type: "tool_call_delta"; index: number; argsDelta: string }
  | { type: "tool_call_end"; index: number }
  | { type: "image"; mediaType: string; data: string }
  | { type: "usage"; usage: IRUsage }
  | { type: "finish"; reason: IRFinishReason; stopSequence?: string }
  | { type: "error"; status: number; errorType: string; message: string };

/** One parsed upstream SSE event (`event:` line may be absent). */
export interface SSEMessage {
  event?: string;
  data: string;
}

/** Turns upstream stream messages into IR events. One instance per stream. */
export interface StreamDecoder {
  /** Decode one upstream message, pushing any IR events into `out`. */
  push(message: SSEMessage, out: IRStreamEvent[]): void;
  /** The upstream ended: push whatever is still owed (e.g. tool_call_end, finish). */
  end(out: IRStreamEvent[]): void;
}

/** Turns IR events into the client's wire text (SSE frames, NDJSON lines or JSON array pieces). */
export interface StreamEncoder {
  /** Wire text for one event; '' when the event produces nothing yet. */
  encode(event: IRStreamEvent): string;
  /** Wire text that closes the stream (e.g. `data: [DONE]`, message_stop, `]`). */
  end(): string;
}

/** What encoders of responses and streams are told about the exchange. */
export interface EncodeContext {
  /** Model name to report to the client: the name the client asked for. */
  model: string;
  /** Whether the client asked for usage in stream (OpenAI include_usage). */
  includeUsage?: boolean;
  /** Gemini inbound without `alt=sse` wants a JSON array stream, not SSE. */
  sse?: boolean;
  /** The inbound request, for encoders that echo parts of it (Responses echoes instructions, tools...). */
  request?: IRRequest;
}

/** A codec for one wire format. Pure functions, no I/O. */
export interface Codec {
  format: WireFormat;
  /** Client body -> IR. Throws ProxyError(400) on a body that is not this format. */
  decodeRequest(body: any): IRRequest;
  /** IR -> upstream body for `model`. */
  encodeRequest(req: IRRequest, model: string): Record<string, unknown>;
  /** Upstream non-stream body -> IR. */
  decodeResponse(body: any): IRResponse;
  /** IR -> client non-stream body. */
  encodeResponse(res: IRResponse, ctx: EncodeContext): unknown;
  createStreamDecoder(): StreamDecoder;
  createStreamEncoder(ctx: EncodeContext): StreamEncoder;
}
