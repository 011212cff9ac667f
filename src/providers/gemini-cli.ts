import { joinUrl } from "./base-url.ts";
import type { Provider } from "./types.ts";

/**
 * Gemini CLI accounts (`type: "gemini"` files in auth-dir): Google's Code Assist API
 * (`/v1internal:*`) with the account's OAuth bearer token. The wire format is the Code Assist
 * envelope `{model, project, request}`; the project is the account's own (its `project_id`),
 * written into every request here since it belongs to the credential, not to the client.
 */

export const CODE_ASSIST_BASE_URL = "https://cloudcode-pa.googleapis.com";

// What Gemini CLI identifies itself with (a Node program: Node's platform and arch names).
const GEMINI_CLI_VERSION = "0.31.0";
const GEMINI_CLI_USER_AGENT = `GeminiCLI/${GEMINI_CLI_VERSION} (${process.platform}; ${process.arch})`;
const GEMINI_CLI_API_CLIENT = "google-genai-sdk/1.41.0 gl-node/v22.19.0";

/** Gemini CLI's client headers, for generation and for the login's setup calls alike. */
export function geminiCliClientHeaders(): Record<string, string> {
  return { "user-agent": GEMINI_CLI_USER_AGENT, "x-goog-api-client": GEMINI_CLI_API_CLIENT };
}

/** `{base}/v1internal:{method}`; streams ask for SSE. */
export function codeAssistUrl(
  base: string,
  stream: boolean,
  action: "generate" | "countTokens" | undefined,
): string {
  const method =
    action === "countTokens" ? "countTokens" : stream ? "streamGenerateContent?alt=sse" : "generateContent";
  return joinUrl(base, `/v1internal:${method}`);
}

export const geminiCliProvider: Provider = {
  id: "gemini-cli",
  format: "gemini-cli",
  defaultBaseUrl: CODE_ASSIST_BASE_URL,
  url: (cred, _model, stream, action) => codeAssistUrl(cred.baseUrl, stream, action),
  headers: (cred, stream) => ({
    ...geminiCliClientHeaders(),
    authorization: `Bearer ${cred.apiKey}`,
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
  }),
  prepareBody: (cred, body) => withProject(body, cred.attributes?.project_id ?? ""),
};

/**
 * The envelope with `project` set to `project`. Translated bodies carry no project at all:
 * then it is spliced in front without parsing the (possibly large) body. A body that
 * mentions a project (a Gemini CLI client's own, passed through) is parsed and replaced.
 */
export function withProject(body: string, project: string): string {
  if (!project) return body;
  if (body.indexOf('"project"') === -1) {
    if (body.charCodeAt(0) !== 0x7b /* { */) return body; // not ours to fix
    const rest = body.slice(1).trimStart();
    return `{"project":${JSON.stringify(project)}${rest.startsWith("}") ? "" : ","}${rest}`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body; // the upstream will say what is wrong
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return body;
  (parsed as Record<string, unknown>).project = project;
  return JSON.stringify(parsed);
}

/**
 * `quota-exceeded.switch-preview-model`: when a Gemini CLI account's quota for `model` is
 * used up (429), the preview builds of the same model are tried next, in this order, before
 * the account is given up. Empty for models without a preview sibling.
 */
const PREVIEW_FALLBACKS: Readonly<Record<string, readonly string[]>> = {
  "gemini-2.5-pro": ["gemini-2.5-pro-preview-05-06", "gemini-2.5-pro-preview-06-05"],
  "gemini-2.5-flash": ["gemini-2.5-flash-preview-04-17", "gemini-2.5-flash-preview-05-20"],
  "gemini-2.5-flash-lite": ["gemini-2.5-flash-lite-preview-06-17"],
};

export function previewFallbacks(model: string): readonly string[] {
  return PREVIEW_FALLBACKS[model] ?? [];
}
