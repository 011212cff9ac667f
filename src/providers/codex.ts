import { randomUUID } from "node:crypto";
import type { Credential } from "../credentials/credential.ts";
import type { SSEMessage } from "../protocols/ir.ts";
import { ProxyError } from "../server/errors.ts";
import { SSEParser } from "../upstream/sse-parser.ts";
import { joinUrl } from "./base-url.ts";
import type { Provider } from "./types.ts";

/**
 * Codex: the OpenAI Responses API with an API key (`codex-api-key`, `base-url` includes the
 * version), or a ChatGPT subscription (an OAuth file from auth-dir) on the ChatGPT backend,
 * which speaks the same wire format with its own rules: the account id header, streaming
 * only, `store: false`, and no sampling or token-limit fields.
 */

/** Where a ChatGPT subscription's Codex calls go. */
export const CHATGPT_CODEX_BASE_URL = "https://chatgpt.com/backend-api/codex";

// What the Codex CLI identifies itself with; the backend serves subscription traffic to it.
const CODEX_CLI_VERSION = "0.63.0";
const CODEX_ORIGINATOR = "codex_cli_rs";
const CODEX_USER_AGENT = `${CODEX_ORIGINATOR}/${CODEX_CLI_VERSION} (Linux; x86_64) unknown`;

export const codexProvider: Provider = {
  id: "codex",
  format: "openai-responses",
  defaultBaseUrl: "https://api.openai.com/v1",
  url: (cred) => joinUrl(cred.baseUrl, "/responses"),
  headers: (cred, stream) =>
    cred.kind === "oauth"
      ? chatgptHeaders(cred)
      : {
          authorization: `Bearer ${cred.apiKey}`,
          "content-type": "application/json",
          accept: stream ? "text/event-stream" : "application/json",
        },
  prepareBody: (cred, body, call) => (cred.kind === "oauth" ? chatgptBody(body, call.compact) : body),
  unaryBody: (cred, text) => (cred.kind === "oauth" ? collectResponse(text) : text),
};

function chatgptHeaders(cred: Credential): Record<string, string> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${cred.apiKey}`,
    "content-type": "application/json",
    // The backend always streams (see chatgptBody).
    accept: "text/event-stream",
    "openai-beta": "responses=experimental",
    originator: CODEX_ORIGINATOR,
    version: CODEX_CLI_VERSION,
    "user-agent": CODEX_USER_AGENT,
    session_id: randomUUID(),
  };
  const account = cred.attributes?.account_id;
  if (account) headers["chatgpt-account-id"] = account;
  return headers;
}

/** Fields the ChatGPT backend rejects ("Unsupported parameter"). */
const UNSUPPORTED = [
  "max_output_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "truncation",
  "user",
  "context_management",
  "stream_options",
  "safety_identifier",
  "prompt_cache_retention",
];

/**
 * The Responses body as the ChatGPT backend accepts it: always streamed and never stored,
 * `instructions` present, no token limits or sampling, `system` input turned `developer`,
 * and encrypted reasoning returned so a stateless conversation can carry it forward.
 */
export function chatgptBody(text: string, compact: boolean): string {
  let body: Record<string, any>;
  try {
    body = JSON.parse(text);
  } catch {
    return text; // not ours to fix; the upstream will say what is wrong
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) return text;
  if (typeof body.instructions !== "string") body.instructions = "";
  if (compact) {
    delete body.stream;
    return JSON.stringify(body);
  }
  body.stream = true;
  body.store = false;
  for (const key of UNSUPPORTED) delete body[key];
  if (body.service_tier !== undefined && body.service_tier !== "priority" && body.service_tier !== "fast") {
    delete body.service_tier;
  }
  if (typeof body.input === "string") {
    body.input = [{ type: "message", role: "user", content: [{ type: "input_text", text: body.input }] }];
  } else if (Array.isArray(body.input)) {
    for (const item of body.input) if (item?.role === "system") item.role = "developer";
  }
  const include: unknown[] = Array.isArray(body.include) ? body.include : [];
  if (!include.includes("reasoning.encrypted_content"))
    body.include = [...include, "reasoning.encrypted_content"];
  return JSON.stringify(body);
}

/**
 * The final `response` object of a ChatGPT backend stream, as a non-stream Responses body.
 * The completed event may carry an empty `output`; the items streamed before it fill it then.
 * A JSON body (an error, or the compact endpoint's answer) passes through.
 */
export function collectResponse(text: string): string {
  const first = text.trimStart()[0];
  if (first === "{" || first === "[") return text;
  const parser = new SSEParser();
  const messages: SSEMessage[] = [];
  parser.push(Buffer.from(text), messages);
  parser.end(messages);
  const items: Array<{ index: number; item: unknown }> = [];
  for (const m of messages) {
    if (m.data === "" || m.data === "[DONE]") continue;
    let event: any;
    try {
      event = JSON.parse(m.data);
    } catch {
      continue;
    }
    if (event?.type === "response.output_item.done" && event.item) {
      items.push({
        index: typeof event.output_index === "number" ? event.output_index : items.length,
        item: event.item,
      });
    } else if (event?.type === "response.completed" && event.response) {
      const response = event.response;
      if (!Array.isArray(response.output) || response.output.length === 0) {
        response.output = items.sort((a, b) => a.index - b.index).map((i) => i.item);
      }
      return JSON.stringify(response);
    } else if (event?.type === "response.failed" || event?.type === "error") {
      const message = event.response?.error?.message ?? event.error?.message ?? event.message ?? "failed";
      throw new ProxyError(502, `upstream stream failed: ${message}`, { type: "upstream_error" });
    }
  }
  throw new ProxyError(502, "upstream stream ended before response.completed", { type: "upstream_error" });
}
